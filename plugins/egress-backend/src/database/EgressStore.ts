import {
  EgressRequestPage,
  EgressRequestRecord,
  EgressRequestStatus,
  NormalizedDraft,
  RequestAuditEvent,
  RequestTarget,
  TargetApplyStatus,
} from '@backstage-egress/plugin-egress-common';

// Requests, targets and audit events are returned over HTTP as stored: their
// shapes are the wire types of the common package.
export type { AuditAction, RequestAuditEvent, RequestTarget } from '@backstage-egress/plugin-egress-common';

/** A request as stored: the normalised draft, the people, and where it stands. */
export type StoredEgressRequest = EgressRequestRecord;

/** An audit event to append. */
export type NewAuditEvent = Omit<RequestAuditEvent, 'id' | 'requestId' | 'at'> & {
  at?: string;
};

/** Filters of {@link EgressStore.listRequests}. */
export interface RequestFilter {
  status?: EgressRequestStatus[];
  entityRef?: string;
  /** Kubernetes namespace of the requests. */
  namespace?: string;
  cluster?: string;
  requestedBy?: string;
  /** Only requests that ask (true) or do not ask (false) for the namespace NetworkPolicy. */
  networkPolicy?: boolean;
  /** Opaque cursor from a previous page. */
  cursor?: string;
  limit: number;
}

/** A compare-and-set status change with its audit event. */
export interface TransitionInput {
  id: string;
  from: EgressRequestStatus;
  to: EgressRequestStatus;
  actor: string;
  at: string;
  comment?: string;
  /** Records the actor and comment as the decision (approve, reject). */
  decision?: boolean;
  ending?: 'revoked' | 'expired';
  details?: Record<string, unknown>;
}

/** Changes to a target after an apply or removal attempt. */
export interface TargetUpdate {
  status: TargetApplyStatus;
  lastError?: string | null;
  attempts?: number;
  appliedHash?: string | null;
  appliedAt?: string | null;
  nextAttemptAt?: string | null;
}

/**
 * Storage of egress requests, their targets and audit trails. Every status
 * change is compare-and-set, so concurrent callers (several approvers, several
 * backend replicas) make one change, and the others see `undefined`/`false`.
 */
/** One removal of an orphaned resource, as audited. */
export interface OrphanRemovalRecord {
  at: string;
  actor: string;
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
  requestId?: string;
  reason: string;
  comment?: string;
}

export interface EgressStore {
  /**
   * Stores a new request with a pending target per cluster and its first
   * audit events. With `conflicts`, the namespace is locked in the database
   * while the live requests of the namespace (pending, approved, active,
   * revoking) are checked: a message from it aborts with a ConflictError, so
   * simultaneous creates cannot both pass the check. With
   * `gatewayConflicts`, for a draft through the egress gateway, each of its
   * clusters and hosts is locked likewise while the live requests through the
   * gateway on its clusters (any namespace) are checked.
   */
  createRequest(input: {
    id: string;
    draft: NormalizedDraft;
    status: EgressRequestStatus;
    requestedBy: string;
    requestedAt: string;
    events: NewAuditEvent[];
    conflicts?: (live: StoredEgressRequest[]) => string | undefined;
    gatewayConflicts?: (live: StoredEgressRequest[]) => string | undefined;
  }): Promise<StoredEgressRequest>;

  getRequest(id: string): Promise<StoredEgressRequest | undefined>;

  /** Newest first. */
  listRequests(filter: RequestFilter): Promise<EgressRequestPage>;

  /**
   * Changes the status if it still is `from`; returns the updated request, or
   * undefined if another caller won. Throws a ConflictError for a transition
   * the lifecycle's table does not allow.
   */
  transition(input: TransitionInput): Promise<StoredEgressRequest | undefined>;

  getTargets(requestId: string): Promise<RequestTarget[]>;

  /** The targets of several requests in one read, by request id and cluster. */
  getTargetsOf(requestIds: string[]): Promise<RequestTarget[]>;

  /**
   * Takes a lease on a target so that only one worker applies or removes it;
   * false when another worker holds an unexpired lease.
   */
  claimTarget(options: {
    requestId: string;
    cluster: string;
    owner: string;
    now: string;
    leaseUntil: string;
  }): Promise<boolean>;

  /**
   * Records an attempt's outcome and releases the caller's lease. False, and
   * nothing changed, when the caller no longer holds the lease (another
   * worker took the target over after it expired).
   */
  updateTarget(options: {
    requestId: string;
    cluster: string;
    owner: string;
    update: TargetUpdate;
  }): Promise<boolean>;

  appendEvents(requestId: string, events: NewAuditEvent[]): Promise<void>;

  listEvents(requestId: string): Promise<RequestAuditEvent[]>;

  /** Ids of requests in the given statuses (oldest first), for the reconciler. */
  listIdsByStatus(
    statuses: EgressRequestStatus[],
    options?: { expiringBefore?: string; limit?: number },
  ): Promise<string[]>;

  /**
   * Ids of requests with target work due now and unleased (a target to apply
   * or remove whose next attempt time, if any, has passed): what a replica
   * polls to pick up decisions made on another replica.
   */
  listDueIds(options: { now: string; limit?: number }): Promise<string[]>;

  /** Appends one orphan removal to its audit trail. */
  recordOrphanRemoval(record: OrphanRemovalRecord): Promise<void>;

  /** Orphan removals, newest first. */
  listOrphanRemovals(options: { limit: number }): Promise<OrphanRemovalRecord[]>;
}
