/**
 * What crosses HTTP between the egress backend and the browser: the answers
 * of the backend's routes (see the backend's src/schema/openapi.yaml). Types
 * only; the backend builds these and the frontend client reads them.
 */
import type { KubernetesManifest } from './manifests';
import type { EgressRequest, EgressRequestStatus, Protocol, TargetApplyStatus } from './model';
import type { PolicyEvaluation } from './policy';
import type { RiskFlag } from './risk';
import type { FieldIssue } from './validation';

/** Istio's `outboundTrafficPolicy.mode`. @public */
export type MeshMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** Freshness of the backend's watch-fed cache of a cluster, reported with every answer. @public */
export interface CacheFreshness {
  /** Every watched kind has been listed at least once and the watches are running. */
  synced: boolean;
  /** ISO-8601 instant of the last list or watch event received. */
  lastEventAt?: string;
  /** Why the cache is (or may be) stale, cluster named; absent when healthy. */
  error?: string;
}

/**
 * A target cluster and its state (`GET /clusters`), as the browser may see
 * it: never credentials or the API server URL.
 * @public
 */
export interface ClusterStatus extends CacheFreshness {
  name: string;
  title: string;
  kialiUrl?: string;
  /** The API server answered the last probe. */
  reachable: boolean;
  /** ISO-8601 instant of the last probe. */
  lastCheckedAt?: string;
  /** The API server's gitVersion, e.g. v1.35.4. */
  kubernetesVersion?: string;
  /** Mesh-wide outbound mode from the istio ConfigMap; ALLOW_ANY when unset, as Istio does. */
  meshMode?: MeshMode;
  /** Whether the istio ConfigMap was found (when false, meshMode is Istio's default). */
  meshConfigFound?: boolean;
  egressGateway: {
    /** `<namespace>/<name>` of the gateway Service, from the configured service host. */
    service: string;
    /** Whether the Service existed at the last check; absent when never checked. */
    exists?: boolean;
    /** ISO-8601 instant the Service was last seen. */
    lastSeenAt?: string;
  };
}

/** Kinds read into the inventory: Istio's, and Kubernetes' NetworkPolicy. @public */
export type IstioKind =
  | 'ServiceEntry'
  | 'Gateway'
  | 'VirtualService'
  | 'DestinationRule'
  | 'Sidecar'
  | 'AuthorizationPolicy'
  | 'NetworkPolicy';

/** One Istio resource in a namespace, and the egress it opens. @public */
export interface InventoryResource {
  kind: IstioKind;
  namespace: string;
  name: string;
  /** Created by this plugin (carries our managed-by label). */
  managed: boolean;
  /** The request it was rendered for (managed resources). */
  requestId?: string;
  /** Host names (or address patterns) the resource opens or routes. */
  hosts: string[];
  /** IP addresses / CIDRs (ServiceEntry `addresses`). */
  addresses: string[];
  /** Port numbers it opens. */
  ports: number[];
  /** ServiceEntry location, e.g. MESH_EXTERNAL. */
  location?: string;
  /** ServiceEntry resolution. */
  resolution?: string;
  /** Sidecar `outboundTrafficPolicy.mode`, when set. */
  outboundTrafficPolicyMode?: MeshMode;
}

/** Egress resources of one namespace in one cluster, from the cache. @public */
export interface NamespaceInventory extends CacheFreshness {
  cluster: string;
  namespace: string;
  /** Mesh-wide mode of the cluster. */
  meshMode?: MeshMode;
  /** Mode set by a namespace-wide Sidecar (no workload selector), overriding the mesh mode. */
  sidecarMode?: MeshMode;
  /** Name of that Sidecar. */
  sidecarOverride?: string;
  /** What applies to workloads without their own Sidecar: sidecarMode ?? meshMode. */
  effectiveMode?: MeshMode;
  resources: InventoryResource[];
}

/** What a caller can do with a request. @public */
export type RequestActionName = 'approve' | 'reject' | 'cancel' | 'revoke';

/** One action on a request, computed by the backend for the caller. @public */
export interface RequestAction {
  name: RequestActionName;
  allowed: boolean;
  /** Why it is not allowed (the caller, or the request's status). */
  reason?: string;
}

/** A request's state as shown to people, derived from its status and targets. @public */
export type RequestDisplayStatus =
  | 'pending'
  | 'progressing'
  | 'active'
  | 'degraded'
  | 'unknown'
  | 'rejected'
  | 'cancelled'
  | 'revoking'
  | 'revoked'
  | 'expired';

/** @public */
export interface RequestDisplayState {
  status: RequestDisplayStatus;
  /** E.g. "Degraded: 1 of 2 clusters failing: <reason>, retrying at <time>". */
  message: string;
  /** ISO-8601 instant of the earliest next attempt of a failing target. */
  nextAttemptAt?: string;
}

/** A request as the backend stores and returns it. @public */
export interface EgressRequestRecord extends EgressRequest {
  /** While `revoking`: the status the request ends in once removed everywhere. */
  ending?: 'revoked' | 'expired';
  /** ISO-8601 instant of the last change. */
  updatedAt: string;
  /** What an approver should notice, computed by the backend against the platform's policy. */
  riskFlags?: RiskFlag[];
  /** What the caller may do to this request (and why not), computed by the backend. */
  actions?: RequestAction[];
  /** The state to show, derived from the targets. */
  displayState?: RequestDisplayState;
}

/**
 * The platform's policy as the browser sees it (`GET /policy`): enough for
 * the form to guide the user; never the host lists.
 * @public
 */
export interface PolicySummary {
  /** Protocols that may be requested. */
  allowedProtocols: Protocol[];
  /** Ports that may be requested; absent when any port may be. */
  allowedPorts?: number[];
  /** Whether a justification is required. */
  requireJustification: boolean;
  /** Longest grant in days; when set, an expiry is required. */
  maxTtlDays?: number;
  /** Whether `*.example.com` hosts may be requested. */
  allowWildcards: boolean;
  /** Whether IP ranges may be requested. */
  allowCidrs: boolean;
  /** Whether every request must go through the egress gateway. */
  requireEgressGateway: boolean;
}

/** Answer of `GET /entity`: the entity's namespace in its target clusters. @public */
export interface EntityEgress {
  entityRef: string;
  namespace: string;
  /** Names of the clusters the entity may target. */
  clusters: string[];
  inventory: NamespaceInventory[];
  /** The entity's requests, newest first (when the backend serves the request workflow). */
  requests?: EgressRequestRecord[];
  /** Per-cluster apply state of those requests (present with `requests`). */
  targets?: RequestTarget[];
}

/** Apply state of one request on one target cluster. @public */
export interface RequestTarget {
  requestId: string;
  cluster: string;
  status: TargetApplyStatus;
  lastError?: string;
  attempts: number;
  /** Hash of what was last applied, for drift detection. */
  appliedHash?: string;
  appliedAt?: string;
  /** Earliest time of the next retry of a failed target. */
  nextAttemptAt?: string;
  /**
   * Whether the cluster holds what was applied, from its watch-fed cache:
   * `unknown` while the cache is not synced (never read as drift).
   */
  sync?: TargetSync;
  /**
   * Istio's own verdict on the applied resources, from the status istiod
   * writes on them (analysis messages, conditions). Present for applied
   * targets on clusters whose istiod runs analysis (`istioAnalysis: true`).
   */
  istio?: TargetIstioVerdict;
}

/** How Istio judges a resource or a target: its worst message. @public */
export type IstioVerdict = 'accepted' | 'warning' | 'error' | 'unknown';

/** One analysis message or failed condition Istio wrote on a resource. @public */
export interface IstioMessage {
  /** Analysis code such as IST0101, or the condition type. */
  code: string;
  /** ERROR, WARNING or INFO (conditions: WARNING). */
  level: string;
  /** The message's name (e.g. ReferencedResourceNotFound) or the condition's message. */
  message: string;
  /** Istio's documentation of the code. */
  docUrl?: string;
}

/** Istio's verdict on the resources of one request in one cluster. @public */
export interface TargetIstioVerdict {
  /** error if any resource has an error, else warning, else unknown if any resource is unknown, else accepted. */
  verdict: IstioVerdict;
  resources: Array<{
    kind: string;
    namespace: string;
    name: string;
    /** unknown: not (yet) in the cluster cache, or the cache is not synced. */
    verdict: IstioVerdict;
    messages: IstioMessage[];
  }>;
}

/** Observed state of a target's resources against what it should hold. @public */
export type TargetSync = 'in-sync' | 'drifted' | 'unknown';

/** What an audit event records. @public */
export type AuditAction =
  | 'created'
  | 'transition'
  | 'applied'
  | 'apply-failed'
  | 'removed'
  | 'remove-failed'
  | 'drift';

/** One entry of a request's audit trail. Never updated or deleted. @public */
export interface RequestAuditEvent {
  id: number;
  requestId: string;
  /** ISO-8601 instant. */
  at: string;
  /** User entity ref, `policy`, or `reconciler`. */
  actor: string;
  action: AuditAction;
  from?: EgressRequestStatus;
  to?: EgressRequestStatus;
  cluster?: string;
  comment?: string;
  details?: Record<string, unknown>;
}

/** The manifests of a request for one cluster. @public */
export interface ClusterManifests {
  cluster: string;
  manifests: KubernetesManifest[];
  /** Exactly what is applied. */
  yaml: string;
}

/** Answer of `POST /preview`. @public */
export interface PreviewResult {
  valid: boolean;
  errors: FieldIssue[];
  warnings: FieldIssue[];
  /** Present when the draft is valid. */
  policy?: PolicyEvaluation;
  riskFlags: RiskFlag[];
  manifests: ClusterManifests[];
}

/** Answer of `GET /requests/{id}`: a request with its targets, audit trail and manifests. @public */
export interface RequestDetail {
  request: EgressRequestRecord;
  targets: RequestTarget[];
  events: RequestAuditEvent[];
  manifests: ClusterManifests[];
}

/** One page of `GET /requests`, newest first. @public */
export interface EgressRequestPage {
  items: EgressRequestRecord[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** Backstage signals channel on which the backend announces request changes. @public */
export const EGRESS_SIGNAL_CHANNEL = 'egress:requests';

/**
 * Message on {@link EGRESS_SIGNAL_CHANNEL}: which request changed and how.
 * Open pages reload what they show; the message itself carries no content.
 * @public
 */
export type RequestChangedSignal = {
  requestId: string;
  entityRef: string;
  status: EgressRequestStatus;
  /** The audit action that changed it: `created`, `transition`, `applied`, `apply-failed`, ... */
  action: string;
};

/** Time window of `GET /traffic`. @public */
export type TrafficWindow = '1h' | '24h' | '7d';

/** Traffic of the entity's namespace to one host it may reach, in one cluster. @public */
export interface HostTraffic {
  /** The host as Istio reports it in `destination_service` (the ServiceEntry host). */
  host: string;
  /**
   * `sidecars`: the namespace's own sidecars reported it. `egress-gateway`: the
   * egress gateway's series, which count every namespace sending through it.
   */
  source: 'sidecars' | 'egress-gateway';
  /** HTTP requests in the window. */
  requests: number;
  /** HTTP requests per second over the window. */
  requestRate: number;
  /** HTTP requests answered 5xx. */
  errors: number;
  /** errors / requests; absent without requests. */
  errorRatio?: number;
  /** TCP connections opened in the window (TLS and TCP traffic). */
  connections: number;
  /** Connections per second over the window. */
  connectionRate: number;
  /** TCP bytes sent plus received. */
  bytes: number;
  /** End of the last bucket of `series` with traffic, ISO-8601; absent when none in the window. */
  lastSeen?: string;
  /** Requests plus connections per bucket (see {@link EntityTraffic.step}), oldest first. */
  series: number[];
}

/** Attempts of one workload that no registered host served. @public */
export interface BlockedAttempts {
  workload: string;
  /** `blocked`: BlackHoleCluster (REGISTRY_ONLY). `unregistered`: PassthroughCluster (ALLOW_ANY). */
  kind: 'blocked' | 'unregistered';
  /** `http`: requests (the host is known). `tcp`: closed TLS/TCP connections (Istio cannot name the host). */
  protocol: 'http' | 'tcp';
  /** The HTTP host, when Istio reported one. */
  host?: string;
  count: number;
}

/** An active grant with no traffic to any of its hosts for `unusedAfterDays`: a candidate for revoke. @public */
export interface UnusedGrant {
  requestId: string;
  hosts: string[];
  /** When the grant was applied to this cluster. */
  appliedAt: string;
}

/** Traffic of the entity's namespace in one target cluster. @public */
export interface ClusterTraffic {
  cluster: string;
  /** Why no traffic could be read (Prometheus down, not configured, ...); the other fields are then empty. */
  error?: string;
  meshMode?: MeshMode;
  /** One sentence on what blocked and unregistered attempts mean under this mesh mode. */
  attemptsNote?: string;
  hosts: HostTraffic[];
  attempts: BlockedAttempts[];
  unusedGrants: UnusedGrant[];
}

/** Answer of `GET /traffic`. @public */
export interface EntityTraffic {
  entityRef: string;
  namespace: string;
  window: TrafficWindow;
  /** Window end (ISO-8601), aligned to the minute. */
  end: string;
  /** Seconds per bucket of the host series. */
  step: number;
  /** Days without traffic after which a grant is flagged unused. */
  unusedAfterDays: number;
  clusters: ClusterTraffic[];
}

/**
 * Why a resource carrying our managed-by label is an orphan: its request is
 * not in the database (`unknown-request`: database lost or restored from an
 * older backup), or has ended (`request-ended`: revoked, expired, rejected or
 * cancelled), or it is a shared lockdown Sidecar no live request asks for
 * (`no-lockdown-request`), or a shared namespace NetworkPolicy no live request
 * asks for (`no-network-policy-request`), or an object shared per external host in the
 * egress gateway's namespace that no live request routes through the gateway
 * (`no-gateway-user`).
 * @public
 */
export type OrphanReason =
  | 'unknown-request'
  | 'request-ended'
  | 'no-lockdown-request'
  | 'no-network-policy-request'
  | 'no-gateway-user';

/** A resource with our managed-by label that no live request accounts for (`GET /orphans`). @public */
export interface OrphanResource {
  cluster: string;
  kind: IstioKind;
  namespace: string;
  name: string;
  /** The request-id label, when the resource has one. */
  requestId?: string;
  /** The request's status when it is known (an ended one). */
  requestStatus?: EgressRequestStatus;
  reason: OrphanReason;
  /** Human-readable reason, e.g. "request 3f9c… is revoked". */
  message: string;
  createdAt?: string;
}

/** The orphans of one cluster, from its watch-fed cache. @public */
export interface ClusterOrphans extends CacheFreshness {
  cluster: string;
  orphans: OrphanResource[];
}
