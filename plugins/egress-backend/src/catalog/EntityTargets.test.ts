import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ENTITIES, ENTITY_REF, NAMESPACE_OWNERS, USERS, demoPermissions } from '../__testUtils__/fakes';
import { EntityTargetResolver } from './EntityTargets';

describe('EntityTargetResolver, the view cache', () => {
  const caller = mockCredentials.user(USERS.owner.ref);

  function resolver(entityCacheMs: number) {
    const catalog = catalogServiceMock({ entities: ENTITIES });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const targets = new EntityTargetResolver({
      catalog,
      auth: mockServices.auth(),
      entityCacheMs,
      clusterNames: () => ['dev'],
      clusterSettings: () => ({}),
      readNamespace: async () => undefined,
      ownership: 'config',
      owners: NAMESPACE_OWNERS,
    });
    return { targets, getEntityByRef };
  }

  it('reads the entity again once the cache window has passed', async () => {
    const { targets, getEntityByRef } = resolver(50);
    const readAs = demoPermissions();
    await targets.resolve(ENTITY_REF, caller, { verifyOwnership: false, readAs });
    await targets.resolve(ENTITY_REF, caller, { verifyOwnership: false, readAs });
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
    await new Promise(r => setTimeout(r, 80));
    const again = await targets.resolve(ENTITY_REF, caller, { verifyOwnership: false, readAs });
    expect(again.namespace).toBe('payments');
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
  });

  it('never serves a write (verifyOwnership) from the cache', async () => {
    const { targets, getEntityByRef } = resolver(60_000);
    const readAs = demoPermissions();
    await targets.resolve(ENTITY_REF, caller, { verifyOwnership: false, readAs });
    await targets.resolve(ENTITY_REF, caller, { verifyOwnership: true, readAs, clusters: ['dev'] });
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
    expect((getEntityByRef.mock.calls[1][1] as { credentials: unknown }).credentials).toBe(caller);
  });

  it('shares one catalog read between views that arrive together', async () => {
    const { targets, getEntityByRef } = resolver(60_000);
    const readAs = demoPermissions();
    const all = await Promise.all(
      Array.from({ length: 5 }, () => targets.resolve(ENTITY_REF, caller, { verifyOwnership: false, readAs })),
    );
    expect(all.map(t => t.namespace)).toEqual(Array(5).fill('payments'));
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
  });
});
