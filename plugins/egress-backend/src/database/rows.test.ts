import { RequestRow, TargetRow, toRequest, toTarget } from './rows';

const row: RequestRow = {
  seq: 7,
  id: 'r1',
  entity_ref: 'component:default/payments-api',
  namespace: 'payments',
  status: 'pending',
  draft: JSON.stringify({ entityRef: 'component:default/payments-api', namespace: 'payments', hosts: ['api.example.com'] }),
  requested_by: 'user:default/alice',
  requested_at: '2026-12-01T00:00:00.000Z',
  decided_by: null,
  decided_at: null,
  decision_comment: null,
  expires_at: null,
  ending: null,
  updated_at: '2026-12-01T00:00:01.000Z',
};

describe('toRequest', () => {
  it('is the draft with the row’s columns, without keys for empty columns', () => {
    const request = toRequest(row);
    expect(request).toEqual({
      entityRef: 'component:default/payments-api',
      namespace: 'payments',
      hosts: ['api.example.com'],
      id: 'r1',
      status: 'pending',
      requestedBy: 'user:default/alice',
      requestedAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:01.000Z',
    });
    expect(Object.keys(request)).toEqual(['entityRef', 'namespace', 'hosts', 'id', 'status', 'requestedBy', 'requestedAt', 'updatedAt']);
  });

  it('carries a decision and an ending', () => {
    const request = toRequest({ ...row, status: 'revoked', decided_by: 'user:default/carol', decided_at: '2026-12-01T01:00:00.000Z', decision_comment: 'ok', ending: 'revoked' });
    expect(request).toMatchObject({ status: 'revoked', decidedBy: 'user:default/carol', decidedAt: '2026-12-01T01:00:00.000Z', decisionComment: 'ok', ending: 'revoked' });
  });

  it('gives the columns precedence over the same keys in the draft', () => {
    const request = toRequest({ ...row, draft: JSON.stringify({ id: 'other', status: 'active', hosts: [] }) });
    expect(request.id).toBe('r1');
    expect(request.status).toBe('pending');
  });
});

describe('toTarget', () => {
  const target: TargetRow = { request_id: 'r1', cluster: 'dev', status: 'failed', last_error: 'no', attempts: '2', applied_hash: null, applied_at: null, next_attempt_at: '2026-12-01T00:00:05.000Z' };

  it('maps the columns and leaves out empty ones', () => {
    expect(toTarget(target)).toEqual({ requestId: 'r1', cluster: 'dev', status: 'failed', attempts: 2, lastError: 'no', nextAttemptAt: '2026-12-01T00:00:05.000Z' });
    expect(Object.keys(toTarget({ ...target, last_error: null, next_attempt_at: null }))).toEqual(['requestId', 'cluster', 'status', 'attempts']);
  });
});
