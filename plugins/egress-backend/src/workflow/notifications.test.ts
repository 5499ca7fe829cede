import { Entity } from '@backstage/catalog-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import request from 'supertest';
import { draft, PLATFORM_TEAM, USERS } from '../__testUtils__/fakes';
import { authHeader, startOfflineBackend } from '../__testUtils__/offlineBackend';

jest.setTimeout(60_000);

const user = (ref: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: {},
});

const group = (ref: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: members.map(targetRef => ({ type: 'hasMember', targetRef })),
});

// The organisation as the notifications backend resolves it from the catalog.
const ORG: Entity[] = [
  ...Object.values(USERS).map(u => user(u.ref)),
  group(PLATFORM_TEAM, [USERS.platform.ref, USERS.platformOwner.ref]),
  group('group:default/payments-team', [USERS.owner.ref, USERS.platformOwner.ref]),
  group('group:default/search-team', [USERS.otherTeam.ref]),
];

type Who = keyof typeof USERS;

/**
 * The notifier against Backstage's real notifications backend, in one test
 * backend: who is told what, and no one else.
 */
describe('egress notifications through the notifications backend', () => {
  let server: any;

  beforeAll(async () => {
    // Unreachable cluster: applies fail, and the requester hears of it.
    ({ server } = await startOfflineBackend({
      config: { app: { baseUrl: 'http://localhost:3000' } },
      entities: ORG,
      features: [notificationsPlugin],
    }));
  });

  const as = (who: Who) => authHeader(who);

  async function notificationsOf(who: Who, requestId: string): Promise<string[]> {
    const res = await request(server).get('/api/notifications/notifications').set('Authorization', as(who));
    expect(res.status).toBe(200);
    return res.body.notifications
      .filter((n: { payload: { scope?: string } }) => n.payload.scope === `egress-request:${requestId}`)
      .map((n: { payload: { title: string } }) => n.payload.title);
  }

  async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const until = Date.now() + 10_000;
    for (;;) {
      const value = await fn();
      if (ok(value) || Date.now() > until) return value;
      await new Promise(r => setTimeout(r, 100));
    }
  }

  it('tells the approvers of a new request, the requester of the decision and of a failed apply, and no one else', async () => {
    const created = await request(server)
      .post('/api/egress/requests')
      .set('Authorization', as('owner'))
      .send(draft({ clusters: ['dev'], hosts: ['api.notify.example'] }));
    expect(created.status).toBe(201);
    const id = created.body.id;

    const approvers = await eventually(() => notificationsOf('platform', id), v => v.length > 0);
    expect(approvers).toEqual(['Egress request for component:default/payments needs a decision']);
    expect(await notificationsOf('platformOwner', id)).toEqual(approvers);
    expect(await notificationsOf('owner', id)).toEqual([]);
    expect(await notificationsOf('otherTeam', id)).toEqual([]);

    const approved = await request(server)
      .post(`/api/egress/requests/${id}/approve`)
      .set('Authorization', as('platform'))
      .send({});
    expect(approved.status).toBe(200);

    // One notification per request and user (same scope): the latest news wins.
    const owner = await eventually(() => notificationsOf('owner', id), v => v.some(t => t.includes('could not be applied')));
    expect(owner).toEqual(['Egress request for component:default/payments could not be applied on cluster dev']);
    expect(await notificationsOf('otherTeam', id)).toEqual([]);
    expect(await notificationsOf('platform', id)).toEqual(approvers);
  });
});
