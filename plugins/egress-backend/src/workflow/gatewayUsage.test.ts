import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft, fakeClusters, USERS } from '../__testUtils__/fakes';
import { createWorkflow } from '../__testUtils__/workflow';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const owner = mockCredentials.user(USERS.owner.ref);
const platform = mockCredentials.user(USERS.platform.ref);
const ENTITY = 'component:default/payments';

describe.each(databases.eachSupportedId())('gateway use read for a view on %p', databaseId => {
  async function grantedThroughGateway(count: number) {
    const knex = await databases.init(databaseId);
    const { clients } = fakeClusters('dev', 'prod');
    const workflow = await createWorkflow(knex, { clients });
    for (let i = 0; i < count; i++) await approveNew(workflow, i);
    return workflow;
  }

  async function approveNew(workflow: Awaited<ReturnType<typeof createWorkflow>>, i: number, overrides = {}) {
    const created = await workflow.service.create(draft({ hosts: [`api${i}.stripe.com`, 'shared.stripe.com'], ...overrides }), owner);
    await workflow.service.approve(created.id, undefined, platform);
    // Approve answers before any cluster call; the woken reconciler applies it.
    await workflow.reconciler.idle();
  }

  it('reads the granted requests of each cluster once per view, not once per target', async () => {
    const knex = await databases.init(databaseId);
    const { clients } = fakeClusters('dev', 'prod');
    const { service, store, reconciler } = await createWorkflow(knex, { clients });
    for (let i = 0; i < 4; i++) {
      const created = await service.create(draft({ hosts: [`api${i}.stripe.com`] }), owner);
      await service.approve(created.id, undefined, platform);
    }
    await reconciler.idle();
    const listRequests = jest.spyOn(store, 'listRequests');
    const { requests, targets } = await service.entityRequests(ENTITY, owner);
    expect(requests).toHaveLength(4);
    expect(targets.map(t => t.sync)).toEqual(Array(8).fill('in-sync'));
    const usageReads = listRequests.mock.calls.filter(([filter]) => filter.cluster !== undefined);
    expect(usageReads.map(([filter]) => filter.cluster).sort()).toEqual(['dev', 'prod']);
  });

  it('sees a request granted after the previous view', async () => {
    const workflow = await grantedThroughGateway(1);
    expect((await workflow.service.entityRequests(ENTITY, owner)).targets.map(t => t.sync)).toEqual(['in-sync', 'in-sync']);
    // Another namespace's request shares a host with the first: the shared objects now carry both namespaces' use.
    await approveNew(workflow, 1, { entityRef: 'component:default/limited', clusters: ['dev'] });
    const { targets } = await workflow.service.entityRequests(ENTITY, owner);
    expect(targets.map(t => t.sync)).toEqual(['in-sync', 'in-sync']);
    expect((await workflow.service.entityRequests('component:default/limited', owner)).targets.map(t => t.sync)).toEqual(['in-sync']);
  });
});
