/**
 * One mode per external host on a cluster's egress gateway: the objects
 * shared per host (Gateway server, gateway-bound VirtualService,
 * AuthorizationPolicy) are rendered in one mode, so a draft routing a host
 * through the gateway cannot take another effective mode (its `gatewayMode`
 * ?? the cluster's) than a live request already routing that host there.
 * The shared objects are one per host whatever the port, so any port counts.
 */
import {
  EgressGatewayMode,
  FieldIssue,
  NormalizedDraft,
  effectiveGatewayMode,
} from '@backstage-egress/plugin-egress-common';
import { EgressStore, StoredEgressRequest } from '../database/EgressStore';
import { LIVE_STATUSES } from '../lifecycle';

type Routed = Pick<NormalizedDraft, 'clusters' | 'hosts' | 'viaEgressGateway' | 'gatewayMode'>;

/**
 * Errors (path `gatewayMode`, code `gateway-mode-conflict`) naming, per
 * cluster and host, the live request that routes the host through the
 * gateway in the other mode. `excludeId` is the draft's own id.
 */
export async function gatewayModeClashes(
  store: EgressStore,
  draft: Routed,
  clusterMode: (cluster: string) => EgressGatewayMode | undefined,
  excludeId?: string,
): Promise<FieldIssue[]> {
  if (!draft.viaEgressGateway || draft.hosts.length === 0) return [];
  const live = new Map<string, StoredEgressRequest[]>();
  for (const cluster of draft.clusters) live.set(cluster, await liveThroughGateway(store, cluster));
  return clashesAmong(draft, cluster => live.get(cluster) ?? [], clusterMode, excludeId);
}

/**
 * {@link gatewayModeClashes} among given live requests through the gateway
 * (the store's check under its lock hands them over; requests whose targets
 * are on none of the draft's clusters are ignored).
 */
export function gatewayModeClashesAmong(
  draft: Routed,
  live: StoredEgressRequest[],
  clusterMode: (cluster: string) => EgressGatewayMode | undefined,
  excludeId?: string,
): FieldIssue[] {
  return clashesAmong(draft, cluster => live.filter(r => r.viaEgressGateway && r.clusters.includes(cluster)), clusterMode, excludeId);
}

function clashesAmong(
  draft: Routed,
  liveOn: (cluster: string) => StoredEgressRequest[],
  clusterMode: (cluster: string) => EgressGatewayMode | undefined,
  excludeId?: string,
): FieldIssue[] {
  if (!draft.viaEgressGateway || draft.hosts.length === 0) return [];
  const issues: FieldIssue[] = [];
  for (const cluster of draft.clusters) {
    const mode = effectiveGatewayMode(draft, clusterMode(cluster));
    const live = liveOn(cluster);
    for (const host of draft.hosts) {
      const other = live.find(
        r => r.id !== excludeId && (r.hosts ?? []).includes(host) && effectiveGatewayMode(r, clusterMode(cluster)) !== mode,
      );
      if (!other) continue;
      const theirs = effectiveGatewayMode(other, clusterMode(cluster));
      issues.push({
        path: 'gatewayMode',
        code: 'gateway-mode-conflict',
        message: `gatewayMode: on cluster ${cluster} the egress gateway already serves ${host} in ${theirs} mode for request ${other.id} (${other.status}, namespace ${other.namespace}); one host has one mode, so this request would need ${theirs} too`,
      });
    }
  }
  return issues;
}

async function liveThroughGateway(store: EgressStore, cluster: string): Promise<StoredEgressRequest[]> {
  const out: StoredEgressRequest[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRequests({ cluster, status: [...LIVE_STATUSES], limit: 500, cursor });
    out.push(...page.items.filter(r => r.viaEgressGateway));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
