import { NamespaceInventory } from '@backstage-egress/plugin-egress-common';
import { unmanagedNamespaceSidecars } from './overlaps';

function inventory(cluster: string, sidecar: { name: string; managed: boolean } | undefined): NamespaceInventory {
  return {
    cluster,
    namespace: 'checkout',
    synced: true,
    sidecarMode: sidecar ? 'REGISTRY_ONLY' : undefined,
    sidecarOverride: sidecar?.name,
    resources: sidecar
      ? [{ kind: 'Sidecar', namespace: 'checkout', name: sidecar.name, managed: sidecar.managed, hosts: [], addresses: [], ports: [] }]
      : [],
  } as NamespaceInventory;
}

describe('unmanagedNamespaceSidecars', () => {
  const draft = { namespace: 'checkout', clusters: ['dev-eu', 'dev-us'], lockdownNamespace: true };

  it('warns per cluster where a namespace-wide Sidecar we do not manage exists', () => {
    const issues = unmanagedNamespaceSidecars(draft, [
      inventory('dev-eu', undefined),
      inventory('dev-us', { name: 'restrict-outbound', managed: false }),
    ]);
    expect(issues).toEqual([
      expect.objectContaining({ path: 'lockdownNamespace', code: 'namespace-sidecar-exists' }),
    ]);
    expect(issues[0].message).toContain('Sidecar checkout/restrict-outbound on cluster dev-us');
  });

  it('says nothing for our own lockdown Sidecar, without lockdown, or on clusters the draft does not target', () => {
    const own = [inventory('dev-us', { name: 'egress-lockdown', managed: true })];
    const theirs = [inventory('dev-us', { name: 'restrict-outbound', managed: false })];
    expect(unmanagedNamespaceSidecars(draft, own)).toEqual([]);
    expect(unmanagedNamespaceSidecars({ ...draft, lockdownNamespace: false }, theirs)).toEqual([]);
    expect(unmanagedNamespaceSidecars({ ...draft, clusters: ['dev-eu'] }, theirs)).toEqual([]);
  });
});
