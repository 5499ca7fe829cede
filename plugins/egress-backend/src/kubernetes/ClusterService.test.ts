import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { REQUEST_ID_LABEL, SHARED_LABEL, renderManifests, resourceKind } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo, getClusterInfo, startCluster, stopCluster } from '@backstage-egress/testenv';
import { execFileSync } from 'node:child_process';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { DefaultClusterService } from './ClusterService';
import { KubeHttp, kubeConfigFor } from './KubeClients';

jest.setTimeout(120_000);

const A = 't-k8s-svc-a';
const B = 't-k8s-svc-b';
const NS = ['egress-rt', 'egress-conflict', 'egress-invalid', 'egress-watch'];
let a: ClusterInfo;
let b: ClusterInfo;
let service: DefaultClusterService;

function clusterConfig(info: ClusterInfo, user: 'backstage-egress' | 'viewer' = 'backstage-egress') {
  return {
    name: info.name,
    title: info.name.toUpperCase(),
    url: info.server,
    authProvider: 'serviceAccount',
    serviceAccountToken: info.tokens[user],
    caData: info.caData,
    kialiUrl: `https://kiali.${info.name}.example.com`,
  };
}

function makeService(clusters: object[]) {
  const config = new ConfigReader({ egress: { clusters } });
  return new DefaultClusterService({
    clusters: ClusterDirectory.fromConfig(config, { defaultClusterName: () => 'unused' }),
    logger: mockServices.logger.mock(),
    probeIntervalMs: 500,
    backoff: { initialMs: 200, maxMs: 1000 },
  });
}

/** An admin client to change the cluster behind the plugin's back. */
function admin(info: ClusterInfo) {
  return new KubeHttp(info.name, kubeConfigFor({
    name: info.name, title: info.name, url: info.server, authProvider: 'serviceAccount',
    serviceAccountToken: info.tokens.admin, caData: info.caData, skipTLSVerify: false,
    istioNamespace: 'istio-system', egressGateway: { selector: {}, serviceHost: 'x.y' },
  }));
}

function unmanagedEntry(namespace: string, name: string, host: string) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name, namespace },
    spec: { hosts: [host], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' },
  };
}

async function eventually<T>(fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 20));
  }
}

const draft = (namespace: string, id: string, host = 'api.stripe.com') => ({
  id,
  entityRef: 'component:default/payments-api',
  namespace,
  clusters: [A],
  hosts: [host],
  addresses: [],
  ports: [{ number: 443, protocol: 'TLS' as const }],
  resolution: 'DNS' as const,
  viaEgressGateway: true,
  lockdownNamespace: false,
  justification: 'Payments go to Stripe',
});

beforeAll(async () => {
  [a, b] = await Promise.all([
    startCluster({ name: A, seed: true, namespaces: NS }),
    startCluster({ name: B, meshMode: 'REGISTRY_ONLY' }),
  ]);
  service = makeService([clusterConfig(a), clusterConfig(b)]);
  await service.start();
  await service.waitUntilSynced(30000);
}, 300_000);

afterAll(async () => {
  await service?.stop();
  await Promise.all([stopCluster(A), stopCluster(B)]);
}, 120_000);

describe('DefaultClusterService against real clusters', () => {
  it('reports status per cluster with mesh mode, version and the egress gateway', async () => {
    await eventually(() => service.listClusters().every(c => c.egressGateway.exists));
    const [sa, sb] = service.listClusters();
    expect(sa).toMatchObject({
      name: A, title: A.toUpperCase(), kialiUrl: `https://kiali.${A}.example.com`,
      reachable: true, kubernetesVersion: a.version, meshMode: 'ALLOW_ANY', meshConfigFound: true,
      synced: true, egressGateway: { service: 'istio-system/istio-egressgateway', exists: true },
    });
    expect(sb).toMatchObject({ name: B, reachable: true, meshMode: 'REGISTRY_ONLY', synced: true });
    expect(sa.error).toBeUndefined();
    expect(typeof sa.lastEventAt).toBe('string');
    expect(typeof sa.egressGateway.lastSeenAt).toBe('string');
    const raw = JSON.stringify(service.listClusters());
    expect(raw).not.toContain(a.tokens['backstage-egress']);
    expect(raw).not.toContain(a.server);
  });

  it('lists managed and unmanaged resources of a namespace from the cache', async () => {
    const result = await service.writer(A).apply(renderManifests(draft('payments', 'req-inv'), { name: A }));
    expect(result.ok).toBe(true);
    const [inv] = await eventually(() => {
      const r = service.inventory('payments', [A]);
      return r[0].resources.some(x => x.managed && x.kind === 'VirtualService') ? r : undefined;
    });
    expect(inv).toMatchObject({ cluster: A, namespace: 'payments', synced: true, meshMode: 'ALLOW_ANY', effectiveMode: 'ALLOW_ANY' });
    const github = inv.resources.find(r => r.name === 'github-api');
    expect(github).toMatchObject({ kind: 'ServiceEntry', managed: false, hosts: ['api.github.com'], ports: [443], resolution: 'DNS' });
    expect(inv.resources.find(r => r.name === 'googleapis-wildcard')).toMatchObject({ managed: false, hosts: ['*.googleapis.com'] });
    const managedKinds = inv.resources.filter(r => r.managed).map(r => r.kind);
    // The Gateway is shared per host in istio-system, not in the namespace.
    expect(managedKinds).toEqual(['ServiceEntry', 'DestinationRule', 'VirtualService']);
    expect(inv.resources.find(r => r.managed && r.kind === 'ServiceEntry')).toMatchObject({ requestId: 'req-inv', hosts: ['api.stripe.com'], ports: [443] });
    expect(service.inventory('payments', [B])[0]).toMatchObject({ cluster: B, meshMode: 'REGISTRY_ONLY', resources: [] });
    expect(service.inventory('payments', ['nope'])[0].error).toMatch(/'nope' is not configured/);
  });

  it('reads the same inventory live from the API servers, for the uncached benchmark', async () => {
    const cached = service.inventory('payments', [A, B]);
    const live = await service.liveInventory('payments', [A, B]);
    const strip = (inv: typeof cached) => inv.map(({ lastEventAt, ...rest }) => rest);
    expect(live[0].resources.length).toBeGreaterThan(0);
    expect(strip(live)).toEqual(strip(cached));
    expect((await service.liveInventory('payments', ['nope']))[0].error).toBe(service.inventory('payments', ['nope'])[0].error);
  });

  it('sees a change made with kubectl within a second, and a namespace Sidecar overriding the mesh mode', async () => {
    const kubectl = `${process.env.HOME}/.cache/backstage-egress/bin/kubectl-v1.35.4/kubectl`;
    const sidecar = {
      apiVersion: 'networking.istio.io/v1', kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'egress-watch' },
      spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    };
    // An unchanged namespace answers the same built inventory on every view.
    const before = service.inventory('egress-watch', [A])[0];
    expect(service.inventory('egress-watch', [A])[0].resources).toBe(before.resources);
    const started = Date.now();
    execFileSync(kubectl, ['--kubeconfig', a.kubeconfigPath, '--context', a.contexts.admin, 'apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [sidecar, unmanagedEntry('egress-watch', 'by-hand', 'example.org')] }),
    });
    const applied = Date.now();
    const [inv] = await eventually(() => {
      const r = service.inventory('egress-watch', [A]);
      return r[0].resources.length === 2 ? r : undefined;
    }, 1000);
    expect(Date.now() - applied).toBeLessThan(1000);
    expect(inv).toMatchObject({ sidecarMode: 'REGISTRY_ONLY', sidecarOverride: 'default', effectiveMode: 'REGISTRY_ONLY', meshMode: 'ALLOW_ANY' });
    expect(applied - started).toBeGreaterThan(0);
    expect(inv.resources).not.toBe(before.resources);
    expect(before.resources).toEqual([]);
  });

  it('applies, re-applies as a no-op, drifts and removes a bundle', async () => {
    // The request's own objects (those shared per host are released by the reconciler).
    const manifests = renderManifests(draft('egress-rt', 'req-rt'), { name: A }).filter(m => !m.metadata.labels[SHARED_LABEL]);
    const client = service.writer(A);
    const first = await client.apply(manifests);
    expect(first).toMatchObject({ cluster: A, ok: true });
    expect(first.outcomes.map(o => o.action)).toEqual(manifests.map(() => 'created'));

    const again = await client.apply(manifests);
    expect(again.ok).toBe(true);
    expect(again.outcomes.map(o => o.action)).toEqual(manifests.map(() => 'unchanged'));

    const managed = await eventuallyAsync(async () => {
      const observed = await client.observe({ namespace: 'egress-rt', requestId: 'req-rt' });
      expect(observed.synced).toBe(true);
      const m = observed.manifests;
      return m.length === manifests.length ? m : undefined;
    });
    expect(managed.map(m => `${m.kind}/${m.metadata.name}`)).toEqual(manifests.map(m => `${m.kind}/${m.metadata.name}`));
    expect(managed[0].spec).toEqual(manifests[0].spec);

    const changed = manifests.map(m => m.kind === 'ServiceEntry' ? { ...m, spec: { ...m.spec, resolution: 'NONE' } } : m);
    // While the cluster's objects are unchanged a view reads the same observation, not a new copy.
    const unchanged = await client.observe({ namespace: 'egress-rt', requestId: 'req-rt' });
    expect(unchanged.manifests).toBe(managed);

    const third = await client.apply(changed);
    expect(third.outcomes.map(o => o.action)).toEqual(manifests.map(m => m.kind === 'ServiceEntry' ? 'configured' : 'unchanged'));
    // A changed object is a new observation.
    const seen = await eventuallyAsync(async () => {
      const { manifests: m } = await client.observe({ namespace: 'egress-rt', requestId: 'req-rt' });
      return m.find(o => o.kind === 'ServiceEntry')?.spec.resolution === 'NONE' ? m : undefined;
    });
    expect(seen).not.toBe(managed);
    expect(managed.find(o => o.kind === 'ServiceEntry')!.spec.resolution).toBe(manifests.find(o => o.kind === 'ServiceEntry')!.spec.resolution);

    const removed = await client.remove({ namespace: 'egress-rt', requestId: 'req-rt' });
    expect(removed.ok).toBe(true);
    expect(removed.outcomes.map(o => o.action)).toEqual(manifests.map(() => 'deleted'));
    const removedAgain = await client.remove({ namespace: 'egress-rt', requestId: 'req-rt' });
    expect(removedAgain).toEqual({ cluster: A, ok: true, outcomes: [] });
    await eventuallyAsync(async () => (await client.observe({ namespace: 'egress-rt', requestId: 'req-rt' })).manifests.length === 0);
  });

  it('never changes or deletes an unmanaged resource of the same name', async () => {
    const manifests = renderManifests(draft('egress-conflict', 'req-c', 'api.adyen.com'), { name: A });
    const se = manifests.find(m => m.kind === 'ServiceEntry')!;
    const kube = admin(a);
    const path = `/apis/networking.istio.io/v1/namespaces/egress-conflict/serviceentries`;
    await kube.request('POST', path, { body: unmanagedEntry('egress-conflict', se.metadata.name, 'mine.example.com') });
    // The stranger carries our request id (but not our managed-by label), so
    // only the managed-by label keeps remove from selecting it below.
    await kube.request('PATCH', `${path}/${se.metadata.name}`, {
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { [REQUEST_ID_LABEL]: 'req-c' } } },
    });
    const before = await kube.request('GET', `${path}/${se.metadata.name}`);

    const result = await service.writer(A).apply(manifests);
    expect(result.ok).toBe(false);
    const outcome = result.outcomes.find(o => o.kind === 'ServiceEntry')!;
    expect(outcome.action).toBe('failed');
    expect(outcome.error).toContain(`Cluster '${A}'`);
    expect(outcome.error).toContain(`ServiceEntry egress-conflict/${se.metadata.name}`);
    expect(outcome.error).toMatch(/not managed by backstage-egress/);
    expect(outcome.errorType).toBe('ConflictError');
    expect(outcome.error).toContain('nothing of the bundle was applied');
    expect(result.error).toBe(outcome.error);
    // All or nothing: the preflight refused the bundle before writing any of it.
    expect(result.outcomes).toEqual([outcome]);
    for (const m of manifests.filter(x => x.kind !== 'ServiceEntry')) {
      const plural = resourceKind(m.kind)!.plural;
      await expect(kube.request('GET', `/apis/networking.istio.io/v1/namespaces/egress-conflict/${plural}/${m.metadata.name}`)).rejects.toMatchObject({ statusCode: 404 });
    }

    // Remove selects by request id and managed-by label: it must still leave the stranger alone.
    await service.writer(A).remove({ namespace: 'egress-conflict', requestId: 'req-c' });
    const after = await kube.request('GET', `${path}/${se.metadata.name}`);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec).toEqual(before.spec);
    kube.close();
  });

  it("surfaces the API server's rejection with its causes and converges on retry", async () => {
    const good = renderManifests(draft('egress-invalid', 'req-i', 'api.twilio.com'), { name: A }).filter(m => !m.metadata.labels[SHARED_LABEL]);
    const bad = good.map(m => m.kind === 'ServiceEntry' ? { ...m, spec: { ...m.spec, hosts: ['*'] } } : m);
    const result = await service.writer(A).apply(bad);
    expect(result.ok).toBe(false);
    const failed = result.outcomes.find(o => o.action === 'failed')!;
    expect(failed.kind).toBe('ServiceEntry');
    expect(failed.error).toContain(`Cluster '${A}'`);
    expect(failed.errorType).toBe('InputError');
    expect(failed.error).toMatch(/spec.hosts/);
    // The ServiceEntry goes first (dependency order), so its refusal stops the bundle before the rest.
    expect(result.outcomes).toEqual([failed]);
    const retry = await service.writer(A).apply(good);
    expect(retry.ok).toBe(true);
    expect(retry.outcomes.map(o => o.action)).toEqual(good.map(() => 'created'));
  });

  it('gives a clear 403 naming the cluster when the identity may not write', async () => {
    const viewer = makeService([clusterConfig(a, 'viewer')]);
    try {
      const result = await viewer.writer(A).apply(renderManifests(draft('egress-rt', 'req-v'), { name: A }));
      expect(result.ok).toBe(false);
      expect(result.error).toContain(`Cluster '${A}'`);
      expect(result.error).toMatch(/forbidden/);
      expect(result.outcomes[0]).toMatchObject({ action: 'failed', errorType: 'NotAllowedError' });
      // Reading is allowed to the viewer: the cache syncs.
      await viewer.start();
      await viewer.waitUntilSynced(10000);
    } finally {
      await viewer.stop();
    }
  });

  it('reports a stopped cluster per cluster while the other still answers', async () => {
    expect(getClusterInfo(B)).toBeDefined();
    await stopCluster(B);
    const status = await eventually(() => {
      const s = service.listClusters().find(c => c.name === B)!;
      return s.error && !s.reachable ? s : undefined;
    }, 10000);
    expect(status.error).toContain(`Cluster '${B}'`);
    expect(status.error).toMatch(/unreachable|ECONNREFUSED/);
    const [invA, invB] = service.inventory('payments', [A, B]);
    expect(invA.error).toBeUndefined();
    expect(invA.resources.length).toBeGreaterThan(0);
    expect(invB.error).toContain(`Cluster '${B}'`);
    expect(service.listClusters().find(c => c.name === A)).toMatchObject({ reachable: true });
  });
});

async function eventuallyAsync<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 20));
  }
}
