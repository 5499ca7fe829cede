/**
 * The statuses of an egress request and the transitions between them: the one
 * table the store enforces (it refuses any other change with a ConflictError)
 * and everything else reads.
 *
 *   pending  → approved (approver or policy) → active (applied to every cluster)
 *   pending  → rejected | cancelled | expired (expiry passed before a decision)
 *   approved → revoking (revoked or expired before every cluster applied)
 *   active   → revoking → revoked | expired (removed from every cluster)
 */
import { ConflictError } from '@backstage/errors';
import { EgressRequestStatus } from '@backstage-egress/plugin-egress-common';

/** The allowed transitions, from each status. */
export const TRANSITIONS: Readonly<Record<EgressRequestStatus, readonly EgressRequestStatus[]>> = {
  pending: ['approved', 'rejected', 'cancelled', 'expired'],
  approved: ['active', 'revoking'],
  active: ['revoking'],
  revoking: ['revoked', 'expired'],
  rejected: [],
  cancelled: [],
  revoked: [],
  expired: [],
};

/** Statuses in which the request's resources should exist in its clusters. */
export const GRANTED_STATUSES: readonly EgressRequestStatus[] = ['approved', 'active'];

/** Statuses in which a request holds (or is about to hold, or still holds) its routes. */
export const LIVE_STATUSES: readonly EgressRequestStatus[] = ['pending', 'approved', 'active', 'revoking'];

/** Statuses a request never leaves. */
export const FINAL_STATUSES: readonly EgressRequestStatus[] = (
  Object.keys(TRANSITIONS) as EgressRequestStatus[]
).filter(s => TRANSITIONS[s].length === 0);

/** Whether the table allows `from` → `to`. */
export function canTransition(from: EgressRequestStatus, to: EgressRequestStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Throws a ConflictError unless the table allows `from` → `to`. */
export function assertTransition(from: EgressRequestStatus, to: EgressRequestStatus, id?: string): void {
  if (!canTransition(from, to)) {
    const allowed = TRANSITIONS[from]?.join(', ') || 'none';
    throw new ConflictError(
      `${id ? `Request ${id}: ` : ''}${from} → ${to} is not an allowed transition (from ${from}: ${allowed})`,
    );
  }
}
