/**
 * The one definition of how an egress request moves through its lifecycle.
 *
 *   pending  → approved (approver or policy) → active (applied to every cluster)
 *   pending  → rejected | cancelled | expired (expiry passed before a decision)
 *   approved → revoking (revoked or expired before every cluster applied)
 *   active   → revoking → revoked | expired (removed from every cluster)
 */
import { EgressRequestStatus } from '@backstage-egress/plugin-egress-common';

const TRANSITIONS: Record<EgressRequestStatus, readonly EgressRequestStatus[]> = {
  pending: ['approved', 'rejected', 'cancelled', 'expired'],
  approved: ['active', 'revoking'],
  active: ['revoking'],
  revoking: ['revoked', 'expired'],
  rejected: [],
  cancelled: [],
  revoked: [],
  expired: [],
};

/** Whether `from → to` is a step of the lifecycle. */
export function canTransition(
  from: EgressRequestStatus,
  to: EgressRequestStatus,
): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses from which `to` can be reached. */
export function statusesLeadingTo(
  to: EgressRequestStatus,
): EgressRequestStatus[] {
  return (Object.keys(TRANSITIONS) as EgressRequestStatus[]).filter(from =>
    TRANSITIONS[from].includes(to),
  );
}

/** Statuses in which the request's resources should exist in its clusters. */
export const GRANTED_STATUSES: readonly EgressRequestStatus[] = ['approved', 'active'];

/** Whether nothing more happens to a request in this status. */
export function isFinal(status: EgressRequestStatus): boolean {
  return TRANSITIONS[status].length === 0;
}
