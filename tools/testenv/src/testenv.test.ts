/*
 * Proves the test cluster is real: Kubernetes' own validation and RBAC, Istio's CRDs and
 * istioctl's validation, several independent clusters, clean shutdown.
 *
 * Needs the binaries built (`node tools/testenv/bin/testenv.js build`, minutes on the first run;
 * ensureBinaries() below builds them if missing). Each cluster start takes a few seconds.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  Binaries,
  ClusterInfo,
  UserName,
  clusterStatus,
  deleteFromEtcd,
  ensureBinaries,
  getClusterInfo,
  startCluster,
  stopCluster,
} from '../index';

const CLUSTER_A = 't-testenv-a';
const CLUSTER_B = 't-testenv-b';
const CLUSTER_KEEP = 't-testenv-keep';
const CLUSTER_FAULTS = 't-testenv-faults';
const fixtures = path.join(__dirname, '__fixtures__');
const cli = path.join(__dirname, '..', 'bin', 'testenv.js');

const GROUP = 'networking.istio.io';
const VERSION = 'v1';
const PLURALS: Record<string, string> = {
  ServiceEntry: 'serviceentries',
  Gateway: 'gateways',
  DestinationRule: 'destinationrules',
  VirtualService: 'virtualservices',
  Sidecar: 'sidecars',
};

type IstioObject = k8s.KubernetesObject & { spec: any };

function loadFixture(file: string): IstioObject[] {
  return k8s.loadAllYaml(fs.readFileSync(path.join(fixtures, file), 'utf8')) as IstioObject[];
}

function kubeConfig(info: ClusterInfo, user: UserName): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(info.kubeconfigPath);
  kc.setCurrentContext(info.contexts[user]);
  return kc;
}

function api<T extends k8s.ApiType>(info: ClusterInfo, user: UserName, apiClass: k8s.ApiConstructor<T>): T {
  return kubeConfig(info, user).makeApiClient(apiClass);
}

/** The HTTP status and message of a failed API call. */
async function failure(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof k8s.ApiException)) throw err;
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, message: String(body?.message ?? '') };
  }
  throw new Error('expected the API call to fail');
}

function createIstioObject(info: ClusterInfo, user: UserName, namespace: string, obj: IstioObject) {
  return api(info, user, k8s.CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURALS[obj.kind!],
    body: { ...obj, metadata: { ...obj.metadata, namespace } },
  });
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      let code = 0;
      if (err) code = typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Alive and not a zombie. */
function processAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let bins: Binaries;
let a: ClusterInfo;
let b: ClusterInfo;

beforeAll(async () => {
  bins = await ensureBinaries();
  [a, b] = await Promise.all([
    startCluster({ name: CLUSTER_A, seed: true, namespaces: ['t-extra'] }),
    startCluster({ name: CLUSTER_B, meshMode: 'REGISTRY_ONLY' }),
  ]);
}, 30 * 60_000);

afterAll(async () => {
  await Promise.all([
    stopCluster(CLUSTER_A),
    stopCluster(CLUSTER_B),
    stopCluster(CLUSTER_KEEP, { removeData: true }),
    stopCluster(CLUSTER_FAULTS),
  ]);
}, 120_000);

describe('a testenv cluster', () => {
  it('runs Kubernetes v1.35.4', async () => {
    expect(a.version).toBe('v1.35.4');
    const version = await api(a, 'nobody', k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.35.4');
    expect(version.minor).toBe('35');
  });

  it('has Istio egress namespaces, the mesh ConfigMap and the egress gateway Service', async () => {
    const core = api(a, 'admin', k8s.CoreV1Api);
    const names = (await core.listNamespace()).items.map(ns => ns.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['istio-system', 'payments', 'checkout', 'search', 't-extra']));

    const mesh = await core.readNamespacedConfigMap({ name: 'istio', namespace: 'istio-system' });
    expect(mesh.data?.mesh).toMatch(/outboundTrafficPolicy:\s*\n\s*mode: ALLOW_ANY/);

    const gateway = await core.readNamespacedService({ name: 'istio-egressgateway', namespace: 'istio-system' });
    expect(gateway.metadata?.labels).toMatchObject({ istio: 'egressgateway' });
    expect(gateway.spec?.selector).toEqual({ istio: 'egressgateway' });
    expect(gateway.spec?.ports?.map(p => [p.name, p.port])).toEqual([
      ['http', 80],
      ['https', 443],
    ]);
  });

  it("serves Istio's CRDs, all Established", async () => {
    const crds = await api(a, 'admin', k8s.ApiextensionsV1Api).listCustomResourceDefinition();
    const istio = crds.items.filter(crd => crd.spec.group.endsWith('istio.io'));
    expect(istio.map(crd => crd.metadata?.name)).toEqual(
      expect.arrayContaining(PLURALS_LIST().map(plural => `${plural}.${GROUP}`)),
    );
    for (const crd of istio) {
      expect(crd.status?.conditions?.find(c => c.type === 'Established')?.status).toBe('True');
    }
  });

  it('lets backstage-egress apply the egress gateway task for edition.cnn.com and read it back', async () => {
    const objects = loadFixture('egress-gateway-cnn.yaml');
    expect(objects.map(o => o.kind)).toEqual(['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']);
    for (const obj of objects) await createIstioObject(a, 'backstage-egress', 'checkout', obj);

    const custom = api(a, 'backstage-egress', k8s.CustomObjectsApi);
    for (const obj of objects) {
      const read = (await custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'checkout',
        plural: PLURALS[obj.kind!],
        name: obj.metadata!.name!,
      })) as IstioObject;
      expect(read.apiVersion).toBe(`${GROUP}/${VERSION}`);
      expect(read.spec).toEqual(obj.spec);
    }
  });

  it("rejects a ServiceEntry for host '*' with the API server's own validation (422)", async () => {
    const [everything] = loadFixture('serviceentry-star-host.yaml');
    const { code, message } = await failure(createIstioObject(a, 'backstage-egress', 'checkout', everything));
    expect(code).toBe(422);
    expect(message).toContain('ServiceEntry.networking.istio.io "everything" is invalid');
    expect(message).toContain('spec.hosts[0]: Invalid value: "*": hostname cannot be wildcard');
  });

  it('gives nobody nothing (403)', async () => {
    const list = api(a, 'nobody', k8s.CustomObjectsApi).listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'payments',
      plural: 'serviceentries',
    });
    expect(await failure(list)).toMatchObject({ code: 403, message: expect.stringContaining('User "nobody" cannot list') });
    expect((await failure(api(a, 'nobody', k8s.CoreV1Api).listNamespace())).code).toBe(403);
  });

  it('lets viewer list but not create (403)', async () => {
    const custom = api(a, 'viewer', k8s.CustomObjectsApi);
    const seeded = (await custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'payments',
      plural: 'serviceentries',
    })) as { items: IstioObject[] };
    expect(seeded.items.map(se => se.metadata?.name).sort()).toEqual(['github-api', 'googleapis-wildcard']);
    expect((await api(a, 'viewer', k8s.CoreV1Api).listNamespace()).items.length).toBeGreaterThan(0);

    const [serviceEntry] = loadFixture('egress-gateway-cnn.yaml');
    const { code, message } = await failure(createIstioObject(a, 'viewer', 'search', serviceEntry));
    expect(code).toBe(403);
    expect(message).toContain('User "viewer" cannot create resource "serviceentries"');
  });

  it('keeps backstage-egress to Istio networking resources and the mesh config', async () => {
    const core = api(a, 'backstage-egress', k8s.CoreV1Api);
    expect((await failure(core.listNamespacedSecret({ namespace: 'payments' }))).code).toBe(403);
    expect((await failure(core.listNamespacedPod({ namespace: 'payments' }))).code).toBe(403);
    expect((await failure(core.readNamespacedSecret({ name: 'x', namespace: 'istio-system' }))).code).toBe(403);
    expect((await failure(core.listNamespace())).code).toBe(403);
    expect((await failure(core.readNamespacedConfigMap({ name: 'other', namespace: 'istio-system' }))).code).toBe(403);

    const mesh = await core.readNamespacedConfigMap({ name: 'istio', namespace: 'istio-system' });
    expect(mesh.data?.mesh).toContain('mode: ALLOW_ANY');
    // List/watch of a resourceNames-restricted ConfigMap needs the matching field selector.
    const byName = await core.listNamespacedConfigMap({ namespace: 'istio-system', fieldSelector: 'metadata.name=istio' });
    expect(byName.items.map(cm => cm.metadata?.name)).toEqual(['istio']);
    expect((await failure(core.listNamespacedConfigMap({ namespace: 'istio-system' }))).code).toBe(403);

    const gateway = await core.readNamespacedService({ name: 'istio-egressgateway', namespace: 'istio-system' });
    expect(gateway.metadata?.name).toBe('istio-egressgateway');

    // Read-only: no writes to the mesh config or the gateway Service (dry runs, so a broken
    // RBAC fails here without changing the cluster).
    const dryRun = 'All';
    expect((await failure(core.replaceNamespacedConfigMap({ name: 'istio', namespace: 'istio-system', body: mesh, dryRun }))).code).toBe(403);
    expect((await failure(core.deleteNamespacedService({ name: 'istio-egressgateway', namespace: 'istio-system', dryRun }))).code).toBe(403);
  });

  it('seeds unmanaged ServiceEntries into payments', async () => {
    const seeded = (await api(a, 'backstage-egress', k8s.CustomObjectsApi).listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'payments',
      plural: 'serviceentries',
    })) as { items: IstioObject[] };
    const byName = Object.fromEntries(seeded.items.map(se => [se.metadata!.name!, se]));
    expect(byName['github-api'].spec).toMatchObject({ hosts: ['api.github.com'], resolution: 'DNS' });
    expect(byName['googleapis-wildcard'].spec).toMatchObject({ hosts: ['*.googleapis.com'], resolution: 'NONE' });
    for (const se of seeded.items) {
      expect(se.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
    }
  });

  it('is a no-op to start it again', async () => {
    const again = await startCluster({ name: CLUSTER_A });
    expect(again.pids).toEqual(a.pids);
    expect(again.server).toBe(a.server);
    expect(getClusterInfo(CLUSTER_A)?.server).toBe(a.server);
  });

  it('is reachable through the CLI', async () => {
    const status = await run(process.execPath, [cli, 'status', CLUSTER_A]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`cluster ${CLUSTER_A}: ${a.server} (Kubernetes v1.35.4, mesh mode ALLOW_ANY)`);
    const env = await run(process.execPath, [cli, 'env', CLUSTER_A]);
    expect(env.stdout).toContain(`export KUBECONFIG='${a.kubeconfigPath}'`);
    const kubectl = await run(bins.kubectl, ['--kubeconfig', a.kubeconfigPath, 'get', 'serviceentries', '-n', 'payments', '-o', 'name']);
    expect(kubectl.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'serviceentry.networking.istio.io/github-api',
      'serviceentry.networking.istio.io/googleapis-wildcard',
    ]);
  });
});

describe('istioctl', () => {
  it("accepts the egress gateway task's YAML", async () => {
    const result = await run(bins.istioctl, ['validate', '-f', path.join(fixtures, 'egress-gateway-cnn.yaml')]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout + result.stderr).toContain('egress-gateway-cnn.yaml" is valid');
  });

  it('rejects a broken VirtualService', async () => {
    const result = await run(bins.istioctl, ['validate', '-f', path.join(fixtures, 'broken-virtualservice.yaml')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('VirtualService//broken: TLS match must have at least one SNI host');
    expect(result.stderr).toContain('VirtualService//broken: empty domain name not allowed');
  });

  it('analyzes the task offline', async () => {
    const result = await run(bins.istioctl, ['analyze', '--use-kube=false', path.join(fixtures, 'egress-gateway-cnn.yaml')]);
    expect(result.stdout + result.stderr).toContain('No validation issues found');
    expect(result.code).toBe(0);
  });
});

describe('several clusters', () => {
  it('run side by side, independently', async () => {
    expect(b.server).not.toBe(a.server);
    expect(b.meshMode).toBe('REGISTRY_ONLY');
    const meshB = await api(b, 'backstage-egress', k8s.CoreV1Api).readNamespacedConfigMap({
      name: 'istio',
      namespace: 'istio-system',
    });
    expect(meshB.data?.mesh).toMatch(/outboundTrafficPolicy:\s*\n\s*mode: REGISTRY_ONLY/);

    const [, gateway] = loadFixture('egress-gateway-cnn.yaml');
    await createIstioObject(b, 'backstage-egress', 'search', gateway);
    const listIn = async (info: ClusterInfo) =>
      ((await api(info, 'admin', k8s.CustomObjectsApi).listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'search',
        plural: 'gateways',
      })) as { items: IstioObject[] }).items.map(g => g.metadata?.name);
    expect(await listIn(b)).toEqual(['istio-egressgateway']);
    expect(await listIn(a)).toEqual([]);

    // Nothing shared: not the data (B was not seeded), not the identities.
    const seededInB = (await api(b, 'admin', k8s.CustomObjectsApi).listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'payments',
      plural: 'serviceentries',
    })) as { items: unknown[] };
    expect(seededInB.items).toEqual([]);
    const aTokenOnB = kubeConfig(b, 'admin');
    aTokenOnB.users = aTokenOnB.users.map(u => ({ ...u, token: a.tokens.admin }));
    expect((await failure(aTokenOnB.makeApiClient(k8s.CoreV1Api).listNamespace())).code).toBe(401);
  });

  it('stop leaves no process behind', async () => {
    const { pids, ports } = b;
    expect(processAlive(pids.etcd) && processAlive(pids.kubeApiserver)).toBe(true);
    await stopCluster(CLUSTER_B);
    expect(processAlive(pids.etcd)).toBe(false);
    expect(processAlive(pids.kubeApiserver)).toBe(false);
    expect(await portAcceptsConnections(ports.apiserver)).toBe(false);
    expect(await portAcceptsConnections(ports.etcdClient)).toBe(false);
    expect(getClusterInfo(CLUSTER_B)).toBeUndefined();
    expect(fs.existsSync(path.join(b.stateDir, 'data'))).toBe(false);
    // The other cluster is untouched.
    expect((await api(a, 'admin', k8s.VersionApi).getCode()).gitVersion).toBe('v1.35.4');
  });
});

describe('keepData', () => {
  it("keeps etcd's data across stop and start", async () => {
    await stopCluster(CLUSTER_KEEP, { removeData: true }); // leftovers of an interrupted run
    const first = await startCluster({ name: CLUSTER_KEEP, keepData: true });
    const [serviceEntry] = loadFixture('egress-gateway-cnn.yaml');
    await createIstioObject(first, 'backstage-egress', 'payments', serviceEntry);
    await stopCluster(CLUSTER_KEEP);
    expect(processAlive(first.pids.kubeApiserver)).toBe(false);

    const second = await startCluster({ name: CLUSTER_KEEP, keepData: true });
    expect(second.pids).not.toEqual(first.pids);
    const read = (await api(second, 'backstage-egress', k8s.CustomObjectsApi).getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'payments',
      plural: 'serviceentries',
      name: 'cnn',
    })) as IstioObject;
    expect(read.spec.hosts).toEqual(['edition.cnn.com']);
    expect(second.tokens).toEqual(first.tokens);
  }, 120_000);
});

describe('fault injection', () => {
  let f: ClusterInfo;
  const core = () => api(f, 'admin', k8s.CoreV1Api);
  const createConfigMap = (name: string) => core().createNamespacedConfigMap({ namespace: 'search', body: { metadata: { name } } });

  beforeAll(async () => {
    f = await startCluster({ name: CLUSTER_FAULTS, watchCache: false });
  }, 30 * 60_000);

  it('compacts etcd (CLI): a list continued with an older token, and a watch from an older resourceVersion, get 410', async () => {
    expect(f.watchCache).toBe(false);
    expect(fs.readFileSync(`/proc/${f.pids.kubeApiserver}/cmdline`, 'utf8').split('\0')).toContain('--watch-cache=false');
    for (const name of ['one', 'two', 'three']) await createConfigMap(name);
    const first = await core().listNamespacedConfigMap({ namespace: 'search', limit: 1 });
    const token = first.metadata?._continue;
    const oldVersion = first.metadata?.resourceVersion;
    expect(token).toBeTruthy();
    // Compaction keeps the revision it compacts to: two more, so the one after oldVersion goes.
    await createConfigMap('four');
    await createConfigMap('five');

    const compact = await run(process.execPath, [cli, 'compact', CLUSTER_FAULTS]);
    expect(compact.stderr).toBe('');
    expect(compact.stdout).toMatch(new RegExp(`cluster ${CLUSTER_FAULTS}: etcd compacted to revision \\d+`));
    const revision = Number(/revision (\d+)/.exec(compact.stdout)![1]);
    expect(revision).toBeGreaterThan(Number(oldVersion) + 1);

    const continued = await failure(core().listNamespacedConfigMap({ namespace: 'search', limit: 1, _continue: token }));
    expect(continued.code).toBe(410);
    // The watch, served by etcd without the watch cache, is refused in its first event.
    const events: Array<{ type: string; object: any }> = [];
    await new Promise<void>((resolve, reject) => {
      new k8s.Watch(kubeConfig(f, 'admin'))
        .watch('/api/v1/namespaces/search/configmaps', { resourceVersion: oldVersion, timeoutSeconds: 10 }, (type, object) => events.push({ type, object }), err => (err && err.name !== 'AbortError' ? reject(err) : resolve()))
        .catch(reject);
    });
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  }, 60_000);

  it('stops and starts the API server (CLI) while etcd keeps the data, and deletes behind its back', async () => {
    await createConfigMap('kept');
    await createConfigMap('deleted-behind');
    const stop = await run(process.execPath, [cli, 'apiserver', 'stop', CLUSTER_FAULTS]);
    expect(stop.stdout).toMatch(/kube-apiserver stopped/);
    expect(processAlive(f.pids.kubeApiserver)).toBe(false);
    expect(processAlive(f.pids.etcd)).toBe(true);
    // Not "the port refuses connections": other suites start clusters in parallel, and the
    // freed port may be handed to one of them. The status probe (this cluster's CA) says it.
    expect(getClusterInfo(CLUSTER_FAULTS)).toBeUndefined();
    expect((await clusterStatus(CLUSTER_FAULTS)).state).toBe('unhealthy');

    expect(await deleteFromEtcd(CLUSTER_FAULTS, '/registry/configmaps/search/deleted-behind')).toBe(1);
    expect(await deleteFromEtcd(CLUSTER_FAULTS, '/registry/configmaps/search/no-such')).toBe(0);

    const start = await run(process.execPath, [cli, 'apiserver', 'start', CLUSTER_FAULTS]);
    expect(start.stdout).toMatch(new RegExp(`kube-apiserver \\d+ ready at ${f.server.replace(/[.]/g, '\\.')}`));
    const after = getClusterInfo(CLUSTER_FAULTS)!;
    expect(after.pids.etcd).toBe(f.pids.etcd);
    expect(after.pids.kubeApiserver).not.toBe(f.pids.kubeApiserver);
    expect(fs.readFileSync(`/proc/${after.pids.kubeApiserver}/cmdline`, 'utf8').split('\0')).toContain('--watch-cache=false');
    // Same server, same tokens; the data is etcd's.
    const names = (await core().listNamespacedConfigMap({ namespace: 'search' })).items.map(c => c.metadata?.name);
    expect(names).toContain('kept');
    expect(names).not.toContain('deleted-behind');
    expect((await run(process.execPath, [cli, 'apiserver', 'start', CLUSTER_FAULTS])).stdout).toMatch(/ready/); // no-op
    expect(getClusterInfo(CLUSTER_FAULTS)!.pids.kubeApiserver).toBe(after.pids.kubeApiserver);
  }, 60_000);
});

function PLURALS_LIST(): string[] {
  return Object.values(PLURALS);
}
