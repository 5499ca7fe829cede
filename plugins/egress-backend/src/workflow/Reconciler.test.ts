import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft, fakeClusters, USERS } from '../__testUtils__/fakes';
import { createWorkflow } from '../__testUtils__/workflow';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const owner = mockCredentials.user(USERS.owner.ref);
const platform = mockCredentials.user(USERS.platform.ref);

describe.each(databases.eachSupportedId())('per-target reconciliation on %p', databaseId => {
  async function activeRequest() {
    const knex = await databases.init(databaseId);
    const { clusters, clients } = fakeClusters('dev', 'prod');
    const workflow = await createWorkflow(knex, { clients });
    const created = await workflow.service.create(draft(), owner);
    await workflow.service.approve(created.id, undefined, platform);
    await workflow.reconciler.idle();
    expect((await workflow.store.getRequest(created.id))!.status).toBe('active');
    return { ...workflow, clusters, id: created.id };
  }

  it('retries a failed drift repair with backoff until the resource is back, and says so meanwhile', async () => {
    const { service, reconciler, store, clusters, clock, id } = await activeRequest();
    for (const o of clusters.dev.ownedBy({ namespace: 'payments', requestId: id })) {
      clusters.dev.objects.delete(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    }
    clusters.dev.failNextApplies = 1;
    await reconciler.tick();
    const [dev] = (await store.getTargets(id)).filter(t => t.cluster === 'dev');
    expect(dev).toMatchObject({ status: 'failed', lastError: expect.stringContaining('refused'), nextAttemptAt: expect.any(String) });
    const view = await service.view((await store.getRequest(id))!, platform);
    expect(view.displayState).toEqual({
      status: 'degraded',
      message: `Degraded: 1 of 2 clusters failing: dev: ${dev.lastError}, retrying at ${dev.nextAttemptAt}`,
      nextAttemptAt: dev.nextAttemptAt,
    });

    // Before its next attempt nothing is retried; after it, the repair is made.
    await reconciler.tick();
    expect(clusters.dev.ownedBy({ namespace: 'payments', requestId: id })).toHaveLength(0);
    clock.advance(new Date(dev.nextAttemptAt!).getTime() - clock.now().getTime() + 1);
    await reconciler.tick();
    expect(clusters.dev.ownedBy({ namespace: 'payments', requestId: id })).toHaveLength(3);
    expect((await store.getTargets(id)).map(t => t.status)).toEqual(['applied', 'applied']);
    const healed = await service.view((await store.getRequest(id))!, platform);
    expect(healed.displayState?.status).toBe('active');
  });

  it('reads an unsynced cache as unknown, never as drift, and converges once it syncs', async () => {
    const { service, reconciler, store, clusters, id } = await activeRequest();
    const calls = clusters.dev.applyCalls;
    clusters.dev.synced = false;
    await reconciler.tick();
    await reconciler.tick();
    expect(clusters.dev.applyCalls).toBe(calls);
    expect((await store.listEvents(id)).filter(e => e.action === 'drift')).toEqual([]);
    const detail = await service.get(id, platform);
    expect(detail.targets.map(t => [t.cluster, t.status, t.sync])).toEqual([
      ['dev', 'applied', 'unknown'],
      ['prod', 'applied', 'in-sync'],
    ]);
    expect(detail.request.displayState?.status).toBe('unknown');

    clusters.dev.synced = true;
    await reconciler.tick();
    expect(clusters.dev.applyCalls).toBe(calls);
    expect((await service.get(id, platform)).request.displayState?.status).toBe('active');
  });

  it('caps the retry backoff at five minutes', async () => {
    const knex = await databases.init(databaseId);
    const { clusters, clients } = fakeClusters('dev', 'prod');
    const { service, reconciler, store, clock } = await createWorkflow(knex, { clients });
    clusters.dev.down = true;
    const created = await service.create(draft(), owner);
    await service.approve(created.id, undefined, platform);
    await reconciler.idle();
    for (let i = 0; i < 8; i++) {
      const [dev] = (await store.getTargets(created.id)).filter(t => t.cluster === 'dev');
      expect(new Date(dev.nextAttemptAt!).getTime() - clock.now().getTime()).toBeLessThanOrEqual(5 * 60_000);
      clock.advance(new Date(dev.nextAttemptAt!).getTime() - clock.now().getTime() + 1);
      await reconciler.tick();
    }
    const [dev] = (await store.getTargets(created.id)).filter(t => t.cluster === 'dev');
    expect(dev.attempts).toBe(9);
    expect(new Date(dev.nextAttemptAt!).getTime() - clock.now().getTime()).toBe(5 * 60_000);
  });
});
