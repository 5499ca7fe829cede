import { parse } from 'yaml';
import { goldenCases, GOLDEN_CLUSTER } from './__fixtures__/goldenCases';
import { MANAGED_BY_LABEL, REQUEST_ID_LABEL, manifestsToYaml, specHash, KubernetesManifest } from './manifests';
import { renderManifests, RenderableRequest } from './render';
import { resolveClusterSettings } from './model';
import { GatewayPort, explainGatewayMode, gatewayUsageOf, mergeGatewayUsage, renderSharedGateway, sharedGatewayName } from './renderGateway';
const own = (manifests: KubernetesManifest[]) => manifests.filter(m => m.metadata.namespace === 'payments');
const shared = (manifests: KubernetesManifest[]) => manifests.filter(m => m.metadata.namespace === 'istio-system');

const golden = (name: string) => goldenCases.find(c => c.name === name)!.request;
const byKind = (manifests: KubernetesManifest[], kind: string) => manifests.filter(m => m.kind === kind);
const one = (manifests: KubernetesManifest[], kind: string) => {
  const found = byKind(manifests, kind);
  expect(found).toHaveLength(1);
  return found[0] as any;
};
const GW = 'istio-egressgateway.istio-system.svc.cluster.local';

describe('renderManifests: TLS through the gateway (the seed)', () => {
  const manifests = renderManifests(golden('tls-via-gateway'), GOLDEN_CLUSTER);
  const own = manifests.filter(m => m.metadata.namespace === 'payments');
  const shared = manifests.filter(m => m.metadata.namespace === 'istio-system');
  const se = one(own, 'ServiceEntry');
  const gwSe = one(shared, 'ServiceEntry');
  const dr = one(own, 'DestinationRule');
  const vs = one(own, 'VirtualService');
  const gw = one(shared, 'Gateway');
  const gwVs = one(shared, 'VirtualService');
  const gwRef = `istio-system/${gw.metadata.name}`;

  it("renders the request's SE, DR and mesh VS in its namespace, the host's Gateway and gateway VS in istio-system", () => {
    expect(manifests.map(m => `${m.kind} ${m.metadata.namespace}`)).toEqual([
      'ServiceEntry istio-system',
      'ServiceEntry payments',
      'Gateway istio-system',
      'DestinationRule payments',
      'VirtualService istio-system',
      'VirtualService payments',
    ]);
    for (const m of manifests) expect(m.apiVersion).toBe('networking.istio.io/v1');
    for (const m of own) {
      expect(m.metadata.labels).toEqual({ [MANAGED_BY_LABEL]: 'backstage-egress', [REQUEST_ID_LABEL]: 'req-cnn-tls' });
      expect(m.metadata.annotations).toEqual({
        'egress.backstage.io/entity-ref': 'component:default/payments-api',
        'egress.backstage.io/requested-by': 'user:default/alice',
        'egress.backstage.io/approved-by': 'user:default/bob',
        'egress.backstage.io/expires-at': '2030-01-15T00:00:00.000Z',
      });
    }
    for (const m of shared) {
      // Shared by every request using the host: no request id, named after the host only.
      expect(m.metadata.labels).toEqual({ [MANAGED_BY_LABEL]: 'backstage-egress', 'egress.backstage.io/shared': 'gateway' });
      expect(m.metadata.name).toBe(sharedGatewayName('edition.cnn.com'));
    }
  });

  it('registers the host as an external DNS service in the namespace, and once for the gateway', () => {
    const spec = {
      hosts: ['edition.cnn.com'],
      ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      exportTo: ['.'],
    };
    expect(se.spec).toEqual(spec);
    expect(gwSe.spec).toEqual(spec);
  });

  it('opens a TLS passthrough server on the egress gateway', () => {
    expect(gw.spec).toEqual({
      selector: { istio: 'egressgateway' },
      servers: [
        { port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: ['./edition.cnn.com'], tls: { mode: 'PASSTHROUGH' } },
      ],
    });
  });

  it('defines a subset of the gateway service named after the route, without TLS settings', () => {
    expect(dr.spec).toEqual({ host: GW, exportTo: ['.'], subsets: [{ name: dr.metadata.name }] });
  });

  it('routes mesh SNI traffic to the gateway in the namespace only, and gateway traffic to the host', () => {
    expect(vs.spec).toEqual({
      hosts: ['edition.cnn.com'],
      gateways: ['mesh'],
      exportTo: ['.'],
      tls: [
        {
          match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }],
          route: [{ destination: { host: GW, subset: dr.spec.subsets[0].name, port: { number: 443 } } }],
        },
      ],
    });
    expect(gwVs.spec).toEqual({
      hosts: ['edition.cnn.com'],
      gateways: [gwRef],
      exportTo: ['.'],
      tls: [
        {
          match: [{ gateways: [gwRef], port: 443, sniHosts: ['edition.cnn.com'] }],
          route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }],
        },
      ],
    });
  });

  it('renders the shared objects for every user of the host: the same whichever request renders them', () => {
    const others = { 'edition.cnn.com': { namespaces: ['checkout'], ports: [80] as GatewayPort[] } };
    const mine = renderManifests(golden('tls-via-gateway'), GOLDEN_CLUSTER, others).filter(m => m.metadata.namespace === 'istio-system');
    const theirs = renderSharedGateway('edition.cnn.com', mergeGatewayUsage(others, gatewayUsageOf({ ...golden('tls-via-gateway'), hosts: ['edition.cnn.com'] } as any))['edition.cnn.com'], resolveClusterSettings(GOLDEN_CLUSTER));
    expect(mine).toEqual(theirs);
    expect((one(mine, 'Gateway') as any).spec.servers.map((s: any) => s.port.number)).toEqual([443, 80]);
  });
});

describe('renderManifests: mutual mode', () => {
  const cluster = { name: 'demo', egressGateway: { mode: 'mutual' as const } };
  const others = { 'edition.cnn.com': { namespaces: ['checkout', 'orders'], ports: [443] as GatewayPort[] } };
  const manifests = renderManifests(golden('tls-via-gateway'), cluster, others);

  it('originates Istio mutual TLS with the host as SNI toward the gateway', () => {
    const dr = one(manifests, 'DestinationRule');
    expect(dr.spec.subsets).toEqual([
      { name: dr.spec.subsets[0].name, trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } }] } },
    ]);
    const gw = one(manifests, 'Gateway');
    expect(gw.spec.servers[0].tls).toEqual({ mode: 'ISTIO_MUTUAL' });
  });

  it('admits only the namespaces granted the host, by SNI, on the gateway; the policy comes first', () => {
    expect(manifests[0].kind).toBe('AuthorizationPolicy');
    expect(manifests[0].apiVersion).toBe('security.istio.io/v1');
    expect(manifests[0].metadata.namespace).toBe('istio-system');
    expect(manifests[0].spec).toEqual({
      selector: { matchLabels: { istio: 'egressgateway' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['checkout', 'orders', 'payments'] } }], when: [{ key: 'connection.sni', values: ['edition.cnn.com'] }] }],
    });
  });

  it('forwards the workload TLS as TCP from the gateway to the host', () => {
    const gwVs = byKind(manifests, 'VirtualService').find(m => m.metadata.namespace === 'istio-system') as any;
    expect(gwVs.spec.tcp).toEqual([
      { match: [{ gateways: [`istio-system/${gwVs.metadata.name}`], port: 443 }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }] },
    ]);
    expect(gwVs.spec.tls).toBeUndefined();
  });
});

describe('renderManifests: variants', () => {
  it('routes HTTP 80 through the gateway with http routes', () => {
    const manifests = renderManifests(golden('http-via-gateway'), GOLDEN_CLUSTER);
    const gw = one(manifests, 'Gateway');
    const vs = one(own(manifests), 'VirtualService');
    const gwVs = one(shared(manifests), 'VirtualService');
    const subset = one(manifests, 'DestinationRule').spec.subsets[0].name;
    expect(gw.spec.servers).toEqual([{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['./edition.cnn.com'] }]);
    const gwRef = `istio-system/${gw.metadata.name}`;
    expect(vs.spec.http).toEqual([
      { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: GW, subset, port: { number: 80 } } }] },
    ]);
    expect(gwVs.spec.http).toEqual([
      { match: [{ gateways: [gwRef], port: 80 }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } } }] },
    ]);
    expect(vs.spec.tls).toBeUndefined();
  });

  it('renders only a ServiceEntry for direct access', () => {
    const manifests = renderManifests(golden('direct'), GOLDEN_CLUSTER);
    expect(manifests.map(m => m.kind)).toEqual(['ServiceEntry']);
    expect(manifests[0].spec.exportTo).toEqual(['.']);
  });

  it('renders wildcards with NONE', () => {
    const [se] = renderManifests(golden('wildcard-none'), GOLDEN_CLUSTER);
    expect(se.spec).toMatchObject({ hosts: ['*.googleapis.com'], resolution: 'NONE' });
  });

  it('gives an address-only ServiceEntry a synthetic .invalid host', () => {
    const [se] = renderManifests(golden('cidr-tcp'), GOLDEN_CLUSTER);
    expect(se.spec).toMatchObject({
      hosts: [`${se.metadata.name}.egress.invalid`],
      addresses: ['203.0.113.0/24'],
      ports: [{ number: 5432, name: 'tcp-5432', protocol: 'TCP' }],
      resolution: 'NONE',
    });
  });

  it('renders one VirtualService per host and both servers for multi-port', () => {
    const manifests = renderManifests(golden('multi-port'), GOLDEN_CLUSTER);
    const vss = byKind(own(manifests), 'VirtualService') as any[];
    expect(vss.map(v => v.spec.hosts[0])).toEqual(['api.github.com', 'uploads.github.com']);
    expect(new Set(vss.map(v => v.metadata.name)).size).toBe(2);
    for (const v of vss) {
      expect(v.spec.tls).toHaveLength(1);
      expect(v.spec.http).toHaveLength(1);
    }
    const gws = byKind(manifests, 'Gateway') as any[];
    expect(gws).toHaveLength(2);
    for (const gw of gws) expect(gw.spec.servers.map((s: any) => s.port.name)).toEqual(['tls-443', 'http-80']);
    expect(one(own(manifests), 'ServiceEntry').spec.ports.map((p: any) => p.name)).toEqual(['http-80', 'https-443']);
  });

  it('lists STATIC endpoints', () => {
    const [se] = renderManifests(golden('static-endpoints'), GOLDEN_CLUSTER);
    expect(se.spec).toMatchObject({ resolution: 'STATIC', endpoints: [{ address: '198.51.100.10' }, { address: '198.51.100.11' }] });
  });

  it('adds the shared lockdown Sidecar last', () => {
    const manifests = renderManifests(golden('lockdown-sidecar'), GOLDEN_CLUSTER);
    const sidecar = manifests[manifests.length - 1] as any;
    expect(sidecar.kind).toBe('Sidecar');
    expect(sidecar.metadata).toEqual({
      name: 'egress-lockdown',
      namespace: 'payments',
      labels: { [MANAGED_BY_LABEL]: 'backstage-egress', 'egress.backstage.io/shared': 'namespace' },
    });
    expect(sidecar.spec).toEqual({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
  });

  it('uses the cluster gateway settings', () => {
    const manifests = renderManifests(golden('tls-via-gateway'), {
      name: 'prod',
      istioNamespace: 'istio-system',
      egressGateway: { selector: { app: 'egress', tier: 'edge' }, serviceHost: 'egress.istio-egress.svc.cluster.local' },
    });
    expect(one(own(manifests), 'ServiceEntry').spec.exportTo).toEqual(['.']);
    expect(one(manifests, 'Gateway').spec.selector).toEqual({ app: 'egress', tier: 'edge' });
    expect(one(manifests, 'DestinationRule').spec.host).toBe('egress.istio-egress.svc.cluster.local');
    expect(one(own(manifests), 'VirtualService').spec.exportTo).toEqual(['.']);
    expect(one(manifests, 'Gateway').metadata.namespace).toBe('istio-egress');
  });

  it('fills cluster defaults', () => {
    expect(resolveClusterSettings({ name: 'x' })).toEqual({
      name: 'x',
      istioNamespace: 'istio-system',
      egressGateway: { selector: { istio: 'egressgateway' }, serviceHost: GW, namespace: 'istio-system', mode: 'passthrough' },
    });
    expect(resolveClusterSettings({ name: 'x', istioNamespace: 'mesh' }).egressGateway.serviceHost).toBe(
      'istio-egressgateway.mesh.svc.cluster.local',
    );
  });

  it('omits unknown people and approval of a rejected request', () => {
    const { requestedBy, decidedBy, status, ...rest } = golden('direct');
    const [plain] = renderManifests({ ...rest, expiresAt: undefined }, GOLDEN_CLUSTER);
    expect(plain.metadata.annotations).toEqual({ 'egress.backstage.io/entity-ref': 'component:default/payments-api' });
    const [rejected] = renderManifests({ ...golden('direct'), status: 'rejected' }, GOLDEN_CLUSTER);
    expect(rejected.metadata.annotations).not.toHaveProperty('egress.backstage.io/approved-by');
  });
});

describe('renderManifests: safety and determinism', () => {
  it('refuses invalid requests and ids that cannot be labels', () => {
    expect(() => renderManifests({ ...golden('direct'), hosts: ['*'] }, GOLDEN_CLUSTER)).toThrow('hosts[0]');
    expect(() => renderManifests({ ...golden('direct'), id: 'not a label' }, GOLDEN_CLUSTER)).toThrow('label');
  });

  it('still renders a stored request whose expiry has passed or whose justification is short', () => {
    const stored: RenderableRequest = { ...golden('direct'), expiresAt: '2001-01-01T00:00:00Z', justification: 'ok' };
    expect(renderManifests(stored, GOLDEN_CLUSTER)).toHaveLength(1);
  });

  it('renders normalised input like its normal form', () => {
    const messy = { ...golden('tls-via-gateway'), hosts: [' Edition.CNN.com. '], ports: [{ number: 443, protocol: 'tls' as any }] };
    expect(renderManifests(messy, GOLDEN_CLUSTER)).toEqual(renderManifests(golden('tls-via-gateway'), GOLDEN_CLUSTER));
  });

  it('produces YAML that parses back to the manifests', () => {
    const manifests = renderManifests(golden('multi-port'), GOLDEN_CLUSTER);
    const docs = manifestsToYaml(manifests).split(/^---\n/m).map(d => parse(d));
    expect(docs).toEqual(JSON.parse(JSON.stringify(manifests)));
  });

  it('hashes stably, ignoring key order, and changes with the spec', () => {
    const a = renderManifests(golden('tls-via-gateway'), GOLDEN_CLUSTER);
    const b = renderManifests(golden('tls-via-gateway'), GOLDEN_CLUSTER);
    expect(specHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(specHash(a)).toBe(specHash(b));
    const reordered = a.map(m => ({ spec: m.spec, metadata: m.metadata, kind: m.kind, apiVersion: m.apiVersion }));
    expect(specHash(reordered)).toBe(specHash(a));
    const changed = renderManifests({ ...golden('tls-via-gateway'), expiresAt: '2030-01-16T00:00:00Z' }, GOLDEN_CLUSTER);
    expect(specHash(changed)).not.toBe(specHash(a));
  });
});

describe('explainGatewayMode', () => {
  const modes: Record<string, 'passthrough' | 'mutual'> = { dev: 'passthrough', prod: 'mutual' };
  it('says in one sentence per cluster what the mode means for the draft', () => {
    const via = explainGatewayMode({ namespace: 'payments', clusters: ['dev', 'prod'], viaEgressGateway: true }, c => modes[c]);
    expect(via.map(i => [i.path, i.code])).toEqual([['viaEgressGateway', 'gateway-mode'], ['viaEgressGateway', 'gateway-mode']]);
    expect(via[0].message).toMatch(/cluster dev .* passthrough mode: .* does not check which namespace sent it$/);
    expect(via[1].message).toMatch(/cluster prod .* mutual mode: sidecars in payments reach it over Istio mutual TLS/);
    // Direct access: only the mutual cluster needs saying (passthrough is the no-gateway warning).
    const direct = explainGatewayMode({ namespace: 'payments', clusters: ['dev', 'prod'], viaEgressGateway: false }, c => modes[c]);
    expect(direct.map(i => i.message)).toEqual([expect.stringMatching(/cluster prod .* not covered by that enforcement$/)]);
  });
});
