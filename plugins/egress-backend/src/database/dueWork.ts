import { Knex } from 'knex';
import { GRANTED_STATUSES } from '../lifecycle';

/**
 * Ids of the requests with a target whose work is due now and that no worker
 * holds: a target of an approved or active request not applied, or of a
 * revoking request not removed, whose next attempt time (if any) has passed.
 * A decision leaves such a target behind (pending, no next attempt), so it is
 * the wake-up marker every replica polls; a retry becomes due at its time.
 */
export async function dueRequestIds(db: Knex, now: string, limit: number): Promise<string[]> {
  const rows = await db('egress_request_targets as t')
    .join('egress_requests as r', 'r.id', 't.request_id')
    .distinct('t.request_id as id')
    .where(q =>
      q
        .where(g => g.whereIn('r.status', [...GRANTED_STATUSES]).andWhereNot('t.status', 'applied'))
        .orWhere(g => g.where('r.status', 'revoking').andWhereNot('t.status', 'removed')),
    )
    .andWhere(q => q.whereNull('t.next_attempt_at').orWhere('t.next_attempt_at', '<=', now))
    .andWhere(q => q.whereNull('t.lease_until').orWhere('t.lease_until', '<', now))
    .limit(limit);
  return rows.map((r: { id: string }) => r.id);
}
