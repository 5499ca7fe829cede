import { EGRESS_REQUEST_STATUSES, RequestTarget } from '@backstage-egress/plugin-egress-common';
import {
  FINAL_STATUSES,
  TRANSITIONS,
  assertAction,
  assertTransition,
  canTransition,
  displayState,
  requestActions,
} from '.';

const caller = (over: Partial<{ userEntityRef: string; mayApprove: boolean; mayRevoke: boolean }> = {}) => ({
  userEntityRef: 'user:default/carol',
  mayApprove: true,
  mayRevoke: true,
  ...over,
});
const request = (status: any, requestedBy = 'user:default/alice') => ({ id: 'r1', status, requestedBy });
const allowed = (actions: ReturnType<typeof requestActions>) => actions.filter(a => a.allowed).map(a => a.name);

describe('lifecycle statuses', () => {
  it('has a row for every status, and final statuses allow nothing', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...EGRESS_REQUEST_STATUSES].sort());
    expect([...FINAL_STATUSES].sort()).toEqual(['cancelled', 'expired', 'rejected', 'revoked']);
  });

  it('refuses a transition outside the table with a ConflictError', () => {
    expect(canTransition('pending', 'approved')).toBe(true);
    expect(canTransition('active', 'approved')).toBe(false);
    expect(() => assertTransition('revoked', 'active', 'r1')).toThrow(
      expect.objectContaining({ name: 'ConflictError', message: expect.stringContaining('revoked → active') }),
    );
    expect(() => assertTransition('pending', 'revoking')).toThrow(expect.objectContaining({ name: 'ConflictError' }));
  });
});

describe('lifecycle actions', () => {
  it('lets an approver decide a pending request of someone else, and the requester cancel it', () => {
    expect(allowed(requestActions(request('pending'), caller()))).toEqual(['approve', 'reject']);
    const own = requestActions(request('pending', 'user:default/carol'), caller());
    expect(allowed(own)).toEqual(['cancel']);
    expect(own.find(a => a.name === 'approve')?.reason).toBe('You cannot approve or reject your own request');
  });

  it('says why when the status or the permissions refuse', () => {
    const actions = requestActions(request('active'), caller({ mayApprove: false, mayRevoke: false }));
    expect(actions).toEqual([
      { name: 'approve', allowed: false, reason: 'You are not allowed to approve or reject egress requests' },
      { name: 'reject', allowed: false, reason: 'You are not allowed to approve or reject egress requests' },
      { name: 'cancel', allowed: false, reason: 'Only the requester can cancel a request' },
      { name: 'revoke', allowed: false, reason: 'You are not allowed to revoke egress of this entity' },
    ]);
    expect(allowed(requestActions(request('active'), caller()))).toEqual(['revoke']);
    expect(allowed(requestActions(request('approved'), caller()))).toEqual(['revoke']);
    expect(allowed(requestActions(request('revoking'), caller()))).toEqual([]);
  });

  it('throws NotAllowedError for the caller and ConflictError for the status; allowed actions follow the table', () => {
    expect(() => assertAction('approve', request('pending', 'user:default/carol'), caller())).toThrow(
      expect.objectContaining({ name: 'NotAllowedError' }),
    );
    expect(() => assertAction('revoke', request('pending'), caller())).toThrow(
      expect.objectContaining({ name: 'ConflictError' }),
    );
    for (const status of EGRESS_REQUEST_STATUSES) {
      for (const a of requestActions(request(status), caller())) {
        if (!a.allowed) continue;
        const { from, to } = assertAction(a.name, request(status), caller());
        expect(canTransition(from, to)).toBe(true);
      }
    }
  });
});

describe('displayState', () => {
  const target = (cluster: string, over: Partial<RequestTarget> = {}): RequestTarget => ({
    requestId: 'r1',
    cluster,
    status: 'applied',
    attempts: 1,
    sync: 'in-sync',
    ...over,
  });

  it('is active only when every target is applied and in sync', () => {
    expect(displayState({ status: 'active' }, [target('dev'), target('prod')])).toEqual({
      status: 'active',
      message: 'Active on dev, prod',
    });
    expect(displayState({ status: 'approved' }, [target('dev'), target('prod', { status: 'pending' })]).status).toBe(
      'progressing',
    );
    expect(displayState({ status: 'active' }, [target('dev'), target('prod', { sync: 'unknown' })]).status).toBe(
      'unknown',
    );
    expect(displayState({ status: 'active' }, [target('dev', { sync: 'drifted' })]).status).toBe('degraded');
  });

  it('names the failing clusters, the reason and the next attempt', () => {
    const state = displayState({ status: 'active' }, [
      target('dev'),
      target('prod', { status: 'failed', lastError: 'connection refused', nextAttemptAt: '2030-01-01T00:00:30.000Z' }),
    ]);
    expect(state).toEqual({
      status: 'degraded',
      message: 'Degraded: 1 of 2 clusters failing: prod: connection refused, retrying at 2030-01-01T00:00:30.000Z',
      nextAttemptAt: '2030-01-01T00:00:30.000Z',
    });
  });

  it('maps decided and final statuses', () => {
    expect(displayState({ status: 'pending' }, []).status).toBe('pending');
    expect(displayState({ status: 'rejected', decisionComment: 'no' }, []).message).toBe('Rejected: no');
    expect(displayState({ status: 'revoking' }, [target('dev', { status: 'removed' }), target('prod')]).message).toBe(
      'Removing from 1 of 2 clusters',
    );
  });
});
