import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { egressRequestReadPermission } from '@backstage-egress/plugin-egress-common';
import express from 'express';
import {
  NAMESPACE_ANNOTATION,
  annotatedClusters,
  entityNamespace,
} from '../catalog/annotations';
import { ClusterService } from '../kubernetes/types';
import { queryRef } from './queryRefs';


/** Dependencies of the cluster routes. */
export interface KubernetesRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusterService: ClusterService;
  catalog: CatalogService;
  /** The request workflow; when given, `GET /entity` includes the entity's requests and their targets. */
  requests?: {
    entityRequests(
      entityRef: string,
      credentials: BackstageCredentials<BackstageUserPrincipal>,
    ): Promise<{ requests: unknown[]; targets: unknown[] }>;
  };
}

/**
 * `GET /clusters` (status of every target cluster, from the cache) and
 * `GET /entity?entityRef=` (the entity's namespace in its target clusters).
 * Both answer from the watch-fed cache and never wait on a cluster.
 */
export function addKubernetesRoutes(
  router: express.Router,
  options: KubernetesRoutesOptions,
): void {
  const { httpAuth, permissions, clusterService, catalog, requests } = options;

  async function authorizeRead(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: egressRequestReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You are not allowed to read egress data');
    }
    return credentials;
  }

  router.get('/clusters', async (req, res) => {
    await authorizeRead(req);
    res.json({ items: clusterService.listClusters() });
  });

  router.get('/entity', async (req, res) => {
    const credentials = await authorizeRead(req);
    const raw = req.query.entityRef;
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new InputError('entityRef query parameter is required');
    }
    const entityRef = queryRef('entityRef', raw, 'component')!;
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`Entity ${entityRef} not found`);
    const namespace = entityNamespace(entity);
    if (!namespace) {
      throw new InputError(`Entity ${entityRef} has no ${NAMESPACE_ANNOTATION} annotation`);
    }
    const configured = clusterService.listClusters().map(c => c.name);
    const listed = annotatedClusters(entity);
    const clusters = listed && listed.length > 0 ? [...new Set(listed)] : configured;
    res.json({
      entityRef,
      namespace,
      clusters,
      inventory: clusterService.inventory(namespace, clusters),
      ...(requests ? await requests.entityRequests(entityRef, credentials) : {}),
    });
  });
}
