/**
 * Renders a draft the way renderManifests would, but without validating or
 * normalising it, so tests can ask a real API server and istioctl what they
 * think of inputs our validator rejects. Test-only.
 */
import { resolveClusterSettings, NormalizedDraft } from '../model';
import { buildManifests } from '../render';
import type { KubernetesManifest } from '../manifests';

/**
 * The manifests for a raw draft, fields taken as given. Returns undefined
 * when the input is not an object.
 */
export function renderUnchecked(input: unknown, id = 'unchecked'): KubernetesManifest[] | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const raw = input as Record<string, any>;
  const hosts: string[] = Array.isArray(raw.hosts) ? raw.hosts : [];
  const addresses: string[] = Array.isArray(raw.addresses) ? raw.addresses : [];
  const ports: any[] = Array.isArray(raw.ports) ? raw.ports : [];
  const wildcard = hosts.some(h => typeof h === 'string' && h.startsWith('*'));
  const draft: NormalizedDraft = {
    entityRef: String(raw.entityRef ?? ''),
    namespace: typeof raw.namespace === 'string' ? raw.namespace : 'payments',
    clusters: [],
    hosts,
    addresses,
    ports: ports.map(p => ({ number: p?.number, protocol: p?.protocol })),
    resolution: raw.resolution ?? (wildcard || addresses.length > 0 ? 'NONE' : 'DNS'),
    endpoints: Array.isArray(raw.endpoints) ? raw.endpoints : [],
    viaEgressGateway: raw.viaEgressGateway === true,
    justification: '',
    lockdownNamespace: raw.lockdownNamespace === true,
    namespaceNetworkPolicy: raw.namespaceNetworkPolicy === true,
  };
  const manifests = buildManifests(draft, { id }, resolveClusterSettings({ name: 'unchecked' }));
  const se = manifests.find(m => m.kind === 'ServiceEntry')!;
  // Keep the input's own mistakes instead of what rendering would make of them.
  if (raw.hosts !== undefined && !Array.isArray(raw.hosts)) se.spec.hosts = raw.hosts;
  if (hosts.length === 0 && addresses.length === 0) se.spec.hosts = [];
  if (raw.endpoints !== undefined && draft.resolution !== 'STATIC') se.spec.endpoints = raw.endpoints;
  se.spec.ports = ports.map(p => ({
    number: p?.number,
    name: `${String(p?.protocol).toLowerCase() || 'port'}-${p?.number}`,
    protocol: p?.protocol,
  }));
  return manifests;
}
