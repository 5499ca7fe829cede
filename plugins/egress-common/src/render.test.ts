import { parse } from 'yaml';
import { goldenCases, GOLDEN_CLUSTER } from './__fixtures__/goldenCases';
import { MANAGED_BY_LABEL, REQUEST_ID_LABEL, manifestsToYaml, specHash, KubernetesManifest } from './manifests';
import { renderManifests, RenderableRequest } from './render';
import { resolveClusterSettings } from './model';

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
  const se = one(manifests, 'ServiceEntry');
  const gw = one(manifests, 'Gateway');
  const dr = one(manifests, 'DestinationRule');
  const vs = one(manifests, 'VirtualService');
  const gwRef = `payments/${gw.metadata.name}`;

  it('renders SE, Gateway, DR, VS in that order, all networking.istio.io/v1 in the request namespace', () => {
    expect(manifests.map(m => m.kind)).toEqual(['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']);
    for (const m of manifests) {
      expect(m.apiVersion).toBe('networking.istio.io/v1');
      expect(m.metadata.namespace).toBe('payments');
      expect(m.metadata.labels).toEqual({ [MANAGED_BY_LABEL]: 'backstage-egress', [REQUEST_ID_LABEL]: 'req-cnn-tls' });
      expect(m.metadata.annotations).toEqual({
        'egress.backstage.io/entity-ref': 'component:default/payments-api',
        'egress.backstage.io/requested-by': 'user:default/alice',
        'egress.backstage.io/approved-by': 'user:default/bob',
        'egress.backstage.io/expires-at': '2030-01-15T00:00:00.000Z',
      });
    }
  });

  it('registers the host as an external DNS service visible to the gateway', () => {
    expect(se.spec).toEqual({
      hosts: ['edition.cnn.com'],
      ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      exportTo: ['.', 'istio-system'],
    });
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
    expect(dr.spec).toEqual({ host: GW, exportTo: ['.'], subsets: [{ name: gw.metadata.name }] });
  });

  it('routes mesh SNI traffic to the gateway and gateway traffic to the host', () => {
    expect(vs.spec.hosts).toEqual(['edition.cnn.com']);
    expect(vs.spec.gateways).toEqual([gwRef, 'mesh']);
    expect(vs.spec.tls).toEqual([
      {
        match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }],
        route: [{ destination: { host: GW, subset: dr.spec.subsets[0].name, port: { number: 443 } } }],
      },
      {
        match: [{ gateways: [gwRef], port: 443, sniHosts: ['edition.cnn.com'] }],
        route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }],
      },
    ]);
    expect(vs.spec.http).toBeUndefined();
  });
});

describe('renderManifests: variants', () => {
  it('routes HTTP 80 through the gateway with http routes', () => {
    const manifests = renderManifests(golden('http-via-gateway'), GOLDEN_CLUSTER);
    const gw = one(manifests, 'Gateway');
    const vs = one(manifests, 'VirtualService');
    expect(gw.spec.servers).toEqual([{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['./edition.cnn.com'] }]);
    const gwRef = `payments/${gw.metadata.name}`;
    expect(vs.spec.http).toEqual([
      { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: GW, subset: gw.metadata.name, port: { number: 80 } } }] },
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
    const vss = byKind(manifests, 'VirtualService') as any[];
    expect(vss.map(v => v.spec.hosts[0])).toEqual(['api.github.com', 'uploads.github.com']);
    expect(new Set(vss.map(v => v.metadata.name)).size).toBe(2);
    for (const v of vss) {
      expect(v.spec.tls).toHaveLength(2);
      expect(v.spec.http).toHaveLength(2);
    }
    const gw = one(manifests, 'Gateway');
    expect(gw.spec.servers.map((s: any) => s.port.name)).toEqual(['tls-443', 'http-80']);
    expect(one(manifests, 'ServiceEntry').spec.ports.map((p: any) => p.name)).toEqual(['http-80', 'https-443']);
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
    expect(one(manifests, 'ServiceEntry').spec.exportTo).toEqual(['.', 'istio-egress']);
    expect(one(manifests, 'Gateway').spec.selector).toEqual({ app: 'egress', tier: 'edge' });
    expect(one(manifests, 'DestinationRule').spec.host).toBe('egress.istio-egress.svc.cluster.local');
    expect(one(manifests, 'VirtualService').spec.exportTo).toEqual(['.', 'istio-egress']);
  });

  it('fills cluster defaults', () => {
    expect(resolveClusterSettings({ name: 'x' })).toEqual({
      name: 'x',
      istioNamespace: 'istio-system',
      egressGateway: { selector: { istio: 'egressgateway' }, serviceHost: GW, namespace: 'istio-system' },
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
