/**
 * A worker slower than its lease: another replica takes the target over and
 * records its own outcome; the slow worker's late outcome and events are
 * dropped, so the trail holds one apply, not two.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft, fakeClusters, USERS } from '../__testUtils__/fakes';
import { createWorkflow } from '../__testUtils__/workflow';
import { EgressAuditor } from './audit';
import { TargetLeases, TargetOutcome } from './targetLease';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('target leases on %p', databaseId => {
  it('drops the outcome and events of a worker whose lease another took over', async () => {
    const knex = await databases.init(databaseId);
    const { clients } = fakeClusters('dev', 'prod');
    const { store, service } = await createWorkflow(knex, { clients, reconcilerEnabled: false });
    const created = await service.create(draft({ hosts: ['api.lease.example'], clusters: ['dev'] }), mockCredentials.user(USERS.owner.ref));
    await service.approve(created.id, 'ok', mockCredentials.user(USERS.platform.ref));
    const [target] = await store.getTargets(created.id);
    const before = (await store.listEvents(created.id)).length;

    const report = jest.fn(async () => {});
    const auditor = { report } as unknown as EgressAuditor;
    let now = new Date('2026-12-02T08:00:00Z');
    const slow = new TargetLeases({ store, auditor, now: () => now, leaseMs: 1_000 });
    const other = new TargetLeases({ store, auditor, now: () => now, leaseMs: 1_000 });
    const outcome = (by: string): TargetOutcome => ({
      update: { status: 'applied', attempts: 1, appliedAt: now.toISOString() },
      events: [{ actor: by, action: 'applied', cluster: 'dev' }],
    });

    const slowRan = await slow.withLease(target, async () => {
      now = new Date(now.getTime() + 5_000); // the lease has expired meanwhile
      expect(await other.withLease(target, async () => outcome('other'))).toBe(true);
      return outcome('slow');
    });

    expect(slowRan).toBe(true);
    const added = (await store.listEvents(created.id)).slice(before);
    expect(added.map(e => e.actor)).toEqual(['other']);
    expect(report).toHaveBeenCalledTimes(1);
  });
});
