/**
 * What crosses HTTP between the egress backend and the browser: the answers
 * of the backend's routes (see the backend's src/schema/openapi.yaml). Types
 * only; the backend builds these and the frontend client reads them.
 */
import type { KubernetesManifest } from './manifests';
import type { EgressRequest, EgressRequestStatus, TargetApplyStatus } from './model';
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

/** Istio kinds read into the inventory. @public */
export type IstioKind =
  | 'ServiceEntry'
  | 'Gateway'
  | 'VirtualService'
  | 'DestinationRule'
  | 'Sidecar';

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
  /** What the caller may do now (answers of the backend's routes; absent from older backends). */
  actions?: RequestAction[];
  /** Where the request stands across its clusters (absent from older backends). */
  displayState?: RequestDisplayState;
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
