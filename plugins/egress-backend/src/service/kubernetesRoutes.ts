import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  egressRequestApprovePermission,
  egressRequestReadPermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';
import type { Entity } from '@backstage/catalog-model';
import express from 'express';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { JsonParts, inventoryJson, jsonPartsChunks, jsonWithRaw } from '../kubernetes/inventory';
import { ClusterService, NamespaceInventory } from '../kubernetes/types';
import { queryRef } from './queryRefs';
import { prefetchPermissions } from './prefetchedPermissions';


/** Dependencies of the cluster routes. */
export interface KubernetesRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusterService: ClusterService;
  targets: EntityTargetResolver;
  /**
   * Reads the inventory from the API servers on every view instead of the caches: only for the
   * benchmark's uncached comparison.
   */
  uncachedInventory?: (namespace: string, clusters: string[]) => Promise<NamespaceInventory[]>;
  /** The request workflow; when given, `GET /entity` includes the entity's requests and their targets. */
  requests?: {
    entityRequests(
      entityRef: string,
      credentials: BackstageCredentials<BackstageUserPrincipal>,
      /** Answers the decisions already made for this HTTP request. */
      decided?: PermissionsService,
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
  const { httpAuth, permissions, clusterService, targets, requests, uncachedInventory } = options;

  const authorizeRead = (req: express.Request) => authorizeEgressRead(httpAuth, permissions, req);

  router.get('/clusters', async (req, res) => {
    await authorizeRead(req);
    res.json({ items: clusterService.listClusters() });
  });

  router.get('/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    let entityRef: string | undefined;
    let badRef: unknown;
    try {
      entityRef = entityRefParam(req.query.entityRef);
    } catch (e) {
      badRef = e;
    }
    // The entity as the plugin reads it, once per view: for conditions on it and for the view.
    let read: Promise<Entity | undefined> | undefined;
    const viewEntity = () => (read ??= targets.cachedEntity(entityRef!));
    // One permission call for every decision of the page: reading egress data, reading the
    // entity in the catalog and, for the entity's requests, the caller's approve and revoke
    // standing.
    const decided = await prefetchPermissions(permissions, credentials, [
      { permission: egressRequestReadPermission },
      ...(entityRef ? [{ permission: catalogEntityReadPermission, resourceRef: entityRef }] : []),
      ...(requests && entityRef
        ? [{ permission: egressRequestApprovePermission }, { permission: egressRequestRevokePermission, resourceRef: entityRef }]
        : []),
    ], entityRef && targets.readsEntitiesForViews ? { ref: entityRef, load: viewEntity } : undefined);
    await authorizeEgressReadAs(decided, credentials);
    if (badRef || !entityRef) throw badRef;
    const { namespace, clusters } = await targets.resolve(entityRef, credentials, { verifyOwnership: false, readAs: decided, viewEntity });
    const inventory = uncachedInventory
      ? await uncachedInventory(namespace, clusters)
      : clusterService.inventory(namespace, clusters);
    const rest = requests ? await requests.entityRequests(entityRef, credentials, decided) : {};
    // The inventory is most of the answer: serialised and encoded once per change, written from
    // the same bytes on every call.
    sendJsonParts(res, jsonWithRaw({ entityRef, namespace, clusters }, 'inventory', inventoryJson(inventory), rest));
  });
}

/** The caller's credentials, when they may read egress data (egress.request.read); NotAllowedError otherwise. */
export async function authorizeEgressRead(
  httpAuth: HttpAuthService,
  permissions: PermissionsService,
  req: express.Request,
) {
  const credentials = await httpAuth.credentials(req, { allow: ['user'] });
  await authorizeEgressReadAs(permissions, credentials);
  return credentials;
}

async function authorizeEgressReadAs(permissions: PermissionsService, credentials: BackstageCredentials) {
  const [decision] = await permissions.authorize(
    [{ permission: egressRequestReadPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError('You are not allowed to read egress data');
  }
}

/** The entity ref of an `entityRef` query parameter, completed like entity refs elsewhere. */
function entityRefParam(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new InputError('entityRef query parameter is required');
  }
  return queryRef('entityRef', raw, 'component')!;
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
  const entityRef = entityRefParam(raw);
  const { namespace, clusters } = await targets.resolve(entityRef, credentials, { verifyOwnership: false });
  return { entityRef, namespace, clusters };
}

/**
 * Answers 200 with a JSON document given in parts, written one after the other (no copy of the
 * shared parts; the compression middleware, when it applies, reads them as a stream).
 */
function sendJsonParts(res: express.Response, parts: JsonParts) {
  const chunks = jsonPartsChunks(parts);
  res.status(200);
  res.type('application/json');
  res.setHeader('Content-Length', chunks.reduce((n, c) => n + c.length, 0));
  for (const chunk of chunks) res.write(chunk);
  res.end();
}
