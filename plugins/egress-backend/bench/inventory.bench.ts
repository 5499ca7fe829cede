/* eslint-disable no-console */
/**
 * Entity inventory latency: from the watch-fed cache vs. an uncached list per
 * request, against a real testenv cluster loaded with N ServiceEntries.
 *
 *   npm run bench                       # N=5000
 *   BENCH_ENTRIES=1000 BENCH_REQUESTS=100 npm run bench
 */
import { ConfigReader } from '@backstage/config';
import { startCluster, stopCluster } from '@backstage-egress/testenv';
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterDirectory } from '../src/clusters/ClusterDirectory';
import { DefaultClusterService } from '../src/kubernetes/ClusterService';
import { buildNamespaceInventory } from '../src/kubernetes/inventory';
import { KubeHttp, kubeConfigFor } from '../src/kubernetes/KubeClients';
import { ClusterSettings } from '../src/clusters/ClusterDirectory';
import { KIND_ORDER, collectionPath } from '../src/kubernetes/kinds';
import { IstioKind } from '../src/kubernetes/types';
import { parseMeshMode } from '../src/kubernetes/ClusterCache';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 5000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 50);
const BATCH = 50;
const CLUSTER = 'bench-inventory';

const logger = { info() {}, warn() {}, error: (m: string) => console.error(m), debug() {}, child() { return logger; } } as any;

function settings(info: { name: string; server: string; caData: string }, token: string): ClusterSettings {
  return {
    name: info.name, title: info.name, url: info.server, authProvider: 'serviceAccount', serviceAccountToken: token,
    caData: info.caData, skipTLSVerify: false, istioNamespace: 'istio-system',
    egressGateway: { selector: { istio: 'egressgateway' }, serviceHost: 'istio-egressgateway.istio-system.svc.cluster.local' },
  };
}

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: p(0.5), p95: p(0.95), p99: p(0.99), max: s[s.length - 1] };
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

/**
 * The uncached alternative: per page view, list the five kinds in the
 * namespace and read the mesh ConfigMap as the plugin's identity.
 */
async function listInventory(live: KubeHttp, versions: Record<IstioKind, string>, ns: string) {
  const kinds = [...KIND_ORDER];
  const [cm, ...lists] = await Promise.all([
    live.request('GET', '/api/v1/namespaces/istio-system/configmaps/istio'),
    ...kinds.map(k => live.request('GET', collectionPath(k, versions[k], ns))),
  ]);
  return buildNamespaceInventory({
    cluster: CLUSTER, namespace: ns, meshMode: parseMeshMode(cm.data?.mesh),
    objects: Object.fromEntries(kinds.map((k, i) => [k, lists[i].items])),
  });
}

async function main() {
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
  const t0 = Date.now();
  const info = await startCluster({ name: CLUSTER, namespaces });
  console.log(`cluster ${CLUSTER} up in ${Date.now() - t0} ms`);
  try {
    const admin = new KubeHttp(CLUSTER, kubeConfigFor(settings(info, info.tokens.admin)));
    const loadStart = Date.now();
    for (let i = 0; i < ENTRIES; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, ENTRIES - i) }, (_, j) => {
          const n = i + j;
          const ns = namespaces[n % NAMESPACES];
          return admin.request('POST', collectionPath('ServiceEntry', 'v1', ns), {
            body: {
              apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry',
              metadata: { name: `se-${n}`, namespace: ns, labels: n % 2 ? { 'app.kubernetes.io/managed-by': 'backstage-egress', 'egress.backstage.io/request-id': `r${n}` } : {} },
              spec: { hosts: [`host-${n}.example.com`], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' },
            },
            timeoutMs: 60000,
          });
        }),
      );
    }
    const loadMs = Date.now() - loadStart;
    console.log(`loaded ${ENTRIES} ServiceEntries in ${loadMs} ms`);
    admin.close();

    const config = new ConfigReader({ egress: { clusters: [{ name: CLUSTER, url: info.server, serviceAccountToken: info.tokens['backstage-egress'], caData: info.caData }] } });
    const service = new DefaultClusterService({ clusters: ClusterDirectory.fromConfig(config, { defaultClusterName: () => CLUSTER }), logger });
    const syncStart = Date.now();
    await service.start();
    await service.waitUntilSynced(120000);
    const syncMs = Date.now() - syncStart;
    const cached = service.cache(CLUSTER)!;
    console.log(`cache synced (${cached.reflectors.ServiceEntry.size} ServiceEntries) in ${syncMs} ms`);

    // The uncached alternative: per page view, list the five kinds in the
    // namespace and read the mesh ConfigMap as the plugin's identity.
    const live = new KubeHttp(CLUSTER, kubeConfigFor(settings(info, info.tokens['backstage-egress'])));
    const versions = await cached.servedVersions();
    const uncachedInventory = (ns: string) => listInventory(live, versions, ns);

    const pick = (i: number) => namespaces[(i * 7) % NAMESPACES];
    // Warm up both paths (JIT, TLS sessions).
    for (let i = 0; i < 20; i++) {
      service.inventory(pick(i), [CLUSTER]);
      await uncachedInventory(pick(i));
    }
    const cachedSamples: number[] = [];
    const uncachedSamples: number[] = [];
    let check = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const ns = pick(i);
      let t = process.hrtime.bigint();
      const a = service.inventory(ns, [CLUSTER]);
      cachedSamples.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      const b = await uncachedInventory(ns);
      uncachedSamples.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (a[0].resources.length !== b.resources.length) throw new Error(`cache and live disagree in ${ns}`);
      check += a[0].resources.length;
    }
    live.close();
    await service.stop();

    const c = percentiles(cachedSamples);
    const u = percentiles(uncachedSamples);
    const ratio = u.p99 / c.p99;
    const perNs = Math.round(check / REQUESTS);
    const mem = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const nproc = execSync('nproc').toString().trim();
    const date = new Date().toISOString();
    const table = [
      `| path | p50 | p95 | p99 | max |`,
      `| --- | --- | --- | --- | --- |`,
      `| cache (\`ClusterService.inventory\`) | ${fmt(c.p50)} | ${fmt(c.p95)} | ${fmt(c.p99)} | ${fmt(c.max)} |`,
      `| uncached (5 lists + ConfigMap get per request) | ${fmt(u.p50)} | ${fmt(u.p95)} | ${fmt(u.p99)} | ${fmt(u.max)} |`,
    ].join('\n');
    console.log(table);
    console.log(`p99 ratio uncached/cached: ${ratio.toFixed(0)}x`);

    const section = `## Entity inventory: cache vs. uncached list (${date})

Command: \`npm run bench\` (${ENTRIES} ServiceEntries over ${NAMESPACES} namespaces, ${REQUESTS} requests per path, interleaved, after 20 warm-up requests each).
Machine: ${nproc} cores (${cpu}), ${mem} RAM, Node ${process.version}, ${os.type()} ${os.release()}.
Cluster: testenv (etcd + kube-apiserver ${info.version} on loopback, so the uncached path pays no real network latency — a remote cluster would widen the gap).

- Loading ${ENTRIES} ServiceEntries (admin, parallel batches of ${BATCH}): ${loadMs} ms
- Cache sync (list + watch of the five kinds and the mesh ConfigMap, as \`backstage-egress\`): ${syncMs} ms
- Resources per namespace inventory: ~${perNs}

${table}

p99 uncached / p99 cached: **${ratio.toFixed(0)}x** (target: at least 10x).
`;
    const file = path.resolve(__dirname, '../../../BENCHMARKS.md');
    const header = '# Benchmarks\n\nResults of `npm run bench` (plugins/egress-backend/bench/inventory.bench.ts). Newest first.\n\n';
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').replace(header, '') : '';
    fs.writeFileSync(file, header + section + (previous ? `\n${previous}` : ''));
    console.log(`wrote ${file}`);
  } finally {
    await stopCluster(CLUSTER);
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
