/**
 * The overlap check and the insert are one step in the database: of several
 * simultaneous creates for the same host in one namespace exactly one is
 * stored, on SQLite and on PostgreSQL.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft, fakeClusters, USERS } from '../__testUtils__/fakes';
import { createWorkflow } from '../__testUtils__/workflow';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const owner = mockCredentials.user(USERS.owner.ref);

/** Two replicas' workflows sharing one database. */
async function twoReplicas(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const { clients } = fakeClusters('dev', 'prod');
  return [await createWorkflow(knex, { clients }), await createWorkflow(knex, { clients, skipMigrations: true })] as const;
}

describe.each(databases.eachSupportedId())('simultaneous creates on %p', databaseId => {
  it('stores one of several creates for the same host and refuses the others with 409', async () => {
    const [a, b] = await twoReplicas(databaseId);
    const hosts = ['api.race.example'];
    const results = await Promise.allSettled(
      [a, b, a, b, a, b, a, b].map(w => w.service.create(draft({ hosts }), owner)),
    );
    const stored = results.filter(r => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(stored).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.reason).toMatchObject({ name: 'ConflictError', message: expect.stringContaining('api.race.example in namespace payments on cluster dev is already covered by request') });
    }
    const live = (await a.store.listRequests({ namespace: 'payments', limit: 100 })).items;
    expect(live.filter(r => r.hosts?.includes('api.race.example'))).toHaveLength(1);
  });

  it('stores simultaneous creates for different hosts side by side', async () => {
    const knex = await databases.init(databaseId);
    const { clients } = fakeClusters('dev', 'prod');
    const { service, store } = await createWorkflow(knex, { clients });
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5, 6].map(i => service.create(draft({ hosts: [`api${i}.side.example`] }), owner)),
    );
    expect(results.filter(r => r.status === 'rejected')).toEqual([]);
    expect((await store.listRequests({ namespace: 'payments', limit: 100 })).items).toHaveLength(6);
  });
});

describe.each(databases.eachSupportedId())('simultaneous gateway creates across namespaces on %p', databaseId => {
  it('stores one of simultaneous creates routing a host through the gateway in different modes', async () => {
    const [a, b] = await twoReplicas(databaseId);
    const host = 'api.gateway-race.example';
    const routed = { hosts: [host], clusters: ['dev'], viaEgressGateway: true };
    const inPayments = draft({ ...routed, gatewayMode: 'mutual' });
    const inLimited = draft({ ...routed, entityRef: 'component:default/limited', namespace: 'limited' });
    const results = await Promise.allSettled(
      [a, b, a, b].map((w, i) => w.service.create(i % 2 === 0 ? inPayments : inLimited, owner)),
    );
    const stored = results.flatMap(r => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    // The first in payments, or the first in limited: never one of each.
    expect(stored).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.reason).toMatchObject({ name: 'ConflictError', message: expect.stringMatching(/api.gateway-race.example (in namespace|in \w+ mode)/) });
    }
    const live = [
      ...(await a.store.listRequests({ namespace: 'payments', limit: 100 })).items,
      ...(await a.store.listRequests({ namespace: 'limited', limit: 100 })).items,
    ];
    expect(live.map(r => r.namespace)).toEqual([stored[0].namespace]);
  });
});
