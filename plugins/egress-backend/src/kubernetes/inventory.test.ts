import { renderSharedGateway, resolveClusterSettings } from '@backstage-egress/plugin-egress-common';
import { describeResource, inventoryJson as parts, jsonPartsBuffer, jsonWithRaw as rawParts } from './inventory';

const inventoryJson = (...args: Parameters<typeof parts>) => jsonPartsBuffer(parts(...args)).toString();
const jsonWithRaw = (object: object, key: string, raw: string, after?: object) => jsonPartsBuffer(rawParts(object, key, [raw], after)).toString();
import { NamespaceInventory } from './types';

describe('describeResource', () => {
  it('shows the hosts an AuthorizationPolicy of ours admits, by SNI', () => {
    const [policy] = renderSharedGateway(
      'edition.cnn.com',
      { namespaces: ['payments', 'checkout'], ports: [443] },
      resolveClusterSettings({ name: 'dev', egressGateway: { mode: 'mutual' } }),
    );
    expect(policy.kind).toBe('AuthorizationPolicy');
    expect(describeResource('AuthorizationPolicy', policy as any)).toEqual({
      kind: 'AuthorizationPolicy',
      namespace: 'istio-system',
      name: policy.metadata.name,
      managed: true,
      hosts: ['edition.cnn.com'],
      addresses: [],
      ports: [],
    });
  });
});

describe('inventoryJson', () => {
  const resource = { kind: 'ServiceEntry' as const, namespace: 'payments', name: 'a', managed: false, hosts: ['a.example.com'], addresses: [], ports: [443] };
  const entries: NamespaceInventory[] = [
    { cluster: 'dev', namespace: 'payments', meshMode: 'REGISTRY_ONLY', synced: true, lastEventAt: '2026-12-02T00:00:00.000Z', resources: [resource] },
    { cluster: 'gone', namespace: 'payments', synced: false, error: "Cluster 'gone' is not configured", resources: [] },
  ];

  it('is the JSON of the entries', () => {
    expect(JSON.parse(inventoryJson(entries))).toEqual(entries);
    expect(inventoryJson([])).toBe('[]');
  });

  it('serialises a shared resource list once: a later change to the list object is not seen', () => {
    const shared = [resource];
    const first = inventoryJson([{ ...entries[0], resources: shared }]);
    // Built inventories are never modified; this shows the list's JSON is remembered by list.
    shared.push({ ...resource, name: 'b' });
    expect(inventoryJson([{ ...entries[0], synced: false, resources: shared }])).toBe(first.replace('"synced":true', '"synced":false'));
  });

  it('shares the bytes of a resource list between calls instead of copying them', () => {
    const shared = [resource];
    const bytes = (p: ReturnType<typeof parts>) => p.filter(x => Buffer.isBuffer(x));
    const [first] = bytes(parts([{ ...entries[0], resources: shared }]));
    expect(bytes(parts([{ ...entries[0], synced: false, resources: shared }]))).toEqual([first]);
    expect(bytes(parts([{ ...entries[0], synced: false, resources: shared }]))[0]).toBe(first);
  });

  it('adds a raw member between two objects', () => {
    expect(JSON.parse(jsonWithRaw({ a: 1 }, 'b', '[2]', { c: 'x"y' }))).toEqual({ a: 1, b: [2], c: 'x"y' });
    expect(jsonWithRaw({}, 'b', 'null')).toBe('{"b":null}');
  });
});
