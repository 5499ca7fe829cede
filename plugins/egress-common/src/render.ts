/**
 * Rendering of an egress request to Istio manifests (`networking.istio.io/v1`).
 * The same function produces the YAML preview in the browser and what the
 * backend applies.
 *
 * Direct access is one ServiceEntry. Through the egress gateway it follows
 * Istio's "Egress Gateways" task, split between the request's namespace and
 * objects shared per external host in the gateway's namespace (see
 * `renderGateway.ts`): TLS PASSTHROUGH on 443 and HTTP on 80, or mutual TLS
 * to the gateway plus an AuthorizationPolicy in `mutual` mode. Per namespace,
 * a lockdown Sidecar and a Kubernetes NetworkPolicy (`renderNetworkPolicy.ts`)
 * may be added.
 */
import {
  ClusterEgressSettings,
  ClusterEgressSettingsInput,
  EgressRequest,
  EgressGatewayMode,
  EgressRequestDraft,
  NormalizedDraft,
  effectiveGatewayMode,
  resolveClusterSettings,
} from './model';
import {
  EGRESS_ANNOTATIONS,
  KubernetesManifest,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
  SHARED_LABEL,
} from './manifests';
import type { IstioKind } from './api';
import { KIND_ORDER, renderedApiVersion } from './kinds';
import { resourceName } from './names';
import {
  GatewayUsage,
  gatewayUsageOf,
  mergeGatewayUsage,
  namespaceGatewayRoute,
  renderSharedGateway,
} from './renderGateway';
import { namespaceNetworkPolicy } from './renderNetworkPolicy';
import { validateDraft } from './validation';

/** API version of every rendered Istio resource (the kind registry's networking.istio.io entries). @public */
export const ISTIO_API_VERSION = renderedApiVersion('ServiceEntry');

/**
 * Name of the namespace-wide lockdown Sidecar. One per namespace (Istio
 * allows only one Sidecar without a workload selector per namespace), shared
 * by all requests that ask for lockdown; it carries {@link SHARED_LABEL}
 * instead of a request id.
 * @public
 */
export const LOCKDOWN_SIDECAR_NAME = 'egress-lockdown';

/**
 * Top-level domain of the host name given to address-only ServiceEntries
 * (Istio requires at least one host). `.invalid` is reserved (RFC 2606) and
 * never resolves, so the name is only a label.
 * @public
 */
export const ADDRESS_HOST_SUFFIX = 'egress.invalid';

/** What rendering needs: a draft, the request id and, if known, the people. @public */
export type RenderableRequest = EgressRequestDraft &
  Pick<EgressRequest, 'id'> &
  Partial<Pick<EgressRequest, 'requestedBy' | 'decidedBy' | 'status'>>;

// Codes that do not change what is rendered: a stored request is rendered
// again long after the checks about people and time were made.
const IRRELEVANT_TO_RENDERING = new Set([
  'justification-required',
  'justification-too-short',
  'justification-too-long',
  'expiry-in-past',
  'cluster-unknown',
]);

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Renders the Istio manifests of one request for one cluster, in the kind
 * registry's order, by name within a kind. Through the egress gateway the
 * objects shared per external host are included, rendered for this request
 * together with `othersUsingGateway` (the other granted requests' use of the
 * gateway on this cluster). Throws if the request does not pass
 * {@link validateDraft} or its id cannot be a label value.
 * @public
 */
export function renderManifests(
  request: RenderableRequest,
  cluster: ClusterEgressSettings | ClusterEgressSettingsInput,
  othersUsingGateway: GatewayUsage = {},
): KubernetesManifest[] {
  if (!LABEL_VALUE.test(request.id) || request.id.length === 0 || request.id.length > 63) {
    throw new Error(`Request id "${request.id}" cannot be a Kubernetes label value`);
  }
  const { id, requestedBy, decidedBy, status, ...draftInput } = request;
  const result = validateDraft(draftInput, { now: new Date(0), requireJustification: false });
  const blocking = result.errors.filter(e => !IRRELEVANT_TO_RENDERING.has(e.code));
  if (blocking.length > 0) {
    throw new Error(`Cannot render an invalid egress request: ${blocking.map(e => e.message).join('; ')}`);
  }
  return buildManifests(result.draft, { id, requestedBy, decidedBy, status }, resolveClusterSettings(cluster), othersUsingGateway);
}

/**
 * The rendering itself, without validation. Internal: exported for the
 * integration test, which renders invalid drafts to ask Istio about them.
 */
export function buildManifests(
  draft: NormalizedDraft,
  people: { id: string; requestedBy?: string; decidedBy?: string; status?: string },
  settings: ClusterEgressSettings,
  othersUsingGateway: GatewayUsage = {},
): KubernetesManifest[] {
  const id = people.id;
  const meta = metadataFactory(draft, people);

  const primary = draft.hosts[0] ?? draft.addresses[0] ?? 'egress';
  const baseName = resourceName(primary, id);

  const manifests: KubernetesManifest[] = [
    serviceEntry(draft, baseName, meta),
  ];
  if (draft.viaEgressGateway) {
    // The request's own mode, where it asks for one, renders both its objects and the shared ones.
    const gateway = withGatewayMode(settings, effectiveGatewayMode(draft, settings.egressGateway.mode));
    manifests.push(...namespaceGatewayRoute(draft, baseName, id, meta, gateway));
    const usage = mergeGatewayUsage(othersUsingGateway, gatewayUsageOf(draft));
    for (const host of draft.hosts) manifests.push(...renderSharedGateway(host, usage[host], gateway));
  }
  if (draft.lockdownNamespace) manifests.push(lockdownSidecar(draft.namespace));
  if (draft.namespaceNetworkPolicy) manifests.push(namespaceNetworkPolicy(draft.namespace, settings));

  return manifests.sort(
    (a, b) =>
      kindIndex(a.kind) - kindIndex(b.kind) ||
      compareCodeUnits(a.metadata.namespace, b.metadata.namespace) ||
      compareCodeUnits(a.metadata.name, b.metadata.name),
  );
}

/** The cluster's settings with the egress gateway in `mode`. @public */
export function withGatewayMode(settings: ClusterEgressSettings, mode: EgressGatewayMode): ClusterEgressSettings {
  return mode === settings.egressGateway.mode ? settings : { ...settings, egressGateway: { ...settings.egressGateway, mode } };
}

/** Position of a kind in the registry's dependency order. */
function kindIndex(kind: string): number {
  return (KIND_ORDER as readonly string[]).indexOf(kind);
}

/** Orders strings by UTF-16 code units, like `<`, independent of locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

type Meta = (kind: string, name: string) => Pick<KubernetesManifest, 'apiVersion' | 'kind' | 'metadata'>;

function metadataFactory(
  draft: NormalizedDraft,
  people: { id: string; requestedBy?: string; decidedBy?: string; status?: string },
): Meta {
  const annotations: Record<string, string> = {};
  if (draft.entityRef) annotations[EGRESS_ANNOTATIONS.entityRef] = draft.entityRef;
  if (people.requestedBy) annotations[EGRESS_ANNOTATIONS.requestedBy] = people.requestedBy;
  const approved = people.status !== 'rejected' && people.status !== 'cancelled';
  if (people.decidedBy && approved) annotations[EGRESS_ANNOTATIONS.approvedBy] = people.decidedBy;
  if (draft.expiresAt) annotations[EGRESS_ANNOTATIONS.expiresAt] = draft.expiresAt;
  return (kind, name) => ({
    apiVersion: renderedApiVersion(kind as IstioKind),
    kind,
    metadata: {
      name,
      namespace: draft.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [REQUEST_ID_LABEL]: people.id },
      annotations: { ...annotations },
    },
  });
}

function portName(protocol: string, number: number): string {
  return `${protocol.toLowerCase()}-${number}`;
}

function serviceEntry(
  draft: NormalizedDraft,
  name: string,
  meta: Meta,
): KubernetesManifest {
  const hosts = draft.hosts.length > 0 ? [...draft.hosts] : [`${name}.${ADDRESS_HOST_SUFFIX}`];
  // Visible in the namespace only: the gateway resolves the host with its own shared ServiceEntry.
  const exportTo = ['.'];
  const spec: Record<string, unknown> = { hosts };
  if (draft.addresses.length > 0) spec.addresses = [...draft.addresses];
  spec.ports = [...draft.ports]
    .sort((a, b) => a.number - b.number)
    .map(p => ({ number: p.number, name: portName(p.protocol, p.number), protocol: p.protocol }));
  spec.location = 'MESH_EXTERNAL';
  spec.resolution = draft.resolution;
  if (draft.resolution === 'STATIC') spec.endpoints = draft.endpoints.map(e => ({ address: e.address }));
  spec.exportTo = exportTo;
  return { ...meta('ServiceEntry', name), spec };
}

function lockdownSidecar(namespace: string): KubernetesManifest {
  return {
    apiVersion: renderedApiVersion('Sidecar'),
    kind: 'Sidecar',
    metadata: {
      name: LOCKDOWN_SIDECAR_NAME,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [SHARED_LABEL]: 'namespace' },
    },
    spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
  };
}
