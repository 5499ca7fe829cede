/**
 * The objects shared per external host in the egress gateway's namespace
 * (ServiceEntry, Gateway server, gateway-bound VirtualService,
 * AuthorizationPolicy in `mutual` mode), reference-counted by the granted requests using the host
 * through the gateway on a cluster. Each such request renders them with the
 * use of all others, so they read the same whichever request applies them;
 * when a request leaves, they are applied again for the remaining users (the
 * policy loses the namespace) or deleted with the last one.
 */
import {
  ClusterEgressSettingsInput,
  GatewayUse,
  GatewayUsage,
  KIND_ORDER,
  gatewayUsageOf,
  mergeGatewayUsage,
  renderSharedGateway,
  effectiveGatewayMode,
  resolveClusterSettings,
  sharedGatewayName,
  withGatewayMode,
} from '@backstage-egress/plugin-egress-common';
import { EgressStore, StoredEgressRequest } from '../database/EgressStore';
import { GRANTED_STATUSES } from '../lifecycle';
import { ApplyOutcome, BundleResult, EgressWriter } from '../kubernetes/types';

/** Kinds that may be shared per host, in the order they are deleted (reverse of apply). */
const SHARED_KINDS_REMOVAL_ORDER = [...KIND_ORDER]
  .reverse()
  .filter(k => k === 'VirtualService' || k === 'Gateway' || k === 'ServiceEntry' || k === 'AuthorizationPolicy');

/** The granted requests' use of the gateway on one cluster, by host. */
type UsageByHost = Map<string, Array<{ id: string; use: GatewayUse }>>;

/** The use of the egress gateway on a cluster by the granted requests other than one. */
export interface GatewayUsageReader {
  /** Their use of `hosts` (what rendering and releasing a request with these hosts takes). */
  othersUsing(cluster: string, excludeId: string, hosts: readonly string[]): Promise<GatewayUsage>;
}

function othersOf(byHost: UsageByHost, excludeId: string, hosts: readonly string[]): GatewayUsage {
  const usages: GatewayUsage[] = [];
  for (const host of hosts) {
    for (const { id, use } of byHost.get(host) ?? []) if (id !== excludeId) usages.push({ [host]: use });
  }
  return mergeGatewayUsage(...usages);
}

/** Gateway use per cluster, read from the store's granted requests each time (never stale). */
export class GatewaySharing implements GatewayUsageReader {
  constructor(private readonly store: EgressStore) {}

  /** The use of `hosts` through the gateway on `cluster` by every granted request but `excludeId`. */
  async othersUsing(cluster: string, excludeId: string, hosts: readonly string[]): Promise<GatewayUsage> {
    return othersOf(await this.read(cluster), excludeId, hosts);
  }

  /**
   * A reader for one view: each cluster's granted requests are read once, on
   * first use, and answer every request of the view. A view of N requests on
   * C clusters costs C store reads instead of N × C, and its requests are
   * judged against the same moment's use. The next view reads again.
   */
  forOneView(): GatewayUsageReader {
    const byCluster = new Map<string, Promise<UsageByHost>>();
    return {
      othersUsing: async (cluster, excludeId, hosts) => {
        let read = byCluster.get(cluster);
        if (!read) {
          read = this.read(cluster);
          byCluster.set(cluster, read);
        }
        return othersOf(await read, excludeId, hosts);
      },
    };
  }

  private async read(cluster: string): Promise<UsageByHost> {
    const out: UsageByHost = new Map();
    let cursor: string | undefined;
    do {
      const page = await this.store.listRequests({ cluster, status: [...GRANTED_STATUSES], limit: 500, cursor });
      for (const r of page.items) {
        if (!r.viaEgressGateway) continue;
        for (const [host, use] of Object.entries(gatewayUsageOf({ ...r, hosts: r.hosts ?? [] }))) {
          let users = out.get(host);
          if (!users) out.set(host, (users = []));
          users.push({ id: r.id, use });
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /**
   * After `request`'s own resources left `cluster`: its hosts' shared objects
   * applied again for the remaining users, or deleted when none remain.
   * Undefined when the request did not use the gateway.
   */
  async release(
    request: StoredEgressRequest,
    cluster: string,
    writer: EgressWriter,
    settings: ClusterEgressSettingsInput,
  ): Promise<BundleResult | undefined> {
    const hosts = request.hosts ?? [];
    if (!request.viaEgressGateway || hosts.length === 0) return undefined;
    const others = await this.othersUsing(cluster, request.id, hosts);
    // The remaining users share the leaving request's mode: one host has one mode on a cluster.
    const clusterSettings = resolveClusterSettings(settings);
    const resolved = withGatewayMode(clusterSettings, effectiveGatewayMode(request, clusterSettings.egressGateway.mode));
    const remaining = hosts.filter(h => others[h]);
    const outcomes: ApplyOutcome[] = [];
    if (remaining.length > 0) {
      const applied = await writer.apply(remaining.flatMap(h => renderSharedGateway(h, others[h], resolved)));
      outcomes.push(...applied.outcomes);
      if (!applied.ok) return { cluster, ok: false, outcomes, error: applied.error };
    }
    const namespace = resolved.egressGateway.namespace;
    for (const host of hosts.filter(h => !others[h])) {
      for (const kind of SHARED_KINDS_REMOVAL_ORDER) {
        const removed = await writer.removeShared({ kind, namespace, name: sharedGatewayName(host) });
        outcomes.push(...removed.outcomes);
        if (!removed.ok) return { cluster, ok: false, outcomes, error: removed.error };
      }
    }
    return { cluster, ok: true, outcomes };
  }
}
