import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { EgressRequestStatus } from '@backstage-egress/plugin-egress-common';
import express from 'express';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { ClusterService } from '../kubernetes/types';
import { addKubernetesRoutes } from './kubernetesRoutes';
import { jsonBody } from './jsonBody';
import { queryRef } from './queryRefs';
import { createOpenApiRouter } from '../schema/openapi';
import { EgressRequestService } from '../workflow/EgressRequestService';

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
}

/**
 * Creates the egress plugin's HTTP API from the OpenAPI spec
 * (src/schema/openapi.yaml), which validates every request; handlers stay
 * thin over the services.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, requests, clusterService, targets } = options;
  const router = await createOpenApiRouter({ middleware: jsonBody() });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  addKubernetesRoutes(router, {
    httpAuth,
    permissions,
    clusterService,
    targets,
    requests,
  });

  if (requests) {
    const user = (req: express.Request) =>
      httpAuth.credentials(req, { allow: ['user'] });

    router.post('/preview', async (req, res) => {
      res.json(await requests.preview(req.body, await user(req)));
    });

    router.post('/requests', async (req, res) => {
      const { request, created } = await requests.submit(req.body, await user(req), req);
      // A repeated submit (same id, requester and draft) answers 200 with the stored request.
      res.status(created ? 201 : 200).json(request);
    });

    router.get('/requests', async (req, res) => {
      const q = req.query;
      res.json(
        await requests.list(
          {
            status: q.status?.split(',') as EgressRequestStatus[] | undefined,
            entityRef: queryRef('entityRef', q.entityRef, 'component'),
            cluster: q.cluster,
            requestedBy: queryRef('requester', q.requester, 'user'),
            cursor: q.cursor,
            limit: q.limit ? Number(q.limit) : undefined,
          },
          await user(req),
        ),
      );
    });

    router.get('/requests/:id', async (req, res) => {
      res.json(await requests.get(req.params.id, await user(req)));
    });

    router.post('/requests/:id/approve', async (req, res) => {
      const credentials = await user(req);
      res.json(await requests.approve(req.params.id, req.body?.comment, credentials, req));
    });

    router.post('/requests/:id/reject', async (req, res) => {
      const credentials = await user(req);
      res.json(await requests.reject(req.params.id, req.body.comment, credentials, req));
    });

    router.post('/requests/:id/cancel', async (req, res) => {
      res.json(await requests.cancel(req.params.id, await user(req), req));
    });

    router.post('/requests/:id/revoke', async (req, res) => {
      const credentials = await user(req);
      res.json(await requests.revoke(req.params.id, req.body?.comment, credentials, req));
    });
  }

  return router;
}
