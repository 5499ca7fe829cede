/**
 * A backend started while its cluster is down, on a real test cluster
 * stopped with its data kept: what was applied before reads as unknown (never
 * as drift, and nothing is re-applied blindly), a request approved meanwhile
 * waits with its reason, and once the cluster is back the cache syncs and
 * every target converges.
 */
import { ClusterInfo, startCluster, stopCluster } from '@backstage-egress/testenv';
import request from 'supertest';
import { owner, platform, startClusterBackend } from '../__testUtils__/clusterBackend';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';
import { converged, createAndApprove, detailOf, objectsOf, until } from '../__testUtils__/faults';

jest.setTimeout(180_000);

const NAME = 't-down';
let cluster: ClusterInfo;
const databases = createTestDatabases();

beforeAll(async () => {
  cluster = await startCluster({ name: NAME, keepData: true });
}, 300_000);

afterAll(async () => {
  await stopCluster(NAME, { removeData: true });
}, 120_000);

const actionsOf = (detail: { events: Array<{ action: string }> }) => detail.events.map(e => e.action);

it('reports unknown, not drift, while the cluster is down, and converges once it is back', async () => {
  const knex = await databases.init('SQLITE_3');
  // A first backend applies one request while the cluster is up, and gets another created.
  const before = await startClusterBackend(cluster, knex);
  const applied = await createAndApprove(before, draft({ clusters: [NAME], hosts: ['api.before.example.com'], viaEgressGateway: false }));
  await converged(before, applied);
  const objects = await objectsOf(cluster, applied);
  expect(objects.map(o => o.kind)).toEqual(['ServiceEntry']);
  const created = await request(before.server).post('/api/egress/requests').set('Authorization', owner)
    .send(draft({ clusters: [NAME], hosts: ['api.during.example.com'] }));
  expect(created.status).toBe(201);
  const pending: string = created.body.id;

  // The cluster goes down (etcd's data kept), then a backend starts on the same database.
  await stopCluster(NAME);
  const backend = await startClusterBackend(cluster, knex);
  const approved = await request(backend.server).post(`/api/egress/requests/${pending}/approve`).set('Authorization', platform).send({});
  expect(approved.status).toBeLessThan(300);
  for (let pass = 0; pass < 3; pass++) await backend.reconcile();

  const down = await detailOf(backend, applied);
  expect(down.targets[0]).toEqual(expect.objectContaining({ status: 'applied', sync: 'unknown', attempts: 1 }));
  expect(down.request.displayState.status).toBe('unknown');
  expect(actionsOf(down)).not.toContain('drift');
  expect(actionsOf(down).filter(a => a === 'applied')).toHaveLength(1);
  const waiting = await detailOf(backend, pending);
  expect(waiting.request.status).toBe('approved');
  expect(waiting.targets[0].status).not.toBe('applied');

  // The cluster comes back: the cache syncs, nothing drifted, the waiting request is applied.
  cluster = await startCluster({ name: NAME, keepData: true });
  await until('the cache to sync', async () => ((await detailOf(backend, applied)).targets[0].sync === 'in-sync' ? true : undefined), 60_000, 500);
  const done = await converged(backend, pending, 90_000);
  expect(done.targets[0]).toEqual(expect.objectContaining({ status: 'applied', sync: 'in-sync' }));
  expect((await objectsOf(cluster, pending)).map(o => o.kind).sort()).toEqual(['DestinationRule', 'ServiceEntry', 'VirtualService']);

  const after = await detailOf(backend, applied);
  expect(actionsOf(after)).not.toContain('drift');
  expect(after.targets[0].attempts).toBe(1);
  // Never re-applied: the objects are the ones the first backend wrote.
  expect(await objectsOf(cluster, applied)).toEqual(objects);
});
