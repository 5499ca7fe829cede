import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_EGRESS_POLICY,
  EgressPolicy,
  EgressRequestStatus,
  egressRequestReadPermission,
  summarizePolicy,
} from '@backstage-egress/plugin-egress-common';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { ClusterService, NamespaceInventory } from '../kubernetes/types';
import { addKubernetesRoutes } from './kubernetesRoutes';
import { addTrafficRoutes } from './trafficRoutes';
import { TrafficService } from '../traffic/TrafficService';
import { jsonBody } from './jsonBody';
import { queryRef } from './queryRefs';
import { createOpenApiRouter } from '../schema/openapi';
import { EgressRequestService } from '../workflow/EgressRequestService';
import { OrphanService } from '../workflow/OrphanService';
import { riskFlagger } from './riskFlags';

/** Dependencies of the egress router. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: ClusterDirectory;
  logger: LoggerService;
  /** The request workflow; without it the request routes are not served. */
  requests?: EgressRequestService;
  clusterService: ClusterService;
  targets: EntityTargetResolver;
  /** The platform's policy: its summary is served, and it decides the risk flags. */
  policy?: EgressPolicy;
  /** The traffic view; without it `GET /traffic` is not served. */
  traffic?: TrafficService;
  /** Orphaned resources; without it `/orphans` is not served. */
  orphans?: OrphanService;
  /** `GET /entity` reads the inventory live from the clusters: the benchmark's uncached comparison only. */
  uncachedInventory?: (namespace: string, clusters: string[]) => Promise<NamespaceInventory[]>;
}

/**
 * Creates the egress plugin's HTTP API from the OpenAPI spec
 * (src/schema/openapi.yaml), which validates every request; handlers stay
 * thin over the services.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, requests, clusterService, targets, traffic, orphans } = options;
  const policy = options.policy ?? DEFAULT_EGRESS_POLICY;
  const flagged = riskFlagger(policy, () => requests?.mutualClusters?.() ?? []);
  const router = await createOpenApiRouter({ middleware: jsonBody() });
  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/policy', async (req, res) => {
    const [decision] = await permissions.authorize(
      [{ permission: egressRequestReadPermission }],
      { credentials: await user(req) },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You are not allowed to read egress data');
    }
    res.json(summarizePolicy(policy));
  });

  addKubernetesRoutes(router, {
    httpAuth,
    permissions,
    clusterService,
    targets,
    uncachedInventory: options.uncachedInventory,
    requests: requests && {
      async entityRequests(entityRef, credentials, decided) {
        const found = await requests.entityRequests(entityRef, credentials, decided);
        return { ...found, requests: found.requests.map(flagged) };
      },
    },
  });

  if (traffic) {
    addTrafficRoutes(router, { httpAuth, permissions, clusterService, targets, traffic, requests });
  }

  if (requests) {
    router.post('/preview', async (req, res) => {
      res.json(await requests.preview(req.body, await user(req)));
    });

    router.post('/requests', async (req, res) => {
      const credentials = await user(req);
      const { request, created } = await requests.submit(req.body, credentials, req);
      // A repeated submit (same id, requester and draft) answers 200 with the stored request.
      res.status(created ? 201 : 200).json(flagged(await requests.view(request, credentials)));
    });

    router.get('/requests', async (req, res) => {
      const q = req.query;
      const page = await requests.list(
          {
            status: q.status?.split(',') as EgressRequestStatus[] | undefined,
            entityRef: queryRef('entityRef', q.entityRef, 'component'),
            cluster: q.cluster,
            requestedBy: queryRef('requester', q.requester, 'user'),
            cursor: q.cursor,
            limit: q.limit ? Number(q.limit) : undefined,
          },
          await user(req),
        );
      res.json({ ...page, items: page.items.map(flagged) });
    });

    router.get('/requests/:id', async (req, res) => {
      const detail = await requests.get(req.params.id, await user(req));
      res.json({ ...detail, request: flagged(detail.request) });
    });

    router.post('/requests/:id/approve', async (req, res) => {
      const credentials = await user(req);
      res.json(flagged(await requests.approve(req.params.id, req.body?.comment, credentials, req)));
    });

    router.post('/requests/:id/reject', async (req, res) => {
      const credentials = await user(req);
      res.json(flagged(await requests.reject(req.params.id, req.body.comment, credentials, req)));
    });

    router.post('/requests/:id/cancel', async (req, res) => {
      res.json(flagged(await requests.cancel(req.params.id, await user(req), req)));
    });

    router.post('/requests/:id/revoke', async (req, res) => {
      const credentials = await user(req);
      res.json(flagged(await requests.revoke(req.params.id, req.body?.comment, credentials, req)));
    });
  }

  if (orphans) {
    router.get('/orphans', async (req, res) => {
      res.json({ items: await orphans.list(await user(req)) });
    });

    router.post('/orphans/remove', async (req, res) => {
      res.json(await orphans.remove(req.body, await user(req), req));
    });
  }

  return router;
}
