/**
 * How an egress request moves through its lifecycle (the transitions are made
 * by EgressRequestService and the Reconciler, each compare-and-set in the store):
 *
 *   pending  → approved (approver or policy) → active (applied to every cluster)
 *   pending  → rejected | cancelled | expired (expiry passed before a decision)
 *   approved → revoking (revoked or expired before every cluster applied)
 *   active   → revoking → revoked | expired (removed from every cluster)
 */
import { EgressRequestStatus } from '@backstage-egress/plugin-egress-common';

/** Statuses in which the request's resources should exist in its clusters. */
export const GRANTED_STATUSES: readonly EgressRequestStatus[] = ['approved', 'active'];
