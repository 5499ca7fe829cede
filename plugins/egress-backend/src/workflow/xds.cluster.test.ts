/**
 * What Istio makes of what we apply: the seed scenarios of Istio's egress
 * gateway task, replayed through the real backend (create, approve, revoke,
 * expiry) against a test cluster running istiod, and checked in the xDS
 * istiod sends to a sidecar in namespace payments and to the egress gateway
 * (tools/istioctl/xds-check through @backstage-egress/testenv).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { ClusterInfo, MeshMode, ensureBinaries, startCluster, stopCluster } from '@backstage-egress/testenv';
import { execFile } from 'node:child_process';
import request from 'supertest';
import { destination, hasCluster, owner, startClusterBackend, xdsUntil } from '../__testUtils__/clusterBackend';

jest.setTimeout(120_000);

const GOOGLE = 'google.com:443';
const CNN = 'edition.cnn.com:443';
const UNREGISTERED = 'unregistered.example.org:443';
const GATEWAY_HOST = 'istio-egressgateway.istio-system.svc.cluster.local';
// The gateway pod listens on the Service's target port: 443 arrives on 8443 (testenv's gateway Service).
const CNN_AT_GATEWAY = 'edition.cnn.com:8443/tls';
const sidecar = (namespace: string, to: string[]) => ({ node: 'sidecar' as const, namespace, to });
/** SPIFFE ids of sidecars (default service account) in three namespaces, for the gateway's RBAC check. */
const PRINCIPAL = {
  payments: 'spiffe://cluster.local/ns/payments/sa/default',
  checkout: 'spiffe://cluster.local/ns/checkout/sa/default',
  search: 'spiffe://cluster.local/ns/search/sa/default',
};
const egressGateway = {
  node: 'router' as const,
  namespace: 'istio-system',
  labels: { istio: 'egressgateway' },
  to: [CNN_AT_GATEWAY],
  peers: Object.values(PRINCIPAL),
};

const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

type Backend = Awaited<ReturnType<typeof startClusterBackend>>;

/** Before the block's tests: a cluster with istiod, and the backend on it with Istio's verdict on. */
function withIstioCluster(name: string, meshMode: MeshMode, ready: (cluster: ClusterInfo, backend: Backend) => void) {
  beforeAll(async () => {
    const cluster = await startCluster({ name, meshMode, istiod: true });
    ready(cluster, await startClusterBackend(cluster, await databases.init('SQLITE_3'), { istioAnalysis: true }));
  }, 30 * 60_000);
  afterAll(() => stopCluster(name), 60_000);
}

describe('on a REGISTRY_ONLY mesh', () => {
  let cluster: ClusterInfo;
  let backend: Backend;
  withIstioCluster('t-xds-registry', 'REGISTRY_ONLY', (c, b) => {
    cluster = c;
    backend = b;
  });

  it('sends google.com to BlackHoleCluster until access is approved, then to its own cluster, until revoked', async () => {
    const before = await xdsUntil(cluster, sidecar('payments', [GOOGLE]), () => true);
    expect(hasCluster(before.snapshot, 'outbound|443||google.com')).toBe(false);
    expect(destination(before.snapshot, GOOGLE)?.cluster).toBe('BlackHoleCluster');

    const id = await backend.grant({ hosts: ['google.com'], ports: [{ number: 443, protocol: 'TLS' }], viaEgressGateway: false });
    const after = await xdsUntil(cluster, sidecar('payments', [GOOGLE]), s => hasCluster(s, 'outbound|443||google.com'));
    // Rendered as resolution DNS, port 443: a STRICT_DNS cluster resolving google.com:443.
    expect(after.snapshot.clusters.find(c => c.name === 'outbound|443||google.com')).toEqual({
      name: 'outbound|443||google.com',
      type: 'STRICT_DNS',
      endpoints: ['google.com:443'],
    });
    expect(destination(after.snapshot, GOOGLE)?.cluster).toBe('outbound|443||google.com');

    await backend.revoke(id);
    const revoked = await xdsUntil(cluster, sidecar('payments', [GOOGLE]), s => !hasCluster(s, 'outbound|443||google.com'));
    expect(hasCluster(revoked.snapshot, 'outbound|443||google.com')).toBe(false);
    expect(destination(revoked.snapshot, GOOGLE)?.cluster).toBe('BlackHoleCluster');
  });

  it('routes edition.cnn.com through the egress gateway, which passes the TLS stream through to the host', async () => {
    const id = await backend.grant({ hosts: ['edition.cnn.com'], ports: [{ number: 443, protocol: 'TLS' }], viaEgressGateway: true });
    const rule = (await backend.detail(id)).manifests[0].manifests.find((m: any) => m.kind === 'DestinationRule');
    const subsetCluster = `outbound|443|${rule.spec.subsets[0].name}|${GATEWAY_HOST}`;

    const side = await xdsUntil(cluster, sidecar('payments', [CNN]), s => destination(s, CNN)?.cluster === subsetCluster);
    expect(destination(side.snapshot, CNN)?.cluster).toBe(subsetCluster);
    expect(hasCluster(side.snapshot, subsetCluster)).toBe(true);

    const gw = await xdsUntil(cluster, egressGateway, s => hasCluster(s, 'outbound|443||edition.cnn.com'));
    expect(hasCluster(gw.snapshot, 'outbound|443||edition.cnn.com')).toBe(true);
    const reached = destination(gw.snapshot, CNN_AT_GATEWAY)!;
    expect(reached.cluster).toBe('outbound|443||edition.cnn.com');
    const chain = gw.snapshot.listeners
      .find(l => l.name === reached.listener)!
      .filterChains.find(c => c.cluster === reached.cluster)!;
    // PASSTHROUGH: matched by SNI, forwarded without terminating TLS.
    expect(chain).toMatchObject({ serverNames: ['edition.cnn.com'], terminatesTls: false, cluster: 'outbound|443||edition.cnn.com' });

    await backend.revoke(id);
    const sideGone = await xdsUntil(cluster, sidecar('payments', [CNN]), s => !hasCluster(s, subsetCluster));
    expect(hasCluster(sideGone.snapshot, subsetCluster)).toBe(false);
    expect(destination(sideGone.snapshot, CNN)?.cluster).toBe('BlackHoleCluster');
    const gwGone = await xdsUntil(cluster, egressGateway, s => !hasCluster(s, 'outbound|443||edition.cnn.com'));
    expect(hasCluster(gwGone.snapshot, 'outbound|443||edition.cnn.com')).toBe(false);
  });

  it('removes the cluster when access expires', async () => {
    const expiresAt = new Date(Date.now() + 8_000).toISOString();
    await backend.grant({ hosts: ['api.paypal.com'], ports: [{ number: 443, protocol: 'TLS' }], viaEgressGateway: false, expiresAt });
    const granted = await xdsUntil(cluster, sidecar('payments', []), s => hasCluster(s, 'outbound|443||api.paypal.com'));
    expect(hasCluster(granted.snapshot, 'outbound|443||api.paypal.com')).toBe(true);

    await new Promise(r => setTimeout(r, Math.max(0, Date.parse(expiresAt) - Date.now())));
    await backend.reconcile();
    const expired = await xdsUntil(cluster, sidecar('payments', ['api.paypal.com:443']), s => !hasCluster(s, 'outbound|443||api.paypal.com'));
    expect(hasCluster(expired.snapshot, 'outbound|443||api.paypal.com')).toBe(false);
    expect(destination(expired.snapshot, 'api.paypal.com:443')?.cluster).toBe('BlackHoleCluster');
  });

  it('in mutual mode, terminates Istio mutual TLS at the gateway for edition.cnn.com and keeps its policy in step with grants and revokes', async () => {
    const checkoutEntity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'checkout', namespace: 'default', annotations: { 'backstage.io/kubernetes-namespace': 'checkout' } },
      spec: { owner: 'group:default/payments-team', type: 'service', lifecycle: 'production' },
    };
    const mutual = await startClusterBackend(cluster, await databases.init('SQLITE_3'), { egressGateway: { mode: 'mutual' } }, { entities: [checkoutEntity] });
    const policyNamespaces = async () => {
      const { kubectl } = await ensureBinaries();
      const out = await new Promise<string>((resolve, reject) =>
        execFile(kubectl, ['--kubeconfig', cluster.kubeconfigPath, 'get', 'authorizationpolicies.security.istio.io', '-n', 'istio-system', '-o', 'json'], (e, stdout) => (e ? reject(e) : resolve(stdout))),
      );
      const policy = JSON.parse(out).items.find((p: any) => p.metadata.annotations?.['egress.backstage.io/host'] === 'edition.cnn.com');
      return policy?.spec.rules[0].from[0].source.namespaces as string[] | undefined;
    };
    const payments = await mutual.grant({ hosts: ['edition.cnn.com'], ports: [{ number: 443, protocol: 'TLS' }], viaEgressGateway: true });
    const checkout = await mutual.grant({ entityRef: 'component:default/checkout', hosts: ['edition.cnn.com'], ports: [{ number: 443, protocol: 'TLS' }], viaEgressGateway: true });
    expect(await policyNamespaces()).toEqual(['checkout', 'payments']);

    const gw = await xdsUntil(cluster, egressGateway, s => destination(s, CNN_AT_GATEWAY)?.cluster === 'outbound|443||edition.cnn.com');
    const reached = destination(gw.snapshot, CNN_AT_GATEWAY)!;
    const chain = gw.snapshot.listeners.find(l => l.name === reached.listener)!.filterChains.find(c => c.cluster === reached.cluster)!;
    // ISTIO_MUTUAL: the gateway terminates the sidecar's mutual TLS (SNI edition.cnn.com), then forwards the stream.
    expect(chain).toMatchObject({ serverNames: ['edition.cnn.com'], terminatesTls: true, cluster: 'outbound|443||edition.cnn.com' });
    // The AuthorizationPolicy as Envoy enforces it: an ALLOW RBAC filter on that chain, checked
    // against the principals of sidecars in the approved namespaces and in one that is not.
    expect(chain.rbac?.map(f => f.action)).toContain('ALLOW');
    expect(reached.admitted).toEqual({ [PRINCIPAL.payments]: true, [PRINCIPAL.checkout]: true, [PRINCIPAL.search]: false });

    await mutual.revoke(checkout);
    expect(await policyNamespaces()).toEqual(['payments']);
    const narrowed = await xdsUntil(cluster, egressGateway, s => destination(s, CNN_AT_GATEWAY)?.admitted?.[PRINCIPAL.checkout] === false);
    expect(destination(narrowed.snapshot, CNN_AT_GATEWAY)?.admitted).toEqual({
      [PRINCIPAL.payments]: true,
      [PRINCIPAL.checkout]: false,
      [PRINCIPAL.search]: false,
    });
    await mutual.revoke(payments);
    expect(await policyNamespaces()).toBeUndefined();
    const gone = await xdsUntil(cluster, egressGateway, s => !hasCluster(s, 'outbound|443||edition.cnn.com'));
    expect(hasCluster(gone.snapshot, 'outbound|443||edition.cnn.com')).toBe(false);
  });

  it("shows Istio's verdict on what stays granted, and istioctl analyze finds no error in the cluster", async () => {
    const ids = [
      await backend.grant({ hosts: ['www.google.com'], viaEgressGateway: false }),
      await backend.grant({ hosts: ['edition.cnn.com'], viaEgressGateway: true }),
      await backend.grant({
        hosts: ['api.github.com'],
        ports: [{ number: 443, protocol: 'TLS' }, { number: 80, protocol: 'HTTP' }],
        viaEgressGateway: true,
        lockdownNamespace: true,
      }),
    ];
    // istiod writes status only for findings: give its analysis (every 2 s here) time to run.
    await new Promise(r => setTimeout(r, 6_000));
    for (const id of ids) {
      const istio = await backend.istioVerdict(id, v => v === 'accepted');
      expect(istio).toMatchObject({ verdict: 'accepted' });
      expect(istio!.resources.every(r => r.verdict === 'accepted' && r.messages.length === 0)).toBe(true);
    }
    // The entity's tab gets the same verdict with the targets.
    const entity = await request(backend.server).get('/api/egress/entity').query({ entityRef: 'component:default/payments' }).set('Authorization', owner);
    expect(entity.body.targets.filter((t: any) => ids.includes(t.requestId)).map((t: any) => t.istio?.verdict)).toEqual(['accepted', 'accepted', 'accepted']);

    const { istioctl } = await ensureBinaries();
    const analysis = await new Promise<{ code: number; output: string }>(resolve =>
      execFile(istioctl, ['analyze', '--all-namespaces', '--kubeconfig', cluster.kubeconfigPath, '--failure-threshold', 'Error'], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
      ),
    );
    expect(analysis.output).not.toMatch(/Error \[IST\d+\]/);
    expect(analysis.code).toBe(0);
  });
});

describe('on an ALLOW_ANY mesh with a namespace lockdown', () => {
  let cluster: ClusterInfo;
  let backend: Backend;
  withIstioCluster('t-xds-allow', 'ALLOW_ANY', (c, b) => {
    cluster = c;
    backend = b;
  });

  it('blocks unregistered hosts in the locked-down namespace only, until the lockdown is revoked', async () => {
    const open = await xdsUntil(cluster, sidecar('payments', [UNREGISTERED]), () => true);
    expect(destination(open.snapshot, UNREGISTERED)?.cluster).toBe('PassthroughCluster');

    const id = await backend.grant({ hosts: ['api.adyen.com'], viaEgressGateway: false, lockdownNamespace: true });
    const locked = await xdsUntil(cluster, sidecar('payments', [UNREGISTERED]), s => destination(s, UNREGISTERED)?.cluster === 'BlackHoleCluster');
    expect(destination(locked.snapshot, UNREGISTERED)?.cluster).toBe('BlackHoleCluster');
    const other = await xdsUntil(cluster, sidecar('checkout', [UNREGISTERED]), () => true);
    expect(destination(other.snapshot, UNREGISTERED)?.cluster).toBe('PassthroughCluster');

    await backend.revoke(id);
    const reopened = await xdsUntil(cluster, sidecar('payments', [UNREGISTERED]), s => destination(s, UNREGISTERED)?.cluster === 'PassthroughCluster');
    expect(destination(reopened.snapshot, UNREGISTERED)?.cluster).toBe('PassthroughCluster');
  });

  it("reports Istio's error when the configured gateway selector matches no workload", async () => {
    const misconfigured = await startClusterBackend(cluster, await databases.init('SQLITE_3'), {
      istioAnalysis: true,
      egressGateway: { selector: { istio: 'no-such-gateway' } },
    });
    const id = await misconfigured.grant({ hosts: ['edition.cnn.com'], viaEgressGateway: true });
    const istio = await misconfigured.istioVerdict(id, v => v === 'error');
    expect(istio?.verdict).toBe('error');
    const gateway = istio!.resources.find(r => r.kind === 'Gateway')!;
    expect(gateway.verdict).toBe('error');
    expect(gateway.messages).toContainEqual(
      expect.objectContaining({ code: 'IST0101', level: 'ERROR', docUrl: expect.stringMatching(/^https:\/\/istio\.io\/.*ist0101/) }),
    );
    await misconfigured.revoke(id);
  });
});
