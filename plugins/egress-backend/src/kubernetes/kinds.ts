/**
 * The backend's side of the kind registry (`RESOURCE_KINDS` in the common
 * package): which served version each kind has in a cluster, and its API
 * paths. Watches, inventory, the writer and overlap checks all go through the
 * registry; no other kind list exists.
 */
import { RESOURCE_KINDS, resourceKind } from '@backstage-egress/plugin-egress-common';
import { KubeHttp } from './KubeClients';
import { IstioKind } from './types';

export { RESOURCE_KINDS, KIND_ORDER, resourceKind, renderedApiVersion } from '@backstage-egress/plugin-egress-common';

/** Whether the plugin manages (renders, watches, applies) this kind. */
export function isManagedKind(kind: string): kind is IstioKind {
  return resourceKind(kind) !== undefined;
}

/** Served version per managed kind, from discovery (one read per group and version). */
export type ServedVersions = Record<IstioKind, string>;

/** Which served version to use per kind, preferring each kind's first listed version. */
export async function discoverVersions(api: KubeHttp, signal?: AbortSignal): Promise<ServedVersions> {
  const result: Partial<ServedVersions> = {};
  const groups = [...new Set(RESOURCE_KINDS.map(k => k.group))];
  for (const group of groups) {
    const kinds = RESOURCE_KINDS.filter(k => k.group === group);
    const info = await api.request<{ versions?: Array<{ version: string }> }>('GET', `/apis/${group}`, { signal });
    const served = new Set((info.versions ?? []).map(v => v.version));
    const wanted = [...new Set(kinds.flatMap(k => k.versions))].filter(v => served.has(v));
    const plurals = new Map<string, Set<string>>();
    for (const version of wanted) {
      const list = await api.request<{ resources?: Array<{ name: string }> }>('GET', `/apis/${group}/${version}`, { signal });
      plurals.set(version, new Set((list.resources ?? []).map(r => r.name)));
    }
    for (const k of kinds) {
      const version = k.versions.find(v => plurals.get(v)?.has(k.plural));
      if (version) result[k.kind] = version;
    }
  }
  const missing = RESOURCE_KINDS.filter(k => !result[k.kind]);
  if (missing.length > 0) {
    throw new Error(
      `Istio's CRDs are not installed: ${missing
        .map(k => `${k.kind} (${k.group} ${k.versions.join(', ')})`)
        .join(', ')} not served`,
    );
  }
  return result as ServedVersions;
}

/** The apiVersion of a kind as served, e.g. networking.istio.io/v1. */
export function apiVersionOf(kind: IstioKind, version: string): string {
  return `${resourceKind(kind)!.group}/${version}`;
}

export function collectionPath(kind: IstioKind, version: string, namespace?: string) {
  const info = resourceKind(kind)!;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${info.group}/${version}${ns}/${info.plural}`;
}

export function objectPath(kind: IstioKind, version: string, namespace: string, name: string) {
  return `${collectionPath(kind, version, namespace)}/${encodeURIComponent(name)}`;
}
