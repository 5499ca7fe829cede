import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { createTestDatabases, POSTGRES_ID } from '../__testUtils__/databases';
import { DatabaseEgressStore } from './DatabaseEgressStore';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const migrations = resolvePackagePath('@backstage-egress/plugin-egress-backend', 'migrations');

async function indexNames(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'egress_requests'`);
    return rows.map((r: { name: string }) => r.name).sort();
  }
  const rows = await knex.raw(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'egress_requests'`);
  return rows.map((r: { name: string }) => r.name).sort();
}

async function fill(knex: Knex, total: number, oldestPending: number) {
  for (let i = 0; i < total; i += 500) {
    await knex('egress_requests').insert(
      Array.from({ length: Math.min(500, total - i) }, (_, j) => {
        const n = i + j;
        return {
          id: `r-${n}`, entity_ref: `component:default/c${n % 50}`, namespace: 'ns', status: n < oldestPending ? 'pending' : 'active',
          draft: '{}', requested_by: 'user:default/u', requested_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
        };
      }),
    );
  }
}

describe.each(databases.eachSupportedId())('indexes of the request pages on %p', databaseId => {
  it('reads pages by (status, seq) and (entity_ref, seq), and migrates down again', async () => {
    const knex = await databases.init(databaseId);
    await DatabaseEgressStore.create({ database: { getClient: async () => knex, migrations: { skip: false } } });
    const names = await indexNames(knex);
    expect(names).toEqual(expect.arrayContaining(['egress_requests_status_seq_index', 'egress_requests_entity_ref_seq_index']));
    expect(names).not.toContain('egress_requests_status_index');

    await knex.migrate.down({ directory: migrations, name: '20261202_perf_indexes.js' });
    const before = await indexNames(knex);
    expect(before).toEqual(expect.arrayContaining(['egress_requests_status_index', 'egress_requests_entity_ref_index']));
    expect(before).not.toContain('egress_requests_status_seq_index');
    await knex.migrate.latest({ directory: migrations });
  });

  if (databaseId === POSTGRES_ID) {
    it('plans the pending queue on the (status, seq) index, with old pending rows among many newer ones', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseEgressStore.create({ database: { getClient: async () => knex, migrations: { skip: false } } });
      await fill(knex, 5000, 50);
      await knex.raw('ANALYZE egress_requests');
      const page = await store.listRequests({ status: ['pending'], limit: 20 });
      expect(page.items).toHaveLength(20);
      const { rows } = await knex.raw(
        `EXPLAIN SELECT * FROM egress_requests WHERE status IN ('pending') ORDER BY seq DESC LIMIT 21`,
      );
      const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('egress_requests_status_seq_index');
    });
  }
});
