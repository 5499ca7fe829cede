/**
 * The state shown for a request, derived from its status and its per-cluster
 * targets: a granted request is Active only when every target is applied and
 * in sync; a failing target makes it Degraded with the reason and the time of
 * the next attempt; a cluster whose cache has not synced makes it Unknown.
 */
import {
  EgressRequestRecord,
  RequestDisplayState,
  RequestTarget,
} from '@backstage-egress/plugin-egress-common';

function earliest(targets: RequestTarget[]): string | undefined {
  return targets
    .map(t => t.nextAttemptAt)
    .filter((t): t is string => !!t)
    .sort()[0];
}

function failing(verb: string, all: RequestTarget[], failed: RequestTarget[]): RequestDisplayState {
  const next = earliest(failed);
  const reasons = failed.map(t => `${t.cluster}: ${t.lastError ?? 'failed'}`).join('; ');
  const of = `${failed.length} of ${all.length} cluster${all.length === 1 ? '' : 's'} failing`;
  return {
    status: 'degraded',
    message: `${verb}: ${of}: ${reasons}${next ? `, retrying at ${next}` : ''}`,
    ...(next ? { nextAttemptAt: next } : {}),
  };
}

/** The displayed state of a request with its targets. */
export function displayState(
  request: Pick<EgressRequestRecord, 'status' | 'ending' | 'decisionComment'>,
  targets: RequestTarget[],
): RequestDisplayState {
  switch (request.status) {
    case 'pending':
      return { status: 'pending', message: 'Waiting for a decision' };
    case 'rejected':
      return { status: 'rejected', message: request.decisionComment ? `Rejected: ${request.decisionComment}` : 'Rejected' };
    case 'cancelled':
      return { status: 'cancelled', message: 'Cancelled by the requester' };
    case 'revoked':
      return { status: 'revoked', message: 'Revoked; removed from every cluster' };
    case 'expired':
      return { status: 'expired', message: 'Expired; removed from every cluster' };
    case 'revoking': {
      const left = targets.filter(t => t.status !== 'removed');
      const failed = left.filter(t => t.lastError);
      if (failed.length > 0) {
        return { ...failing('Removing', targets, failed), status: 'revoking' };
      }
      return {
        status: 'revoking',
        message: `Removing from ${left.length} of ${targets.length} cluster${targets.length === 1 ? '' : 's'}`,
      };
    }
    default:
      return granted(request.status === 'active', targets);
  }
}

function granted(active: boolean, targets: RequestTarget[]): RequestDisplayState {
  const failed = targets.filter(t => t.status === 'failed');
  if (failed.length > 0) return failing('Degraded', targets, failed);
  const drifted = targets.filter(t => t.status === 'applied' && t.sync === 'drifted');
  if (drifted.length > 0) {
    return {
      status: 'degraded',
      message: `Degraded: drift on ${drifted.map(t => t.cluster).join(', ')}; re-applying`,
    };
  }
  const unknown = targets.filter(t => t.sync === 'unknown');
  if (unknown.length > 0) {
    return {
      status: 'unknown',
      message: `Unknown: the cache of ${unknown.map(t => t.cluster).join(', ')} has not synced, so the cluster state cannot be checked`,
    };
  }
  const applied = targets.filter(t => t.status === 'applied');
  if (applied.length < targets.length || !active) {
    return {
      status: 'progressing',
      message: `Applying: ${applied.length} of ${targets.length} cluster${targets.length === 1 ? '' : 's'} applied`,
    };
  }
  return {
    status: 'active',
    message: `Active on ${targets.map(t => t.cluster).join(', ')}`,
  };
}
