/**
 * Guard rail against duplicate routes: one place, used by preview and create.
 *
 * Two requests routing the same host through the egress gateway in one
 * namespace render two VirtualServices for that host, which Istio does not
 * merge for sidecars (one silently wins); two direct ServiceEntries for the
 * same host and port are as confusing. So a draft conflicts with another live
 * request of its namespace when they share a cluster and a host (by the
 * common package's host matching, so wildcards count) and either goes through
 * the gateway or they share a port.
 */
import {
  FieldIssue,
  KubernetesManifest,
  NamespaceInventory,
  NormalizedDraft,
  hostOverlapsPattern,
  resourceKind,
} from '@backstage-egress/plugin-egress-common';
import { EgressStore, StoredEgressRequest } from '../database/EgressStore';
import { LIVE_STATUSES } from '../lifecycle';

/** Whether two hosts (each possibly a wildcard) have a name in common; symmetric. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostOverlapsPattern(a, b);
}

type Routed = Pick<NormalizedDraft, 'namespace' | 'clusters' | 'hosts' | 'ports' | 'viaEgressGateway'>;

/**
 * Errors (path `hosts[i]`, code `host-already-covered`) for every host of the
 * draft that another live request of the namespace already covers on a shared
 * cluster. `excludeId` is the draft's own id (a repeated submit).
 */
export async function overlappingRequests(
  store: EgressStore,
  draft: Routed,
  excludeId?: string,
): Promise<FieldIssue[]> {
  if ((draft.hosts ?? []).length === 0) return [];
  const { items } = await store.listRequests({ namespace: draft.namespace, status: [...LIVE_STATUSES], limit: 1000 });
  return overlapsAmong(draft, items, excludeId);
}

/** {@link overlappingRequests} among the given live requests of the draft's namespace. */
export function overlapsAmong(draft: Routed, live: StoredEgressRequest[], excludeId?: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  (draft.hosts ?? []).forEach((host, i) => {
    for (const other of live) {
      if (other.id === excludeId || !conflicts(draft, other)) continue;
      const otherHost = (other.hosts ?? []).find(h => hostsOverlap(host, h));
      if (!otherHost) continue;
      const cluster = draft.clusters.find(c => other.clusters.includes(c))!;
      issues.push({
        path: `hosts[${i}]`,
        code: 'host-already-covered',
        message: `hosts[${i}]: ${coverage(host, draft.namespace, cluster, other)}`,
      });
      break;
    }
  });
  return issues;
}

/** The ConflictError message for a draft among live requests ("<host> in namespace … is already covered by request <id> (<status>)"), or undefined. */
export function overlapConflict(draft: Routed, live: StoredEgressRequest[], excludeId?: string): string | undefined {
  const overlaps = overlapsAmong(draft, live, excludeId);
  if (overlaps.length === 0) return undefined;
  return overlaps.map(o => o.message.replace(/^hosts\[\d+\]: /, '')).join('; ');
}

function conflicts(draft: Routed, other: StoredEgressRequest): boolean {
  if (!draft.clusters.some(c => other.clusters.includes(c))) return false;
  if (draft.viaEgressGateway || other.viaEgressGateway) return true;
  return draft.ports.some(p => other.ports.some(o => o.number === p.number));
}

/** "api.stripe.com in namespace payments on cluster dev is already covered by request <id> (active)" */
export function coverage(host: string, namespace: string, cluster: string, other: StoredEgressRequest): string {
  return `${host} in namespace ${namespace} on cluster ${cluster} is already covered by request ${other.id} (${other.status})`;
}

/**
 * Warnings for hosts of the draft that a resource not created by this plugin
 * already declares in the namespace: the request would add a second
 * definition next to one we neither own nor change.
 */
export function unmanagedOverlaps(draft: Routed, inventory: NamespaceInventory[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  (draft.hosts ?? []).forEach((host, i) => {
    for (const inv of inventory) {
      if (!draft.clusters.includes(inv.cluster)) continue;
      for (const r of inv.resources) {
        if (r.managed || r.namespace !== draft.namespace || !resourceKind(r.kind)?.declaresHosts) continue;
        // Gateway-style "namespace/host" entries name the host after the slash.
        const declared = r.hosts.map(h => h.slice(h.indexOf('/') + 1)).find(h => hostsOverlap(host, h));
        if (!declared) continue;
        issues.push({
          path: `hosts[${i}]`,
          code: 'host-declared-unmanaged',
          message: `hosts[${i}]: ${host} is already declared by ${r.kind} ${r.namespace}/${r.name} on cluster ${inv.cluster}, which is not managed by backstage-egress`,
        });
      }
    }
  });
  return issues;
}

/**
 * Warnings for every rendered resource whose name an object we do not manage
 * already holds on its cluster: approval would refuse the whole bundle there
 * (all or nothing) until that object is removed or renamed.
 */
export function unmanagedNameCollisions(
  rendered: Array<{ cluster: string; manifests: KubernetesManifest[] }>,
  inventory: NamespaceInventory[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const { cluster, manifests } of rendered) {
    for (const m of manifests) {
      const taken = inventory.some(
        inv =>
          inv.cluster === cluster &&
          inv.resources.some(
            r => !r.managed && r.kind === m.kind && r.namespace === m.metadata.namespace && r.name === m.metadata.name,
          ),
      );
      if (!taken) continue;
      issues.push({
        path: 'clusters',
        code: 'name-taken',
        message: `${m.kind} ${m.metadata.namespace}/${m.metadata.name} already exists on cluster ${cluster} and is not managed by backstage-egress: approval would write nothing there until it is removed or renamed`,
      });
    }
  }
  return issues;
}

/**
 * Warnings for a lockdown draft where a Sidecar we do not manage already
 * applies to every workload of the namespace (no workload selector): Istio
 * allows one such Sidecar per namespace and leaves two undefined, so the
 * lockdown Sidecar may not take effect next to it.
 */
export function unmanagedNamespaceSidecars(
  draft: Pick<NormalizedDraft, 'namespace' | 'clusters' | 'lockdownNamespace'>,
  inventory: NamespaceInventory[],
): FieldIssue[] {
  if (!draft.lockdownNamespace) return [];
  return inventory
    .filter(inv => draft.clusters.includes(inv.cluster) && inv.namespace === draft.namespace && inv.sidecarOverride)
    .filter(inv =>
      inv.resources.some(r => r.kind === 'Sidecar' && r.namespace === draft.namespace && r.name === inv.sidecarOverride && !r.managed),
    )
    .map(inv => ({
      path: 'lockdownNamespace',
      code: 'namespace-sidecar-exists',
      message: `lockdownNamespace: Sidecar ${draft.namespace}/${inv.sidecarOverride} on cluster ${inv.cluster} already applies to every workload of the namespace and is not managed by backstage-egress; Istio allows only one such Sidecar per namespace and leaves two undefined, so the lockdown may not take effect there until that one is removed or given a workload selector`,
    }));
}
