import { KIND_ORDER, RESOURCE_KINDS, renderedApiVersion, resourceKind } from './kinds';
import { renderManifests } from './render';

describe('kind registry', () => {
  it('lists each kind once, with group, versions and plural', () => {
    expect(new Set(KIND_ORDER).size).toBe(RESOURCE_KINDS.length);
    for (const k of RESOURCE_KINDS) {
      expect(k.group).toMatch(/^[a-z0-9.]+$/);
      expect(k.versions.length).toBeGreaterThan(0);
      expect(k.plural).toMatch(/^[a-z]+s$/);
    }
    expect(resourceKind('Pod')).toBeUndefined();
  });

  it('covers every rendered kind, in registry order, with its apiVersion', () => {
    const manifests = renderManifests(
      {
        id: 'r1',
        entityRef: 'component:default/payments',
        namespace: 'payments',
        clusters: ['dev'],
        hosts: ['api.stripe.com'],
        addresses: [],
        ports: [{ number: 443, protocol: 'TLS' }],
        resolution: 'DNS',
        endpoints: [],
        viaEgressGateway: true,
        justification: 'Payments',
        lockdownNamespace: true,
        namespaceNetworkPolicy: true,
      },
      { name: 'dev', egressGateway: { mode: 'mutual' } },
    );
    const kinds = manifests.map(m => m.kind);
    expect(new Set(kinds)).toEqual(new Set(KIND_ORDER));
    const order = kinds.map(k => KIND_ORDER.indexOf(k as any));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const m of manifests) expect(m.apiVersion).toBe(renderedApiVersion(m.kind as any));
  });
});
