import { KubeHttp } from './KubeClients';
import { IstioKind } from './types';

/** The five Istio kinds we render, watch and apply. */
export const ISTIO_KINDS: Record<IstioKind, string> = {
  ServiceEntry: 'serviceentries',
  Gateway: 'gateways',
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  Sidecar: 'sidecars',
};

export const ISTIO_GROUP = 'networking.istio.io';
/** Preferred first; older ones accepted when v1 is not served. */
export const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

export function isIstioKind(kind: string): kind is IstioKind {
  return Object.prototype.hasOwnProperty.call(ISTIO_KINDS, kind);
}

/** Which served version of networking.istio.io to use per kind, from discovery. */
export async function discoverIstioVersions(
  api: KubeHttp,
  signal?: AbortSignal,
): Promise<Record<IstioKind, string>> {
  const group = await api.request<{ versions?: Array<{ version: string }> }>(
    'GET',
    `/apis/${ISTIO_GROUP}`,
    { signal },
  );
  const served = new Set((group.versions ?? []).map(v => v.version));
  const result: Partial<Record<IstioKind, string>> = {};
  for (const version of ISTIO_VERSIONS.filter(v => served.has(v))) {
    const list = await api.request<{ resources?: Array<{ name: string }> }>(
      'GET',
      `/apis/${ISTIO_GROUP}/${version}`,
      { signal },
    );
    const names = new Set((list.resources ?? []).map(r => r.name));
    for (const [kind, plural] of Object.entries(ISTIO_KINDS) as [IstioKind, string][]) {
      if (!result[kind] && names.has(plural)) result[kind] = version;
    }
  }
  const missing = (Object.keys(ISTIO_KINDS) as IstioKind[]).filter(k => !result[k]);
  if (missing.length > 0) {
    throw new Error(
      `Istio's CRDs are not installed: ${missing.join(', ')} not served in ${ISTIO_GROUP} (${ISTIO_VERSIONS.join(', ')})`,
    );
  }
  return result as Record<IstioKind, string>;
}

export function collectionPath(kind: IstioKind, version: string, namespace?: string) {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${ISTIO_GROUP}/${version}${ns}/${ISTIO_KINDS[kind]}`;
}

export function objectPath(kind: IstioKind, version: string, namespace: string, name: string) {
  return `${collectionPath(kind, version, namespace)}/${encodeURIComponent(name)}`;
}
