import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type {
  EgressRequestRecord,
  RequestTarget,
  TrafficWindow,
} from '@backstage-egress/plugin-egress-common';
import express from 'express';
import { ClusterService } from '../kubernetes/types';
import { TrafficService } from '../traffic/TrafficService';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { authorizeEgressRead, resolveEntityScope } from './kubernetesRoutes';

/** Dependencies of `GET /traffic`. */
export interface TrafficRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusterService: ClusterService;
  targets: EntityTargetResolver;
  traffic: TrafficService;
  /** The request workflow; when given, unused grants are reported. */
  requests?: {
    entityRequests(
      entityRef: string,
      credentials: BackstageCredentials<BackstageUserPrincipal>,
    ): Promise<{ requests: EgressRequestRecord[]; targets: RequestTarget[] }>;
  };
}

/**
 * `GET /traffic?entityRef=&window=1h|24h|7d`: per target cluster, traffic to each host
 * the entity's namespace may reach, blocked and unregistered attempts, and unused grants,
 * read from the cluster's Prometheus. A failing Prometheus is reported on its cluster only.
 */
export function addTrafficRoutes(router: express.Router, options: TrafficRoutesOptions): void {
  const { httpAuth, permissions, clusterService, targets, traffic, requests } = options;
  router.get('/traffic', async (req, res) => {
    const credentials = await authorizeEgressRead(httpAuth, permissions, req);
    const scope = await resolveEntityScope(targets, req.query.entityRef, credentials);
    const window = (req.query.window ?? '1h') as TrafficWindow;
    const granted = requests ? await requests.entityRequests(scope.entityRef, credentials) : {};
    res.json(
      await traffic.entityTraffic(
        { ...scope, ...granted, inventory: clusterService.inventory(scope.namespace, scope.clusters) },
        window,
      ),
    );
  });
}
