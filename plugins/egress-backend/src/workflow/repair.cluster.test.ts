/**
 * Drift repair on a real test cluster: a managed resource deleted behind the
 * plugin's back is re-applied within one reconcile interval, and when the
 * repair fails (the cluster's admission policy refuses it) the target says
 * so and the repair is retried at its announced time, until it succeeds.
 */
import { ClusterInfo, startCluster, stopCluster } from '@backstage-egress/testenv';
import { startClusterBackend } from '../__testUtils__/clusterBackend';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';
import { converged, createAndApprove, detailOf, kubectl, objectsOf, refuseServiceEntriesOf, until } from '../__testUtils__/faults';

jest.setTimeout(120_000);

const NAME = 't-repair';
/** The backend's reconcileIntervalSeconds (clusterBackend's config); the test runs a pass that often. */
const INTERVAL_MS = 1_000;
let cluster: ClusterInfo;
let backend: Awaited<ReturnType<typeof startClusterBackend>>;
const databases = createTestDatabases();

beforeAll(async () => {
  cluster = await startCluster({ name: NAME });
  backend = await startClusterBackend(cluster, await databases.init('SQLITE_3'));
}, 300_000);

afterAll(async () => {
  await stopCluster(NAME);
}, 120_000);

const serviceEntryOf = async (id: string) => (await objectsOf(cluster, id)).find(o => o.kind === 'ServiceEntry');

/** Deletes the request's ServiceEntry as admin and waits until the backend's cache sees it gone. */
async function deleteServiceEntry(id: string) {
  const entry = (await serviceEntryOf(id))!;
  await kubectl(cluster, ['delete', 'serviceentry', '-n', 'payments', entry.name]);
  await until('the cache to see the deletion', async () => ((await detailOf(backend, id)).targets[0].sync === 'drifted' ? true : undefined), 15_000, 100);
  return Date.now();
}

it('re-applies a deleted managed resource within one reconcile interval', async () => {
  const id = await createAndApprove(backend, draft({ clusters: [NAME], hosts: ['api.repair-once.example.com'], viaEgressGateway: false }));
  await converged(backend, id);
  const deletedAt = await deleteServiceEntry(id);

  await until('the ServiceEntry to be back', async () => {
    await backend.reconcile();
    return (await serviceEntryOf(id)) ? true : undefined;
  }, 10_000, INTERVAL_MS);
  expect(Date.now() - deletedAt).toBeLessThanOrEqual(INTERVAL_MS + 1_000);
  const detail = await detailOf(backend, id);
  expect(detail.targets[0]).toEqual(expect.objectContaining({ status: 'applied', sync: 'in-sync' }));
  expect(detail.events.filter((e: { action: string }) => e.action === 'drift')).toHaveLength(1);
});

it('retries a failed repair at its announced time and re-applies once the cause is gone', async () => {
  const id = await createAndApprove(backend, draft({ clusters: [NAME], hosts: ['api.repair-retry.example.com'], viaEgressGateway: false }));
  await converged(backend, id);
  const policy = await refuseServiceEntriesOf(cluster, id);
  await deleteServiceEntry(id);

  // The first repair is refused: the target says why and when it retries, the request is degraded.
  const failed = await until('the repair to fail', async () => {
    await backend.reconcile();
    const detail = await detailOf(backend, id);
    return detail.targets[0].status === 'failed' ? detail : undefined;
  }, 10_000, INTERVAL_MS);
  expect(failed.targets[0].lastError).toContain('refused by the fault test');
  expect(failed.targets[0].nextAttemptAt).toBeDefined();
  expect(failed.request.displayState.status).toBe('degraded');
  expect(failed.request.displayState.message).toContain('retrying at');
  expect(await serviceEntryOf(id)).toBeUndefined();

  // Passes before the announced time leave it alone; the cause is lifted meanwhile.
  await policy.remove();
  const retryAt = Date.parse(failed.targets[0].nextAttemptAt);
  expect(retryAt).toBeGreaterThan(Date.now());
  await backend.reconcile();
  expect((await detailOf(backend, id)).targets[0].attempts).toBe(failed.targets[0].attempts);

  await until('the ServiceEntry to be back', async () => {
    await backend.reconcile();
    return (await serviceEntryOf(id)) ? true : undefined;
  }, retryAt - Date.now() + 10_000, INTERVAL_MS);
  expect(Date.now()).toBeLessThanOrEqual(retryAt + INTERVAL_MS + 1_000);
  const detail = await detailOf(backend, id);
  expect(detail.request.status).toBe('active');
  expect(detail.targets[0]).toEqual(expect.objectContaining({ status: 'applied', sync: 'in-sync', attempts: failed.targets[0].attempts + 1 }));
  expect(detail.targets[0].lastError).toBeUndefined();
  expect(detail.events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['drift', 'apply-failed', 'applied']));
});
