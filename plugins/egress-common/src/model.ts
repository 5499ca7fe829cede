/**
 * Types of the egress domain: what a team asks for, what the platform decides,
 * and the per-cluster settings the renderer needs.
 */

/** Protocols an egress request may open. @public */
export type Protocol = 'HTTPS' | 'TLS' | 'HTTP' | 'TCP' | 'GRPC' | 'HTTP2';

/** All protocols, in a stable order (for forms and schema enums). @public */
export const PROTOCOLS: readonly Protocol[] = [
  'HTTPS',
  'TLS',
  'HTTP',
  'HTTP2',
  'GRPC',
  'TCP',
];

/**
 * How the sidecar finds the destination's IPs: `DNS` resolves the host,
 * `NONE` forwards to whatever IP the app connected to (needed for wildcard
 * hosts and IP ranges), `STATIC` uses the listed endpoints.
 * @public
 */
export type Resolution = 'DNS' | 'NONE' | 'STATIC';

/** All resolutions. @public */
export const RESOLUTIONS: readonly Resolution[] = ['DNS', 'NONE', 'STATIC'];

/** One destination port. @public */
export interface EgressPort {
  number: number;
  protocol: Protocol;
}

/** A fixed IP endpoint, for `STATIC` resolution. @public */
export interface EgressEndpoint {
  address: string;
}

/**
 * What a user asks for: workloads in `namespace` (owned by `entityRef`) may
 * reach `hosts` or `addresses` on `ports`, in each of `clusters`.
 * @public
 */
export interface EgressRequestDraft {
  /**
   * Id of the request this draft becomes, chosen by the client (a lowercase
   * UUID) so the preview renders the same names and labels that approval
   * applies, and a retried submit finds the request it already created.
   * The backend generates one when absent.
   */
  id?: string;
  /** Catalog entity owning the workloads, e.g. `component:default/payments`. */
  entityRef: string;
  /** Kubernetes namespace of the workloads. */
  namespace: string;
  /** Names of the configured target clusters. */
  clusters: string[];
  /** External host names; a left-most `*.` wildcard where policy allows. */
  hosts?: string[];
  /** IP ranges (CIDRs), for IP-range egress instead of hosts. */
  addresses?: string[];
  ports: EgressPort[];
  /** Defaults to `DNS`, or `NONE` for wildcard hosts and addresses. */
  resolution?: Resolution;
  /** Fixed endpoints; required for, and only allowed with, `STATIC`. */
  endpoints?: EgressEndpoint[];
  /** Route through the cluster's egress gateway (TLS passthrough by SNI, or HTTP). */
  viaEgressGateway: boolean;
  justification: string;
  /** ISO-8601 instant after which the access is removed. */
  expiresAt?: string;
  /** Also lock the namespace down: unregistered hosts are blocked (`REGISTRY_ONLY`). */
  lockdownNamespace?: boolean;
  /**
   * Also apply the namespace's Kubernetes NetworkPolicy: its pods may open
   * connections only to istiod, the egress gateway and cluster DNS, so a
   * workload that bypasses its sidecar cannot reach the internet directly.
   */
  namespaceNetworkPolicy?: boolean;
  /**
   * The egress gateway's mode for this request, where the policy allows an
   * override (`egress.policy.allowGatewayModeOverride`); only with
   * `viaEgressGateway`. Absent: each cluster's `egressGateway.mode`.
   */
  gatewayMode?: EgressGatewayMode;
}

/**
 * A draft after validation: trimmed, lowercased, punycoded, defaults filled.
 * Only meaningful when validation reported no errors.
 * @public
 */
export interface NormalizedDraft {
  entityRef: string;
  namespace: string;
  clusters: string[];
  hosts: string[];
  addresses: string[];
  ports: EgressPort[];
  resolution: Resolution;
  endpoints: EgressEndpoint[];
  viaEgressGateway: boolean;
  justification: string;
  expiresAt?: string;
  lockdownNamespace: boolean;
  namespaceNetworkPolicy: boolean;
  gatewayMode?: EgressGatewayMode;
}

/** Lifecycle of a request. @public */
export type EgressRequestStatus =
  | 'pending'
  | 'approved'
  | 'active'
  | 'rejected'
  | 'cancelled'
  | 'revoking'
  | 'revoked'
  | 'expired';

/** All request statuses. @public */
export const EGRESS_REQUEST_STATUSES: readonly EgressRequestStatus[] = [
  'pending',
  'approved',
  'active',
  'rejected',
  'cancelled',
  'revoking',
  'revoked',
  'expired',
];

/** Apply state of one request on one target cluster. @public */
export type TargetApplyStatus = 'pending' | 'applied' | 'failed' | 'removed';

/** All target apply statuses. @public */
export const TARGET_APPLY_STATUSES: readonly TargetApplyStatus[] = [
  'pending',
  'applied',
  'failed',
  'removed',
];

/** A stored egress request: the draft plus who asked, who decided, and its status. @public */
export interface EgressRequest extends EgressRequestDraft {
  id: string;
  /** User entity ref of the requester. */
  requestedBy: string;
  /** ISO-8601 instant. */
  requestedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  status: EgressRequestStatus;
}

/**
 * What the renderer needs to know about a cluster's Istio installation.
 * @public
 */
export interface ClusterEgressSettings {
  name: string;
  /** Namespace of istiod; default `istio-system`. */
  istioNamespace: string;
  egressGateway: {
    /** Pod labels of the egress gateway; default `{ istio: 'egressgateway' }`. */
    selector: Record<string, string>;
    /** Service host of the egress gateway; default `istio-egressgateway.istio-system.svc.cluster.local`. */
    serviceHost: string;
    /** Namespace the gateway runs in; default taken from `serviceHost`. */
    namespace: string;
    /**
     * `passthrough` (default): the gateway passes TLS through by SNI.
     * `mutual`: sidecars reach the gateway over Istio mutual TLS and an
     * AuthorizationPolicy per host admits only the approved namespaces.
     */
    mode: EgressGatewayMode;
  };
}

/** How traffic reaches the egress gateway (see {@link ClusterEgressSettings}). @public */
export type EgressGatewayMode = 'passthrough' | 'mutual';

/** Cluster settings as configured: everything but the name optional. @public */
export interface ClusterEgressSettingsInput {
  name: string;
  istioNamespace?: string;
  egressGateway?: {
    selector?: Record<string, string>;
    serviceHost?: string;
    namespace?: string;
    mode?: EgressGatewayMode;
  };
}

/** Default namespace of Istio's control plane. @public */
export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';

/**
 * Fills the defaults of cluster settings: `istio-system`, the
 * `istio: egressgateway` selector, and the gateway service in the Istio
 * namespace. The gateway namespace is read from the service host
 * (`<svc>.<namespace>.svc...`) unless given.
 * @public
 */
export function resolveClusterSettings(
  input: ClusterEgressSettingsInput,
): ClusterEgressSettings {
  const istioNamespace = input.istioNamespace || DEFAULT_ISTIO_NAMESPACE;
  const serviceHost =
    input.egressGateway?.serviceHost ||
    `istio-egressgateway.${istioNamespace}.svc.cluster.local`;
  const selector =
    input.egressGateway?.selector &&
    Object.keys(input.egressGateway.selector).length > 0
      ? { ...input.egressGateway.selector }
      : { istio: 'egressgateway' };
  const hostParts = serviceHost.split('.');
  const namespace =
    input.egressGateway?.namespace ||
    (hostParts.length >= 2 ? hostParts[1] : istioNamespace);
  return {
    name: input.name,
    istioNamespace,
    egressGateway: { selector, serviceHost, namespace, mode: input.egressGateway?.mode === 'mutual' ? 'mutual' : 'passthrough' },
  };
}

/**
 * The gateway mode a request gets on a cluster: its own `gatewayMode`, else
 * the cluster's.
 * @public
 */
export function effectiveGatewayMode(
  draft: Pick<EgressRequestDraft, 'gatewayMode'>,
  clusterMode: EgressGatewayMode | undefined,
): EgressGatewayMode {
  return draft.gatewayMode ?? clusterMode ?? 'passthrough';
}
