/**
 * HTTP behaviour of the egress routes through the real plugin: status codes
 * for bodies the API does not take, and query filters written the way the
 * spec documents them.
 */
import { isPermission } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { demoPermissions, draft, ENTITIES, ENTITY_REF, USERS } from '../__testUtils__/fakes';
import { authHeader, startOfflineBackend } from '../__testUtils__/offlineBackend';

jest.setTimeout(60_000);

describe('egress HTTP API', () => {
  let server: any;
  const owner = authHeader('owner');
  /** The permission framework's decisions, counted by call. */
  const permissions = demoPermissions();
  const authorize = jest.spyOn(permissions, 'authorize');
  const authorizeConditional = jest.spyOn(permissions, 'authorizeConditional');

  beforeAll(async () => {
    ({ server } = await startOfflineBackend({ permissions }));
    const created = await request(server).post('/api/egress/requests').set('Authorization', owner).send(draft({ clusters: ['dev'] }));
    if (created.status !== 201) throw new Error(`could not create the request the filters find: ${created.status}`);
  });

  it('decides every permission of GET /entity in one call, the actions on its requests included', async () => {
    authorize.mockClear();
    authorizeConditional.mockClear();
    const res = await request(server).get(`/api/egress/entity?entityRef=${ENTITY_REF}`).set('Authorization', owner);
    expect(res.status).toBe(200);
    expect(res.body.requests.length).toBeGreaterThan(0);
    expect(res.body.requests[0].actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'cancel', allowed: true }),
        expect.objectContaining({ name: 'approve', allowed: false }),
      ]),
    );
    // Revoke is conditional on owning the entity: evaluated here, not by a second call.
    expect(authorizeConditional).toHaveBeenCalledTimes(1);
    expect(authorize).not.toHaveBeenCalled();
  });

  it('checks the traffic window against the spec: a listed window is taken, another answers 400', async () => {
    const listed = await request(server).get(`/api/egress/traffic?entityRef=${ENTITY_REF}&window=24h`).set('Authorization', owner);
    expect(listed.status).toBe(200);
    expect(listed.body.window).toBe('24h');
    const other = await request(server).get(`/api/egress/traffic?entityRef=${ENTITY_REF}&window=2h`).set('Authorization', owner);
    expect(other.status).toBe(400);
    expect(other.body.error.message).toContain('window');
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await request(server)
      .post('/api/egress/requests')
      .set('Authorization', owner)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(draft({ justification: 'x'.repeat(200_000) })));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/too large/i);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await request(server)
      .post('/api/egress/requests')
      .set('Authorization', owner)
      .set('Content-Type', 'text/plain')
      .send('entityRef=component:default/payments');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toContain('application/json');
  });

  it('still takes an action without a body', async () => {
    const res = await request(server).post('/api/egress/requests/00000000-0000-4000-8000-000000000000/cancel').set('Authorization', owner);
    expect(res.status).toBe(404);
  });

  it('filters by several statuses separated by a literal comma', async () => {
    const res = await request(server).get('/api/egress/requests?status=pending,active').set('Authorization', owner);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((r: { status: string }) => ['pending', 'active'].includes(r.status))).toBe(true);
    const none = await request(server).get('/api/egress/requests?status=revoked,expired').set('Authorization', owner);
    expect(none.body.items).toEqual([]);
  });

  it('normalises a short requester and entityRef like entity refs elsewhere', async () => {
    const full = await request(server)
      .get(`/api/egress/requests?requester=${encodeURIComponent(USERS.owner.ref)}&entityRef=${encodeURIComponent(ENTITY_REF)}`)
      .set('Authorization', owner);
    expect(full.body.items.length).toBeGreaterThan(0);
    const short = await request(server).get('/api/egress/requests?requester=alice&entityRef=payments').set('Authorization', owner);
    expect(short.status).toBe(200);
    expect(short.body.items).toEqual(full.body.items);
  });

  it('answers 400 naming the expected form for a malformed ref', async () => {
    const res = await request(server).get('/api/egress/requests?requester=user:default/').set('Authorization', owner);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/requester: .*user:<namespace>\/<name>/);
  });
});

/** The principal a catalog call was made as. */
const callerOf = (call: unknown[]) => (call[1] as { credentials: { principal: unknown } }).credentials.principal;

describe('GET /entity and the catalog', () => {
  let server: any;
  const catalog = catalogServiceMock({ entities: ENTITIES });
  const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
  const policy = demoPermissions();
  /** The demo policy, except that bob may not read the entity in the catalog. */
  const permissions = demoPermissions();
  /** The policy's answers, with bob's catalog read denied. */
  const withoutBobsRead = <T extends { permission: Parameters<typeof isPermission>[0] }, A>(asked: T[], answers: A[], options: any) =>
    answers.map((a, i) =>
      isPermission(asked[i].permission, catalogEntityReadPermission) && options?.credentials.principal.userEntityRef === USERS.otherTeam.ref
        ? ({ result: 'DENY' } as A)
        : a,
    );
  const authorize = jest.spyOn(permissions, 'authorize').mockImplementation(async (requests, options) =>
    withoutBobsRead(requests, await policy.authorize(requests, options), options),
  );
  const authorizeConditional = jest.spyOn(permissions, 'authorizeConditional').mockImplementation(async (queries, options) =>
    withoutBobsRead(queries, await policy.authorizeConditional(queries, options), options),
  );

  beforeAll(async () => {
    ({ server } = await startOfflineBackend({ catalog, permissions }));
  });

  it("asks the caller's catalog read right on every view, in the view's one permission call, and reuses the entity it read", async () => {
    getEntityByRef.mockClear();
    authorize.mockClear();
    authorizeConditional.mockClear();
    for (let i = 0; i < 3; i++) {
      const res = await request(server).get(`/api/egress/entity?entityRef=${ENTITY_REF}`).set('Authorization', authHeader('owner'));
      expect(res.status).toBe(200);
      expect(res.body.namespace).toBe('payments');
    }
    expect(authorizeConditional).toHaveBeenCalledTimes(3);
    expect(authorize).not.toHaveBeenCalled();
    for (const [asked] of authorizeConditional.mock.calls) {
      expect(asked).toEqual(expect.arrayContaining([{ permission: catalogEntityReadPermission }]));
    }
    // Read once for the three views, with the plugin's own credentials.
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
    expect(callerOf(getEntityByRef.mock.calls[0])).toMatchObject({ type: 'service' });
  });

  it('answers 404 to a caller who may not read the entity in the catalog, even while it is cached', async () => {
    const res = await request(server).get(`/api/egress/entity?entityRef=${ENTITY_REF}`).set('Authorization', authHeader('otherTeam'));
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('is not in the catalog');
  });

  it('does not keep an entity that is not there: the next view asks the catalog again', async () => {
    getEntityByRef.mockClear();
    const missing = 'component:default/not-yet-registered';
    for (let i = 0; i < 2; i++) {
      const res = await request(server).get(`/api/egress/entity?entityRef=${missing}`).set('Authorization', authHeader('owner'));
      expect(res.status).toBe(404);
    }
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
  });

  it('reads the entity as the caller for a preview, not from the view cache', async () => {
    getEntityByRef.mockClear();
    const res = await request(server).post('/api/egress/preview').set('Authorization', authHeader('owner')).send(draft({ clusters: ['dev'] }));
    expect(res.status).toBe(200);
    expect(getEntityByRef).toHaveBeenCalled();
    expect(callerOf(getEntityByRef.mock.calls[0])).toMatchObject({ type: 'user', userEntityRef: USERS.owner.ref });
  });
});
