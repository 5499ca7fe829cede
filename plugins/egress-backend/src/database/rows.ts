/** Table rows of the store and their mapping to the store's types. */
import { InputError } from '@backstage/errors';
import {
  EgressRequestStatus,
  NormalizedDraft,
  TargetApplyStatus,
} from '@backstage-egress/plugin-egress-common';
import { OrphanRemovalRecord, RequestAuditEvent, RequestTarget, StoredEgressRequest } from './EgressStore';

export type RequestRow = {
  seq: number;
  id: string;
  entity_ref: string;
  namespace: string;
  status: string;
  draft: string;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  expires_at: string | null;
  ending: string | null;
  updated_at: string;
};

export type TargetRow = {
  request_id: string;
  cluster: string;
  status: string;
  last_error: string | null;
  attempts: number | string;
  applied_hash: string | null;
  applied_at: string | null;
  next_attempt_at: string | null;
};

export type EventRow = {
  seq: number | string;
  request_id: string;
  at: string;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  cluster: string | null;
  comment: string | null;
  details: string | null;
};

export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^seq:(\d+)$/.exec(text);
  if (!match) throw new InputError('cursor: not a cursor from a previous page');
  return Number(match[1]);
}

export function toRequest(row: RequestRow): StoredEgressRequest {
  const draft = JSON.parse(row.draft) as NormalizedDraft;
  return {
    ...draft,
    id: row.id,
    status: row.status as EgressRequestStatus,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: row.decided_at } : {}),
    ...(row.decision_comment ? { decisionComment: row.decision_comment } : {}),
    ...(row.ending ? { ending: row.ending as 'revoked' | 'expired' } : {}),
    updatedAt: row.updated_at,
  };
}

export function toTarget(row: TargetRow): RequestTarget {
  return {
    requestId: row.request_id,
    cluster: row.cluster,
    status: row.status as TargetApplyStatus,
    attempts: Number(row.attempts),
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.applied_hash ? { appliedHash: row.applied_hash } : {}),
    ...(row.applied_at ? { appliedAt: row.applied_at } : {}),
    ...(row.next_attempt_at ? { nextAttemptAt: row.next_attempt_at } : {}),
  };
}

export function toEvent(row: EventRow): RequestAuditEvent {
  return {
    id: Number(row.seq),
    requestId: row.request_id,
    at: row.at,
    actor: row.actor,
    action: row.action as RequestAuditEvent['action'],
    ...(row.from_status ? { from: row.from_status as EgressRequestStatus } : {}),
    ...(row.to_status ? { to: row.to_status as EgressRequestStatus } : {}),
    ...(row.cluster ? { cluster: row.cluster } : {}),
    ...(row.comment ? { comment: row.comment } : {}),
    ...(row.details ? { details: JSON.parse(row.details) } : {}),
  };
}

export function toOrphanRemoval(row: Record<string, string | null>): OrphanRemovalRecord {
  return {
    at: row.at!,
    actor: row.actor!,
    cluster: row.cluster!,
    kind: row.kind!,
    namespace: row.namespace!,
    name: row.name!,
    ...(row.request_id ? { requestId: row.request_id } : {}),
    reason: row.reason!,
    ...(row.comment ? { comment: row.comment } : {}),
  };
}
