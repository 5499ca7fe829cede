import type { CacheService } from '@backstage/backend-plugin-api';
import type {
  ClusterTraffic,
  EgressRequestRecord,
  EntityTraffic,
  NamespaceInventory,
  RequestTarget,
  TrafficWindow,
} from '@backstage-egress/plugin-egress-common';
import { createHash } from 'node:crypto';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { PrometheusClient } from './PrometheusClient';
import { Grant, readClusterTraffic } from './clusterTraffic';
import { WINDOW_SECONDS, stepSeconds } from './promql';

/** Settings of the traffic view (`egress.traffic`). */
export interface TrafficSettings {
  unusedAfterDays: number;
  cacheSeconds: number;
}

/** What `GET /traffic` knows about the entity before reading Prometheus. */
export interface TrafficScope {
  entityRef: string;
  namespace: string;
  /** The entity's namespace in each target cluster, from the cluster cache. */
  inventory: NamespaceInventory[];
  /** The entity's requests and their targets, for unused grants. */
  requests?: EgressRequestRecord[];
  targets?: RequestTarget[];
}

/**
 * The traffic view: per target cluster, traffic to each host the entity's
 * namespace may reach, blocked and unregistered attempts, and unused grants,
 * from that cluster's Prometheus. A cluster whose Prometheus fails carries an
 * `error`; the others are answered. Answers are cached `cacheSeconds`, keyed
 * by the minute-aligned window end.
 */
export class TrafficService {
  constructor(
    private readonly options: {
      clusters: ClusterDirectory;
      settings: TrafficSettings;
      cache?: CacheService;
      now?: () => number;
    },
  ) {}

  async entityTraffic(scope: TrafficScope, window: TrafficWindow): Promise<EntityTraffic> {
    const { settings } = this.options;
    const now = this.options.now?.() ?? Date.now();
    const end = Math.floor(now / 60_000) * 60;
    const step = stepSeconds(window);
    const clusters = await Promise.all(
      scope.inventory.map(inv => this.cluster(scope, inv, window, end)),
    );
    return {
      entityRef: scope.entityRef,
      namespace: scope.namespace,
      window,
      end: new Date(end * 1000).toISOString(),
      step,
      unusedAfterDays: settings.unusedAfterDays,
      clusters,
    };
  }

  private async cluster(
    scope: TrafficScope,
    inv: NamespaceInventory,
    window: TrafficWindow,
    end: number,
  ): Promise<ClusterTraffic> {
    const empty = { cluster: inv.cluster, hosts: [], attempts: [], unusedGrants: [] };
    const settings = this.options.clusters.get(inv.cluster);
    if (!settings) return { ...empty, error: `Cluster ${inv.cluster} is not configured` };
    if (!settings.prometheusUrl) {
      return { ...empty, error: `No prometheusUrl is configured for cluster ${inv.cluster}` };
    }
    const hosts = inv.resources.filter(r => r.kind === 'ServiceEntry').flatMap(r => r.hosts);
    const grants = activeGrants(scope, inv.cluster);
    const [workload, gatewayNamespace] = settings.egressGateway.serviceHost.split('.');
    const input = {
      cluster: inv.cluster,
      namespace: scope.namespace,
      gateway: { namespace: gatewayNamespace ?? settings.istioNamespace, workload },
      meshMode: inv.effectiveMode,
      hosts,
      grants,
      end,
      windowSeconds: WINDOW_SECONDS[window],
      step: stepSeconds(window),
      unusedAfterDays: this.options.settings.unusedAfterDays,
    };
    const key = `traffic:${createHash('sha256').update(JSON.stringify(input)).digest('hex')}`;
    const cache = this.options.cache;
    const cached = await cache?.get<ClusterTraffic & Record<string, never>>(key);
    if (cached) return cached;
    const client = new PrometheusClient({
      url: settings.prometheusUrl,
      token: settings.prometheusToken,
      headers: settings.prometheusHeaders,
      timeoutMs: settings.prometheusTimeoutMs ?? 5000,
    });
    try {
      const traffic = await readClusterTraffic({ ...input, client });
      await cache?.set(key, traffic as never, { ttl: this.options.settings.cacheSeconds * 1000 });
      return traffic;
    } catch (e) {
      // Not cached: the next request tries Prometheus again.
      return { ...empty, ...(inv.effectiveMode ? { meshMode: inv.effectiveMode } : {}), error: (e as Error).message };
    }
  }
}

/** The entity's active requests applied to `cluster`, as grants. */
function activeGrants(scope: TrafficScope, cluster: string): Grant[] {
  const grants: Grant[] = [];
  for (const request of scope.requests ?? []) {
    if (request.status !== 'active' || !request.clusters.includes(cluster)) continue;
    const target = scope.targets?.find(t => t.requestId === request.id && t.cluster === cluster);
    const appliedAt = target?.appliedAt ?? request.decidedAt;
    if (!appliedAt) continue;
    grants.push({ requestId: request.id, hosts: request.hosts ?? request.addresses ?? [], appliedAt });
  }
  return grants;
}
