import { RequestActionName } from '@backstage-egress/plugin-egress-common';
import { EgressRequest } from '../../api/types';

/** Statuses in which an action means something (a request shows nothing about the others). */
const RELEVANT: Record<RequestActionName, string[]> = {
  approve: ['pending'],
  reject: ['pending'],
  cancel: ['pending'],
  revoke: ['approved', 'active'],
};

/**
 * What the backend says the caller may do with `name` on this request:
 * `shown` (offer the button), `allowed` (enabled) and why not. Undefined when
 * the backend sends no actions (older backends): callers keep their own rule.
 */
export function actionFor(
  request: EgressRequest,
  name: RequestActionName,
): { shown: boolean; allowed: boolean; reason?: string } | undefined {
  if (!request.actions) return undefined;
  const action = request.actions.find(a => a.name === name);
  if (!action) return { shown: false, allowed: false };
  const relevant = RELEVANT[name].includes(request.status);
  return {
    // A refused action is shown (disabled, with the reason) only where it means something.
    shown: action.allowed || (relevant && Boolean(action.reason)),
    allowed: action.allowed,
    reason: action.allowed ? undefined : action.reason,
  };
}
