/**
 * Shapes of the egress backend's answers, as the browser sees them. The
 * domain types (drafts, requests, policy, risk flags, manifests) come from the
 * common package; these add what only the HTTP API carries.
 */
import type {
  EgressRequest as DomainEgressRequest,
  EgressRequestDraft,
  EgressRequestStatus,
  FieldIssue,
  KubernetesManifest,
  PolicyEvaluation,
  RiskFlag,
  TargetApplyStatus,
} from '@backstage-egress/plugin-egress-common';

/** Istio's `outboundTrafficPolicy.mode`. @public */
export type MeshMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** How fresh the backend's view of a cluster is. @public */
export interface CacheFreshness {
  /** Every watched kind has been listed and the watches are running. */
  synced: boolean;
  /** ISO-8601 instant of the last event received. */
  lastEventAt?: string;
  /** Why the data is (or may be) stale, cluster named; absent when healthy. */
  error?: string;
}

/** A target cluster and its state (GET /clusters). Never credentials. @public */
export interface EgressCluster extends Partial<CacheFreshness> {
  name: string;
  title: string;
  kialiUrl?: string;
  /** The API server answered the last probe. */
  reachable?: boolean;
  lastCheckedAt?: string;
  /** The API server's version, e.g. v1.35.4. */
  kubernetesVersion?: string;
  /** Mesh-wide outbound mode. */
  meshMode?: MeshMode;
  meshConfigFound?: boolean;
  egressGateway?: {
    /** `<namespace>/<name>` of the gateway Service. */
    service: string;
    /** Whether the Service existed at the last check. */
    exists?: boolean;
    lastSeenAt?: string;
  };
}

/** Istio kinds in the inventory. @public */
export type IstioKind =
  | 'ServiceEntry'
  | 'Gateway'
  | 'VirtualService'
  | 'DestinationRule'
  | 'Sidecar';

/** One Istio resource in the entity's namespace. @public */
export interface InventoryResource {
  kind: IstioKind;
  namespace: string;
  name: string;
  /** Created by this plugin (carries our managed-by label). */
  managed: boolean;
  /** The request it was created for (managed resources). */
  requestId?: string;
  hosts: string[];
  addresses: string[];
  ports: number[];
  location?: string;
  resolution?: string;
  outboundTrafficPolicyMode?: MeshMode;
}

/** The entity's namespace in one cluster. @public */
export interface NamespaceInventory extends CacheFreshness {
  cluster: string;
  namespace: string;
  meshMode?: MeshMode;
  /** Mode set by a namespace-wide Sidecar, overriding the mesh mode. */
  sidecarMode?: MeshMode;
  /** Name of that Sidecar. */
  sidecarOverride?: string;
  /** What applies to the workloads: sidecarMode ?? meshMode. */
  effectiveMode?: MeshMode;
  resources: InventoryResource[];
}

/** Answer of GET /entity: the entity's namespace in its target clusters. @public */
export interface EntityEgress {
  entityRef: string;
  namespace: string;
  /** Names of the clusters the entity may target. */
  clusters: string[];
  inventory: NamespaceInventory[];
  /** The entity's requests, newest first (when the backend serves the request workflow). */
  requests?: EgressRequest[];
}

/** A stored request, as the backend returns it. @public */
export interface EgressRequest extends DomainEgressRequest {
  /** While revoking: whether it ends revoked or expired. */
  ending?: 'revoked' | 'expired';
  updatedAt: string;
}

/** Apply state of a request in one cluster. @public */
export interface RequestTarget {
  requestId: string;
  cluster: string;
  status: TargetApplyStatus;
  lastError?: string;
  attempts: number;
  appliedHash?: string;
  appliedAt?: string;
  nextAttemptAt?: string;
}

/** One entry of a request's audit trail. @public */
export interface AuditEvent {
  id: number;
  requestId: string;
  at: string;
  /** User entity ref, `policy`, or `reconciler`. */
  actor: string;
  action: string;
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

/** Answer of POST /preview. @public */
export interface PreviewResult {
  valid: boolean;
  errors: FieldIssue[];
  warnings: FieldIssue[];
  /** Present when the draft is valid. */
  policy?: PolicyEvaluation;
  riskFlags: RiskFlag[];
  manifests: ClusterManifests[];
}

/** Answer of GET /requests/{id}. @public */
export interface RequestDetail {
  request: EgressRequest;
  targets: RequestTarget[];
  events: AuditEvent[];
  manifests: ClusterManifests[];
}

/** Filters of GET /requests. @public */
export interface RequestFilters {
  status?: EgressRequestStatus[];
  entityRef?: string;
  cluster?: string;
  requester?: string;
  cursor?: string;
  /** 1-200, default 50. */
  limit?: number;
}

/** One page of requests, newest first. @public */
export interface RequestPage {
  items: EgressRequest[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** What is sent to create or preview a request. @public */
export type RequestDraftInput = Omit<EgressRequestDraft, 'namespace'> & {
  namespace?: string;
};
