/**
 * Shapes of the egress backend's answers, as the browser sees them. They are
 * defined once, in the common package (src/api.ts), next to the domain types;
 * here they keep the names the components use. Only what the browser sends
 * (filters, the draft input) is defined here.
 */
import type {
  ClusterStatus,
  EgressRequestDraft,
  EgressRequestPage,
  EgressRequestRecord,
  EgressRequestStatus,
  RequestAuditEvent,
} from '@backstage-egress/plugin-egress-common';

export type {
  CacheFreshness,
  ClusterManifests,
  EntityEgress,
  InventoryResource,
  IstioKind,
  MeshMode,
  NamespaceInventory,
  PolicySummary,
  PreviewResult,
  RequestAction,
  RequestDisplayState,
  RequestDetail,
  RequestTarget,
  TargetIstioVerdict,
  TrafficWindow,
  EntityTraffic,
  ClusterTraffic,
  HostTraffic,
  BlockedAttempts,
  UnusedGrant,
  ClusterOrphans,
  OrphanResource,
  OrphanReason,
} from '@backstage-egress/plugin-egress-common';

/** A target cluster and its state (GET /clusters). Never credentials. @public */
export type EgressCluster = ClusterStatus;

/** A stored request, as the backend returns it. @public */
export type EgressRequest = EgressRequestRecord;

/** One entry of a request's audit trail. @public */
export type AuditEvent = RequestAuditEvent;

/** One page of requests, newest first. @public */
export type RequestPage = EgressRequestPage;

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

/** What is sent to create or preview a request. @public */
export type RequestDraftInput = Omit<EgressRequestDraft, 'namespace'> & {
  namespace?: string;
};

/** Which orphaned resource to remove (POST /orphans/remove). @public */
export interface OrphanRemovalInput {
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
  comment?: string;
}
