/**
 * PostgreSQL restarted while the reconciler runs (the project's test
 * PostgreSQL from scripts/postgres.js, stopped and started on the same port),
 * on a real test cluster: passes that hit the restart fail and are logged,
 * the next ones work again, a request approved after the restart is applied
 * and a deleted resource is repaired.
 */
import { ClusterInfo, startCluster, stopCluster } from '@backstage-egress/testenv';
import path from 'node:path';
import { startClusterBackend } from '../__testUtils__/clusterBackend';
import { POSTGRES_ID, createTestDatabases } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';
import { converged, createAndApprove, detailOf, kubectl, objectsOf, until } from '../__testUtils__/faults';

jest.setTimeout(180_000);

/** scripts/postgres.js: the private PostgreSQL the tests use. */
const postgres: { start(): Promise<string>; stop(): void; ENV_VAR: string } = require(path.resolve(__dirname, '../../../../scripts/postgres.js'));

const NAME = 't-pg-restart';
let cluster: ClusterInfo;
const databases = createTestDatabases();
const onPostgres = databases.eachSupportedId().filter(([id]) => id === POSTGRES_ID);

beforeAll(async () => {
  cluster = await startCluster({ name: NAME });
}, 300_000);

afterAll(async () => {
  await stopCluster(NAME);
}, 120_000);

describe.each(onPostgres)('reconciler across a PostgreSQL restart (%p)', databaseId => {
  it('keeps going through the restart, then applies and repairs', async () => {
    // Only our own PostgreSQL may be restarted: the tests must be connected to it.
    expect(process.env[postgres.ENV_VAR]).toBe(await postgres.start());
    const backend = await startClusterBackend(cluster, await databases.init(databaseId));
    const before = await createAndApprove(backend, draft({ clusters: [NAME], hosts: ['api.before-restart.example.com'], viaEgressGateway: false }));
    await converged(backend, before);

    // Passes run back to back, as the scheduler would, while PostgreSQL stops and starts.
    const failures: unknown[] = [];
    let passes = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        await backend.reconcile().then(() => passes++, e => failures.push(e));
        await new Promise(r => setTimeout(r, 50));
      }
    })();
    await until('a pass to run', async () => (passes > 0 ? true : undefined));
    postgres.stop();
    await until('a pass to fail on the stopped database', async () => (failures.length > 0 ? true : undefined), 20_000, 100);
    await postgres.start();
    const afterRestart = passes;
    await until('passes to work again', async () => (passes > afterRestart + 2 ? true : undefined), 60_000);
    running = false;
    await loop;
    expect(String(failures[0])).toMatch(/ECONNREFUSED|terminat|connect|shutdown/i);

    // A request approved after the restart is applied; a deleted resource is repaired.
    const after = await createAndApprove(backend, draft({ clusters: [NAME], hosts: ['api.after-restart.example.com'], viaEgressGateway: false }));
    await converged(backend, after);
    const entry = (await objectsOf(cluster, before)).find(o => o.kind === 'ServiceEntry')!;
    await kubectl(cluster, ['delete', 'serviceentry', '-n', 'payments', entry.name]);
    await until('the deleted ServiceEntry to be repaired', async () => {
      await backend.reconcile();
      return (await objectsOf(cluster, before)).some(o => o.kind === 'ServiceEntry') ? true : undefined;
    }, 30_000, 1_000);
    const detail = await detailOf(backend, before);
    expect(detail.targets[0]).toEqual(expect.objectContaining({ status: 'applied' }));
    expect(detail.events.filter((e: { action: string }) => e.action === 'drift')).toHaveLength(1);
  });
});
