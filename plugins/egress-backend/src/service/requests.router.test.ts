import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft, USERS } from '../__testUtils__/fakes';
import { eventually } from '../__testUtils__/eventually';
import { authHeader as header, startOfflineBackend, Who } from '../__testUtils__/offlineBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('request routes on %p', databaseId => {
  let server: any;
  let knex: Knex;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    ({ server } = await startOfflineBackend({
      knex,
      clusters: ['dev', 'prod'],
      // Only the risk-flag tests request these hosts.
      egress: { policy: { autoApproveHosts: ['*.allowed.example'], allowedProtocols: ['HTTPS', 'TLS'] } },
    }));
  });

  // Requests share one database here, and a host covered by a live request of
  // the namespace cannot be requested again: each draft gets its own host.
  let seq = 0;
  const freshDraft = (overrides: Record<string, unknown> = {}) => draft({ hosts: [`api${++seq}.stripe.com`], ...overrides });

  const api = {
    create: (who: Who, body: object = freshDraft()) =>
      request(server).post('/api/egress/requests').set('Authorization', header(who)).send(body),
    action: (who: Who, id: string, action: string, body?: object) =>
      request(server).post(`/api/egress/requests/${id}/${action}`).set('Authorization', header(who)).send(body ?? {}),
  };

  async function newRequest(requester: Who): Promise<string> {
    const res = await api.create(requester);
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function snapshot() {
    const [requests, events, targets] = await Promise.all([
      knex('egress_requests').select('id', 'status', 'decided_by').orderBy('seq'),
      knex('egress_audit_events').count({ n: '*' }),
      knex('egress_request_targets').select('request_id', 'cluster', 'status', 'attempts').orderBy(['request_id', 'cluster']),
    ]);
    return JSON.stringify({ requests, events: Number(events[0].n), targets });
  }

  // Expected status per (caller, route). Requests to decide or cancel are the
  // owner's, except in the platformOwner row, where they are the caller's own.
  const matrix: Record<Who, Record<string, number>> = {
    owner: { preview: 200, create: 201, read: 200, approve: 403, reject: 403, cancel: 200, revoke: 200 },
    otherTeam: { preview: 200, create: 403, read: 200, approve: 403, reject: 403, cancel: 403, revoke: 403 },
    platform: { preview: 200, create: 403, read: 200, approve: 200, reject: 200, cancel: 403, revoke: 200 },
    platformOwner: { preview: 200, create: 201, read: 200, approve: 403, reject: 403, cancel: 200, revoke: 200 },
    unauthenticated: { preview: 401, create: 401, read: 401, approve: 401, reject: 401, cancel: 401, revoke: 401 },
  };
  const cells = Object.entries(matrix).flatMap(([who, row]) =>
    Object.entries(row).map(([route, status]) => [who as Who, route, status] as const),
  );

  // The requester of the request a cell acts on: the owner's, except in the
  // platformOwner row, where it is the caller's own.
  const requesterFor = (who: Who): Who => (who === 'platformOwner' ? 'platformOwner' : 'owner');

  // The request a route acts on (none for preview and create); an approved one for revoke.
  async function requestFor(route: string, requester: Who): Promise<string> {
    if (['preview', 'create'].includes(route)) return '';
    const id = await newRequest(requester);
    if (route === 'revoke') {
      const approved = await api.action('platform', id, 'approve');
      expect(approved.status).toBe(200);
      await attempted(id);
    }
    return id;
  }

  /** The request's detail once the reconciler, woken by the approval, tried every cluster. */
  async function attempted(id: string) {
    return eventually(async () => {
      const d = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', header('owner'));
      return d.body.targets.every((t: any) => t.attempts > 0) ? d : undefined;
    });
  }

  // Calls the route as `who`, with the database snapshot taken just before.
  async function callRoute(who: Who, route: string) {
    const id = await requestFor(route, requesterFor(who));
    const before = await snapshot();
    let res: request.Response;
    switch (route) {
      case 'preview':
        res = await request(server).post('/api/egress/preview').set('Authorization', header(who)).send(freshDraft());
        break;
      case 'create':
        res = await api.create(who);
        break;
      case 'read':
        res = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', header(who));
        break;
      case 'reject':
        res = await api.action(who, id, 'reject', { comment: 'not this host' });
        break;
      default:
        res = await api.action(who, id, route);
    }
    return { res, before };
  }

  const isOwnDecision = (who: Who, route: string) =>
    ['approve', 'reject'].includes(route) && requesterFor(who) === who;
  const allowed = cells.filter(([, , status]) => status < 400);
  const refused = cells.filter(([who, route, status]) => status >= 400 && !isOwnDecision(who, route));
  const ownDecisions = cells.filter(([who, route]) => isOwnDecision(who, route));

  it.each(allowed)('%s %s → %i', async (who, route, expected) => {
    const { res } = await callRoute(who, route);
    expect(res.status).toBe(expected);
  });

  // A refused call leaves requests, audit trail and targets as they were.
  it.each(refused)('%s %s → %i, changing nothing', async (who, route, expected) => {
    const { res, before } = await callRoute(who, route);
    expect(res.status).toBe(expected);
    expect(await snapshot()).toBe(before);
  });

  it.each(ownDecisions)('%s %s → %i: not on your own request, changing nothing', async (who, route, expected) => {
    const { res, before } = await callRoute(who, route);
    expect(res.status).toBe(expected);
    expect(await snapshot()).toBe(before);
    expect(res.body.error.message).toMatch(/your own request/);
  });

  it("lists the entity's requests with its inventory on GET /entity", async () => {
    const id = await newRequest('owner');
    const res = await request(server)
      .get('/api/egress/entity?entityRef=component:default/payments')
      .set('Authorization', header('otherTeam'));
    expect(res.status).toBe(200);
    expect(res.body.namespace).toBe('payments');
    expect(res.body.inventory.map((i: any) => i.cluster)).toEqual(['dev', 'prod']);
    expect(res.body.requests.map((r: any) => r.id)).toContain(id);
    // Their apply state comes in the same answer, one target per cluster.
    expect(
      res.body.targets
        .filter((t: any) => t.requestId === id)
        .map((t: any) => t.cluster),
    ).toEqual(['dev', 'prod']);
    expect(
      res.body.requests.every(
        (r: any) => r.entityRef === 'component:default/payments',
      ),
    ).toBe(true);
  });

  it('previews manifests, warnings and the policy verdict', async () => {
    const res = await request(server)
      .post('/api/egress/preview')
      .set('Authorization', header('owner'))
      .send(freshDraft());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: true, errors: [], policy: { verdict: 'needs-approval' } });
    expect(res.body.manifests.map((m: any) => m.cluster)).toEqual(['dev', 'prod']);
    expect(res.body.manifests[0].yaml).toContain('kind: ServiceEntry');
  });

  it('lists, filters and reads a request with targets, events and manifests', async () => {
    const id = await newRequest('owner');
    const list = await request(server)
      .get('/api/egress/requests?status=pending&entityRef=component:default/payments&limit=1')
      .set('Authorization', header('otherTeam'));
    expect(list.status).toBe(200);
    expect(list.body.items[0].id).toBe(id);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const detail = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', header('platform'));
    expect(detail.body.targets.map((t: any) => t.status)).toEqual(['pending', 'pending']);
    expect(detail.body.events[0]).toMatchObject({ action: 'created', actor: USERS.owner.ref });
    expect(detail.body.manifests).toHaveLength(2);
    const missing = await request(server).get('/api/egress/requests/nope').set('Authorization', header('platform'));
    expect(missing.status).toBe(404);
  });

  it('records a failed apply on an unreachable cluster and keeps the request approved', async () => {
    const id = await newRequest('owner');
    const res = await api.action('platform', id, 'approve', { comment: 'fine' });
    expect(res.body.status).toBe('approved');
    // The reconciler, woken by the approval, tries each cluster and records why it failed.
    const detail = await attempted(id);
    expect(detail.body.request.status).toBe('approved');
    for (const target of detail.body.targets) {
      expect(target.status).toBe('failed');
      expect(target.lastError).toMatch(/dev|prod/);
    }
  });

  it('returns the caller\'s actions and the displayed state with every request', async () => {
    const id = await newRequest('owner');
    const allowedActions = (body: any) => body.actions.filter((a: any) => a.allowed).map((a: any) => a.name);
    const asPlatform = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', header('platform'));
    expect(allowedActions(asPlatform.body.request)).toEqual(['approve', 'reject']);
    expect(asPlatform.body.request.displayState).toEqual({ status: 'pending', message: 'Waiting for a decision' });
    const asOwner = await request(server)
      .get(`/api/egress/requests?entityRef=component:default/payments&status=pending`)
      .set('Authorization', header('owner'));
    const mine = asOwner.body.items.find((r: any) => r.id === id);
    expect(allowedActions(mine)).toEqual(['cancel']);
    expect(mine.actions.find((a: any) => a.name === 'approve').reason).toMatch(/your own request/);
    const approved = await api.action('platform', id, 'approve');
    expect(allowedActions(approved.body)).toEqual(['revoke']);
    expect(approved.body.displayState).toEqual({ status: 'progressing', message: 'Applying: 0 of 2 clusters applied' });
    // The clusters are unreachable: once the reconciler tried, the state says so, with the next attempt.
    const failing = (await attempted(id)).body.request;
    expect(failing.displayState).toMatchObject({ status: 'degraded', nextAttemptAt: expect.any(String) });
    expect(failing.displayState.message).toMatch(/^Degraded: 2 of 2 clusters failing: dev: .*, retrying at /);
    const entity = await request(server)
      .get('/api/egress/entity?entityRef=component:default/payments')
      .set('Authorization', header('otherTeam'));
    const seen = entity.body.requests.find((r: any) => r.id === id);
    expect(allowedActions(seen)).toEqual([]);
    expect(seen.displayState.status).toBe('degraded');
  });

  it('answers a second decision on the same request with 409', async () => {
    const id = await newRequest('owner');
    expect((await api.action('platform', id, 'reject', { comment: 'no' })).status).toBe(200);
    const again = await api.action('platform', id, 'approve');
    expect(again.status).toBe(409);
  });

  it('makes POST /requests idempotent on the draft id: 200 on a repeat, 409 on reuse', async () => {
    const id = randomUUID();
    const hosts = [`api${++seq}.stripe.com`];
    const preview = await request(server).post('/api/egress/preview').set('Authorization', header('owner')).send(draft({ id, hosts }));
    expect(preview.status).toBe(200);
    expect(preview.body.manifests[0].yaml).toContain(`egress.backstage.io/request-id: ${id}`);
    const first = await api.create('owner', draft({ id, hosts }));
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(id);
    const before = await snapshot();
    const again = await api.create('owner', draft({ id, hosts }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await api.create('platformOwner', draft({ id, hosts }))).status).toBe(409);
    expect((await api.create('owner', draft({ id, hosts, justification: 'Something else entirely' }))).status).toBe(409);
    expect(await snapshot()).toBe(before);
  });

  it('answers 409 naming the request that already covers the host in the namespace', async () => {
    const body = freshDraft();
    const host = (body as { hosts: string[] }).hosts[0];
    const first = await api.create('owner', body);
    expect(first.status).toBe(201);
    const preview = await request(server).post('/api/egress/preview').set('Authorization', header('owner')).send(body);
    expect(preview.body).toMatchObject({ valid: false, errors: [{ path: 'hosts[0]', code: 'host-already-covered' }] });
    const before = await snapshot();
    const again = await api.create('owner', draft({ hosts: [host], clusters: ['dev'] }));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`${host} in namespace payments on cluster dev is already covered by request ${first.body.id} (pending)`);
    expect(await snapshot()).toBe(before);
  });

  it('answers 409 when another namespace routes the host through the gateway in the other mode on the cluster', async () => {
    const body = freshDraft({ clusters: ['dev'], viaEgressGateway: true, gatewayMode: 'mutual' });
    const host = (body as { hosts: string[] }).hosts[0];
    const first = await api.create('owner', body);
    expect(first.status).toBe(201);
    expect(first.body.gatewayMode).toBe('mutual');
    expect((await knex('egress_requests').where({ id: first.body.id }).first()).gateway_mode).toBe('mutual');
    // The cluster's own mode (passthrough) for the same host from namespace limited.
    const other = draft({ entityRef: 'component:default/limited', namespace: 'limited', clusters: ['dev'], hosts: [host], viaEgressGateway: true });
    const preview = await request(server).post('/api/egress/preview').set('Authorization', header('owner')).send(other);
    expect(preview.body).toMatchObject({ valid: false, errors: [{ path: 'gatewayMode', code: 'gateway-mode-conflict' }] });
    const before = await snapshot();
    const again = await api.create('owner', other);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `on cluster dev the egress gateway already serves ${host} in mutual mode for request ${first.body.id} (pending, namespace payments); one host has one mode, so this request would need mutual too`,
    );
    expect(await snapshot()).toBe(before);
    // Asking for the same mode shares the host's objects.
    expect((await api.create('owner', { ...other, gatewayMode: 'mutual' })).status).toBe(201);
  });

  it('refuses a gateway mode for direct access with 400', async () => {
    const res = await api.create('owner', freshDraft({ clusters: ['dev'], viaEgressGateway: false, gatewayMode: 'mutual' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/gatewayMode: a gateway mode applies only to traffic routed through the egress gateway/);
  });

  describe('invalid input gets 400 with field messages and stores nothing', () => {
    const invalid: Array<[string, () => Promise<request.Response>, RegExp]> = [
      ['preview without ports', () => request(server).post('/api/egress/preview').set('Authorization', header('owner')).send({ entityRef: 'component:default/payments' }), /clusters|ports/],
      ['create with a port out of range', () => api.create('owner', draft({ ports: [{ number: 70000, protocol: 'TLS' }] })), /ports\[0\]\.number/],
      ['create with an unknown field', () => api.create('owner', { ...draft(), color: 'red' }), /color|additional/],
      ['create with a wrong type', () => api.create('owner', draft({ hosts: 'api.stripe.com' })), /hosts/],
      ['create with a wildcard host and DNS', () => api.create('owner', draft({ hosts: ['*.stripe.com'], resolution: 'DNS' })), /hosts\[0\]/],
      ['create for an unknown cluster', () => api.create('owner', draft({ clusters: ['staging'] })), /clusters\[0\]/],
      ['create for a cluster the entity may not use', () => api.create('owner', draft({ entityRef: 'component:default/limited', clusters: ['prod'] })), /clusters\[0\].*egress.backstage.io\/clusters/],
      ['create for an entity without namespace', () => api.create('owner', draft({ entityRef: 'component:default/no-namespace' })), /kubernetes-namespace/],
      ['create with the wrong namespace', () => api.create('owner', draft({ namespace: 'other' })), /namespace: must be payments/],
      ['create with a malformed entity ref', () => api.create('owner', draft({ entityRef: 'component:' })), /entityRef/],
      ['preview with an id that is not a UUID', () => request(server).post('/api/egress/preview').set('Authorization', header('owner')).send(draft({ id: 'preview' })), /id/],
      ['create with an id that is not a UUID', () => api.create('owner', draft({ id: 'not-a-uuid' })), /id/],
      ['create with an uppercase UUID', () => api.create('owner', draft({ id: randomUUID().toUpperCase() })), /id/],
      ['list with a bad status', () => request(server).get('/api/egress/requests?status=open').set('Authorization', header('owner')), /status/],
      ['list with a bad limit', () => request(server).get('/api/egress/requests?limit=0').set('Authorization', header('owner')), /limit/],
      ['list with a bad cursor', () => request(server).get('/api/egress/requests?cursor=zzz').set('Authorization', header('owner')), /cursor/],
    ];
    it.each(invalid)('%s', async (_name, call, message) => {
      const before = await snapshot();
      const res = await call();
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await snapshot()).toBe(before);
    });

    const invalidActions: Array<[string, string, object | undefined, RegExp]> = [
      ['approve with a non-string comment', 'approve', { comment: 5 }, /comment/],
      ['reject without a comment', 'reject', {}, /comment/],
      ['reject with an empty comment', 'reject', { comment: '' }, /comment/],
      ['reject with a blank comment', 'reject', { comment: '   ' }, /comment/],
      ['cancel with an unknown field', 'cancel', { reason: 'x' }, /./],
      ['revoke with an unknown field', 'revoke', { why: 'x' }, /why|additional/],
    ];
    it.each(invalidActions)('%s', async (_name, action, body, message) => {
      const id = await newRequest('owner');
      const before = await snapshot();
      const res = await api.action(action === 'cancel' ? 'owner' : 'platform', id, action, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await snapshot()).toBe(before);
    });
  });

  describe('policy facts from the server', () => {
    it('GET /policy gives the summary of the configured policy and no host lists', async () => {
      const res = await request(server).get('/api/egress/policy').set('Authorization', header('otherTeam'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        allowedProtocols: ['HTTPS', 'TLS'],
        requireJustification: true,
        allowWildcards: false,
        allowCidrs: false,
        requireEgressGateway: false,
        allowGatewayModeOverride: 'stricter',
      });
      expect((await request(server).get('/api/egress/policy').set('Authorization', header('unauthenticated'))).status).toBe(401);
    });

    it('every answer carrying a request carries the risk flags the policy gives it', async () => {
      const listed = await api.create('owner', freshDraft({ hosts: [`h${++seq}.allowed.example`], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }));
      const unlisted = await api.create('owner', freshDraft());
      expect(listed.status).toBe(201);
      expect(unlisted.status).toBe(201);
      // On the auto-approve list, through the gateway, one day: nothing to flag.
      expect(listed.body.riskFlags).toEqual([]);
      expect(unlisted.body.riskFlags.map((f: { code: string }) => f.code)).toEqual(['no-expiry', 'not-allow-listed']);

      const detail = await request(server).get(`/api/egress/requests/${unlisted.body.id}`).set('Authorization', header('platform'));
      expect(detail.body.request.riskFlags).toEqual(unlisted.body.riskFlags);
      const page = await request(server).get('/api/egress/requests?limit=200').set('Authorization', header('platform'));
      const fromList = page.body.items.find((r: { id: string }) => r.id === listed.body.id);
      expect(fromList.riskFlags).toEqual([]);
      const entity = await request(server)
        .get(`/api/egress/entity?entityRef=${encodeURIComponent(listed.body.entityRef)}`)
        .set('Authorization', header('owner'));
      const fromEntity = entity.body.requests.find((r: { id: string }) => r.id === unlisted.body.id);
      expect(fromEntity.riskFlags).toEqual(unlisted.body.riskFlags);
      const rejected = await api.action('platform', unlisted.body.id, 'reject', { comment: 'no' });
      expect(rejected.body.riskFlags).toEqual(unlisted.body.riskFlags);
    });
  
    it('previews byte for byte what approval applies, the approver named once known', async () => {
      const preview = async (body: object) =>
        (await request(server).post('/api/egress/preview').set('Authorization', header('owner')).send(body)).body;
      const manifestsOf = async (id: string) =>
        (await request(server).get(`/api/egress/requests/${id}`).set('Authorization', header('owner'))).body.manifests;

      // Auto-approved: requester and approver (the policy) are known at preview time.
      const autoId = randomUUID();
      const auto = freshDraft({ id: autoId, hosts: [`p${++seq}.allowed.example`], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      const autoPreview = await preview(auto);
      expect(autoPreview.policy.verdict).toBe('auto-approve');
      expect(autoPreview.manifests[0].yaml).toContain('egress.backstage.io/approved-by: policy');
      expect((await api.create('owner', auto)).status).toBe(201);
      expect(await manifestsOf(autoId)).toEqual(autoPreview.manifests);

      // Needs an approver: the preview names the annotation; approval fills in who.
      const manualId = randomUUID();
      const manual = freshDraft({ id: manualId });
      const manualPreview = await preview(manual);
      expect(manualPreview.manifests[0].yaml).toContain(`egress.backstage.io/requested-by: ${USERS.owner.ref}`);
      expect((await api.create('owner', manual)).status).toBe(201);
      expect((await api.action('platform', manualId, 'approve')).status).toBe(200);
      const applied = await manifestsOf(manualId);
      expect(applied.map((m: { yaml: string }) => m.yaml)).toEqual(
        manualPreview.manifests.map((m: { yaml: string }) =>
          m.yaml.replace(/approved-by: .*set on approval.*/g, `approved-by: ${USERS.platform.ref}`),
        ),
      );
    });
});
});
