/**
 * What a caller may do with a request, in one place: the backend enforces it
 * and the API returns it with each request (`actions`), so the browser never
 * re-derives the rules.
 */
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  EgressRequestRecord,
  EgressRequestStatus,
  RequestAction,
  RequestActionName,
} from '@backstage-egress/plugin-egress-common';

/** Every action, in the order the API lists them. */
export const REQUEST_ACTIONS: readonly RequestActionName[] = ['approve', 'reject', 'cancel', 'revoke'];

/** Per action: the statuses it starts from and the status it leads to. */
export const ACTION_TRANSITIONS: Readonly<
  Record<RequestActionName, { from: readonly EgressRequestStatus[]; to: EgressRequestStatus }>
> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  cancel: { from: ['pending'], to: 'cancelled' },
  revoke: { from: ['approved', 'active'], to: 'revoking' },
};

/** Who is asking, and what their permissions allow for this request's entity. */
export interface ActionCaller {
  userEntityRef: string;
  /** egress.request.approve (basic). */
  mayApprove: boolean;
  /** egress.request.revoke on the request's entity. */
  mayRevoke: boolean;
}

/** Why an action is refused: the caller (403) or the request's status (409). */
type Refusal = { kind: 'forbidden' | 'conflict'; reason: string };

function refusal(
  name: RequestActionName,
  request: Pick<EgressRequestRecord, 'status' | 'requestedBy'>,
  caller: ActionCaller,
): Refusal | undefined {
  const own = request.requestedBy === caller.userEntityRef;
  switch (name) {
    case 'approve':
    case 'reject':
      if (own) return { kind: 'forbidden', reason: 'You cannot approve or reject your own request' };
      if (!caller.mayApprove) return { kind: 'forbidden', reason: 'You are not allowed to approve or reject egress requests' };
      break;
    case 'cancel':
      if (!own) return { kind: 'forbidden', reason: 'Only the requester can cancel a request' };
      break;
    case 'revoke':
      if (!caller.mayRevoke) return { kind: 'forbidden', reason: 'You are not allowed to revoke egress of this entity' };
      break;
    default:
      return { kind: 'conflict', reason: `Unknown action ${name}` };
  }
  const { from } = ACTION_TRANSITIONS[name];
  if (!from.includes(request.status)) {
    return { kind: 'conflict', reason: `The request is ${request.status}; only ${from.join(' or ')} requests can be ${pastTense(name)}` };
  }
  return undefined;
}

function pastTense(name: RequestActionName): string {
  return { approve: 'approved', reject: 'rejected', cancel: 'cancelled', revoke: 'revoked' }[name];
}

/** The actions of a request for one caller, each allowed or with the reason it is not. */
export function requestActions(
  request: Pick<EgressRequestRecord, 'status' | 'requestedBy'>,
  caller: ActionCaller,
): RequestAction[] {
  return REQUEST_ACTIONS.map(name => {
    const refused = refusal(name, request, caller);
    return refused ? { name, allowed: false, reason: refused.reason } : { name, allowed: true };
  });
}

/**
 * Throws NotAllowedError (the caller) or ConflictError (the status) unless the
 * caller may take the action now; returns the transition it makes.
 */
export function assertAction(
  name: RequestActionName,
  request: Pick<EgressRequestRecord, 'id' | 'status' | 'requestedBy'>,
  caller: ActionCaller,
): { from: EgressRequestStatus; to: EgressRequestStatus } {
  const refused = refusal(name, request, caller);
  if (refused?.kind === 'forbidden') throw new NotAllowedError(refused.reason);
  if (refused) throw new ConflictError(`Request ${request.id}: ${refused.reason}`);
  return { from: request.status, to: ACTION_TRANSITIONS[name].to };
}
