import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { egressRequestReadPermission } from '@backstage-egress/plugin-egress-common';
import express from 'express';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { ClusterService } from '../kubernetes/types';
import { queryRef } from './queryRefs';


/** Dependencies of the cluster routes. */
export interface KubernetesRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusterService: ClusterService;
  targets: EntityTargetResolver;
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
  const { httpAuth, permissions, clusterService, targets, requests } = options;

  const authorizeRead = (req: express.Request) => authorizeEgressRead(httpAuth, permissions, req);

  router.get('/clusters', async (req, res) => {
    await authorizeRead(req);
    res.json({ items: clusterService.listClusters() });
  });

  router.get('/entity', async (req, res) => {
    const credentials = await authorizeRead(req);
    const { entityRef, namespace, clusters } = await resolveEntityScope(targets, req.query.entityRef, credentials);
    res.json({
      entityRef,
      namespace,
      clusters,
      inventory: clusterService.inventory(namespace, clusters),
      ...(requests ? await requests.entityRequests(entityRef, credentials) : {}),
    });
  });
}

/** The caller's credentials, when they may read egress data (egress.request.read); NotAllowedError otherwise. */
export async function authorizeEgressRead(
  httpAuth: HttpAuthService,
  permissions: PermissionsService,
  req: express.Request,
) {
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

/**
 * The entity named by an `entityRef` query parameter (completed like entity refs elsewhere),
 * its namespace and its target clusters, through the one entity-targets resolver. Reserved
 * namespaces are refused here too; ownership is verified where something is written (preview
 * and create), not on every read.
 */
export async function resolveEntityScope(
  targets: EntityTargetResolver,
  raw: unknown,
  credentials: BackstageCredentials<BackstageUserPrincipal>,
) {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new InputError('entityRef query parameter is required');
  }
  const entityRef = queryRef('entityRef', raw, 'component')!;
  const { namespace, clusters } = await targets.resolve(entityRef, credentials, { verifyOwnership: false });
  return { entityRef, namespace, clusters };
}
