/**
 * Rendering of an egress request to Istio manifests (`networking.istio.io/v1`).
 * The same function produces the YAML preview in the browser and what the
 * backend applies.
 *
 * Direct access is one ServiceEntry. Through the egress gateway it follows
 * Istio's "Egress Gateways" task: the ServiceEntry, a Gateway selecting the
 * cluster's egress gateway (TLS PASSTHROUGH on 443, HTTP on 80), a
 * DestinationRule for the gateway service with a subset for this request, and
 * per host a VirtualService bound to `mesh` and the Gateway that sends mesh
 * traffic to the gateway and gateway traffic to the external host.
 */
import {
  ClusterEgressSettings,
  ClusterEgressSettingsInput,
  EgressRequest,
  EgressRequestDraft,
  NormalizedDraft,
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
 * Renders the Istio manifests of one request for one cluster, in a fixed
 * order (ServiceEntry, Gateway, DestinationRule, VirtualServices by name,
 * Sidecar). Throws if the request does not pass {@link validateDraft} or its
 * id cannot be a label value.
 * @public
 */
export function renderManifests(
  request: RenderableRequest,
  cluster: ClusterEgressSettings | ClusterEgressSettingsInput,
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
  return buildManifests(result.draft, { id, requestedBy, decidedBy, status }, resolveClusterSettings(cluster));
}

/**
 * The rendering itself, without validation. Internal: exported for the
 * integration test, which renders invalid drafts to ask Istio about them.
 */
export function buildManifests(
  draft: NormalizedDraft,
  people: { id: string; requestedBy?: string; decidedBy?: string; status?: string },
  settings: ClusterEgressSettings,
): KubernetesManifest[] {
  const id = people.id;
  const meta = metadataFactory(draft, people);

  const primary = draft.hosts[0] ?? draft.addresses[0] ?? 'egress';
  const baseName = resourceName(primary, id);
  const gatewayNamespace = settings.egressGateway.namespace;

  const manifests: KubernetesManifest[] = [
    serviceEntry(draft, baseName, meta, draft.viaEgressGateway ? gatewayNamespace : undefined),
  ];
  if (draft.viaEgressGateway) {
    manifests.push(...gatewayRoute(draft, baseName, id, meta, settings));
  }
  if (draft.lockdownNamespace) manifests.push(lockdownSidecar(draft.namespace));

  return manifests.sort(
    (a, b) =>
      kindIndex(a.kind) - kindIndex(b.kind) ||
      compareCodeUnits(a.metadata.name, b.metadata.name),
  );
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
  gatewayNamespace: string | undefined,
): KubernetesManifest {
  const hosts = draft.hosts.length > 0 ? [...draft.hosts] : [`${name}.${ADDRESS_HOST_SUFFIX}`];
  const exportTo = ['.'];
  if (gatewayNamespace && gatewayNamespace !== draft.namespace) exportTo.push(gatewayNamespace);
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

function gatewayRoute(
  draft: NormalizedDraft,
  name: string,
  id: string,
  meta: Meta,
  settings: ClusterEgressSettings,
): KubernetesManifest[] {
  const tls = draft.ports.some(p => p.protocol === 'TLS' || p.protocol === 'HTTPS');
  const http = draft.ports.some(p => p.protocol === 'HTTP');
  const gatewayService = settings.egressGateway.serviceHost;
  const gatewayRef = `${draft.namespace}/${name}`;
  // "./host": only VirtualServices in the Gateway's own namespace may bind to it.
  const serverHosts = () => draft.hosts.map(h => `./${h}`);

  const servers: unknown[] = [];
  if (tls) {
    servers.push({
      port: { number: 443, name: 'tls-443', protocol: 'TLS' },
      hosts: serverHosts(),
      tls: { mode: 'PASSTHROUGH' },
    });
  }
  if (http) {
    servers.push({ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: serverHosts() });
  }
  const gateway: KubernetesManifest = {
    ...meta('Gateway', name),
    spec: { selector: { ...settings.egressGateway.selector }, servers },
  };

  const destinationRule: KubernetesManifest = {
    ...meta('DestinationRule', name),
    spec: { host: gatewayService, exportTo: ['.'], subsets: [{ name }] },
  };

  const exportTo = ['.'];
  if (settings.egressGateway.namespace !== draft.namespace) exportTo.push(settings.egressGateway.namespace);
  const toGateway = (port: number) => ({
    destination: { host: gatewayService, subset: name, port: { number: port } },
  });
  const toHost = (host: string, port: number) => ({
    destination: { host, port: { number: port } },
  });

  const virtualServices = draft.hosts.map(host => {
    const spec: Record<string, unknown> = {
      hosts: [host],
      gateways: [gatewayRef, 'mesh'],
      exportTo: [...exportTo],
    };
    if (tls) {
      spec.tls = [
        { match: [{ gateways: ['mesh'], port: 443, sniHosts: [host] }], route: [toGateway(443)] },
        { match: [{ gateways: [gatewayRef], port: 443, sniHosts: [host] }], route: [toHost(host, 443)] },
      ];
    }
    if (http) {
      spec.http = [
        { match: [{ gateways: ['mesh'], port: 80 }], route: [toGateway(80)] },
        { match: [{ gateways: [gatewayRef], port: 80 }], route: [toHost(host, 80)] },
      ];
    }
    return { ...meta('VirtualService', resourceName(host, id)), spec };
  });

  return [gateway, destinationRule, ...virtualServices];
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
