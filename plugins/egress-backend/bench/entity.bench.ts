/* eslint-disable no-console */
/**
 * `GET /api/egress/entity` through the real backend (packages/backend, with
 * auth, the permission backend and the catalog), against 5 testenv clusters
 * each holding 5,000 ServiceEntries (100 of them in the entity's namespace),
 * with requests of the entity applied on every cluster.
 *
 *   npm run bench:entity           # development mode (backstage-cli package start), as `npm run dev`
 *   npm run bench:entity:production   # the production build (backstage-cli package build) run with node
 *   BENCH_KEEP=1 npm run bench:entity   # leave the clusters running (the next run reuses them)
 *   BENCH_INSPECT=1 ...               # the measured backend listens for an inspector on 127.0.0.1:9339
 *   BENCH_GATEWAY=1 ...               # the entity's requests route through the egress gateway
 *                                     # (attach a profiler while it runs)
 *
 * The production mode runs with NODE_ENV=production; its users sign in with the demo
 * provider, allowed outside development for this loopback-only backend by
 * `auth.providers.demo.dangerouslyAllowOutsideDevelopment` in a config file of the run.
 *
 * Prints a markdown section for BENCHMARKS.md and writes the numbers as JSON
 * to bench-results/entity-<mode>.json.
 */
import { startCluster, stopCluster, ClusterInfo } from '@backstage-egress/testenv';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeHttp, kubeConfigFor } from '../src/kubernetes/KubeClients';
import { KIND_ORDER, collectionPath } from '../src/kubernetes/kinds';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '@backstage-egress/plugin-egress-common';
import { buildProductionBackend } from 'backend/src/__testUtils__/productionBuild';
import { BackendCluster, StartedBackend, startBackend } from 'backend/src/__testUtils__/startBackend';
import { SlowProxy, startSlowProxy } from './slowProxy';
import { cpuMsOfTree, fmt, machine, percentiles, rssOfTree } from './stats';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 5);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 5000);
const IN_PAYMENTS = 100;
const OTHER_NAMESPACES = 49;
const REQUESTS_OF_ENTITY = Number(process.env.BENCH_ENTITY_REQUESTS ?? 10);
/** The entity's requests through the egress gateway (their views render the hosts' shared objects). */
const VIA_GATEWAY = process.env.BENCH_GATEWAY === '1';
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 1000);
const CONCURRENCY = 10;
const SLOW_CALLS = Number(process.env.BENCH_SLOW_CALLS ?? 200);
const SLOW_MS = 200;
const CLUSTER_CALLS = Number(process.env.BENCH_CLUSTER_CALLS ?? 200);
const MODE = process.env.BENCH_MODE === 'production' ? 'production' : 'development';
/** Sequential `/entity` calls after the timed phases, RSS sampled every SOAK / 10 (production mode by default). */
const SOAK = Number(process.env.BENCH_SOAK ?? (MODE === 'production' ? 10_000 : 0));
const ROOT = path.resolve(__dirname, '../../..');
const ENTITY = 'component:default/payments-api';

const names = Array.from({ length: CLUSTERS }, (_, i) => `bench-entity-${i + 1}`);
const otherNamespaces = Array.from({ length: OTHER_NAMESPACES }, (_, i) => `bench-${i}`);

function clusterSettings(info: ClusterInfo, token: string) {
  return {
    name: info.name, title: info.name, url: info.server, authProvider: 'serviceAccount' as const, serviceAccountToken: token,
    caData: info.caData, skipTLSVerify: false, istioNamespace: 'istio-system',
    egressGateway: { selector: { istio: 'egressgateway' }, serviceHost: 'istio-egressgateway.istio-system.svc.cluster.local' },
  };
}

/** 5,000 ServiceEntries: 100 in payments, the rest spread over 49 namespaces (skipped when present). */
async function load(info: ClusterInfo) {
  const admin = new KubeHttp(info.name, kubeConfigFor(clusterSettings(info, info.tokens.admin)));
  try {
    const last = otherNamespaces[OTHER_NAMESPACES - 1];
    const existing = await admin.request<{ items: unknown[] }>('GET', collectionPath('ServiceEntry', 'v1', last));
    if (existing.items.length > 0) return 0;
    const started = Date.now();
    const namespaceOf = (n: number) => (n < IN_PAYMENTS ? 'payments' : otherNamespaces[n % OTHER_NAMESPACES]);
    for (let i = 0; i < ENTRIES; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, ENTRIES - i) }, (_, j) => {
          const n = i + j;
          const ns = namespaceOf(n);
          return admin.request('POST', collectionPath('ServiceEntry', 'v1', ns), {
            body: {
              apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry',
              metadata: { name: `se-${n}`, namespace: ns, labels: { app: `app-${n % 20}`, team: 'bench' } },
              spec: {
                hosts: [`host-${n}.example.com`], location: 'MESH_EXTERNAL', resolution: 'DNS',
                ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 80, name: 'http', protocol: 'HTTP' }],
              },
            },
            timeoutMs: 60000,
          });
        }),
      );
    }
    return Date.now() - started;
  } finally {
    admin.close();
  }
}

/**
 * Removes what the plugin applied in an earlier run on kept clusters (BENCH_KEEP): each run
 * starts on a fresh database, so those objects would be orphans that add to the entity's
 * inventory run after run. Each run then measures the same answer.
 */
async function removeEarlierRuns(info: ClusterInfo) {
  const admin = new KubeHttp(info.name, kubeConfigFor(clusterSettings(info, info.tokens.admin)));
  const selector = `?labelSelector=${encodeURIComponent(`${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`)}`;
  try {
    for (const namespace of ['payments', 'istio-system']) {
      for (const kind of KIND_ORDER) {
        await admin.request('DELETE', `${collectionPath(kind, 'v1', namespace)}${selector}`, { timeoutMs: 60000 });
      }
    }
  } finally {
    admin.close();
  }
}

/** The clusters under `egress.clusters`, the plugin reading them with its own service account. */
function backendClusters(infos: ClusterInfo[], slow: SlowProxy): BackendCluster[] {
  return infos.map((info, i) => ({
    name: info.name,
    // The first cluster through the proxy that can slow it down.
    url: i === 0 ? `https://127.0.0.1:${slow.port}` : info.server,
    caData: info.caData,
    serviceAccountToken: info.tokens['backstage-egress'],
    istioAnalysis: true,
  }));
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, backend: StartedBackend, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${backend.output()}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * BENCH_INSPECT=1: the inspector on 127.0.0.1:9339; BENCH_CPU_PROF=<dir>: `node --cpu-prof`,
 * written when the backend exits (in runs of 2026-12-02 only the empty-cache backend's profile
 * was written; attach to BENCH_INSPECT's inspector instead).
 */
function profilingArgs(): string[] {
  if (process.env.BENCH_INSPECT) return ['--inspect=127.0.0.1:9339'];
  if (process.env.BENCH_CPU_PROF) return ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`];
  return [];
}

/** A config file letting the demo sign-in issue tokens under NODE_ENV=production (the run's own backend only). */
function demoOutsideDevelopment() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'egress-bench-')), 'app-config.demo.yaml');
  fs.writeFileSync(file, 'auth:\n  providers:\n    demo:\n      dangerouslyAllowOutsideDevelopment: true\n');
  return file;
}

const EMPTY_CALLS = 200;
const UNCACHED_CALLS = Number(process.env.BENCH_UNCACHED_CALLS ?? 200);

/** RSS of the backend with the same cluster names but nothing to cache, after start-up and some calls. */
async function emptyCacheRss(productionEntry: string | undefined): Promise<number> {
  const backend = await startBackend({
    configFiles: ['app-config.yaml', 'app-config.development.yaml', ...(productionEntry ? [demoOutsideDevelopment()] : [])],
    nodeEnv: MODE,
    clusters: names.map(name => ({ name, url: 'https://127.0.0.1:1', serviceAccountToken: 'unused' })),
    productionEntry,
  });
  try {
    const token = await until('sign-in on the empty-cache backend', async () => {
      const res = await fetch(`${backend.baseUrl}/api/auth/demo/refresh`, { headers: { 'x-egress-demo-user': 'alice' } });
      return res.ok ? ((await res.json()).backstageIdentity.token as string) : undefined;
    }, backend);
    for (let i = 0; i < EMPTY_CALLS; i++) {
      await (await fetch(`${backend.baseUrl}/api/egress/clusters`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    }
    await new Promise(r => setTimeout(r, 5000));
    return rssOfTree(backend.pid);
  } finally {
    await backend.stop();
  }
}

async function main() {
  const productionEntry = MODE === 'production' ? buildProductionBackend(line => console.log(line)) : undefined;
  const t0 = Date.now();
  const infos: ClusterInfo[] = [];
  for (const name of names) infos.push(await startCluster({ name, namespaces: otherNamespaces }));
  console.log(`${CLUSTERS} clusters up in ${Date.now() - t0} ms`);
  await Promise.all(infos.map(removeEarlierRuns));
  const loadMs = await Promise.all(infos.map(load));
  console.log(`ServiceEntries loaded (ms per cluster, 0 = already there): ${loadMs.join(', ')}`);

  // The same backend with empty caches: the clusters' names at an address nothing answers.
  const emptyCaches = await emptyCacheRss(productionEntry);
  console.log(`backend with empty caches: ${emptyCaches} MiB RSS`);

  const server = new URL(infos[0].server);
  const slow = await startSlowProxy({ host: server.hostname, port: Number(server.port) });
  // A database file the uncached run below reopens: the same requests, the same view.
  const database = ['    client: better-sqlite3', '    connection:', `      directory: '${fs.mkdtempSync(path.join(os.tmpdir(), 'egress-bench-db-'))}'`];
  const startAt = Date.now();
  const backend = await startBackend({
    database,
    configFiles: ['app-config.yaml', 'app-config.development.yaml', ...(productionEntry ? [demoOutsideDevelopment()] : [])],
    nodeEnv: MODE,
    clusters: backendClusters(infos, slow),
    productionEntry,
    // Production mode only: in development mode node runs the CLI, which starts the backend as its child.
    nodeArgs: profilingArgs(),
  });
  const base = backend.baseUrl;
  try {
    const signIn = (user: string) => until(`sign-in of ${user}`, async () => {
      const res = await fetch(`${base}/api/auth/demo/refresh`, { headers: { 'x-egress-demo-user': user } });
      return res.ok ? ((await res.json()).backstageIdentity.token as string) : undefined;
    }, backend);
    const alice = await signIn('alice');
    const carol = await signIn('carol');
    const get = (p: string, token = alice) => fetch(`${base}/api/egress${p}`, { headers: { authorization: `Bearer ${token}` } });
    await until('all caches synced', async () => {
      const { items } = await (await get('/clusters')).json();
      return items.length === CLUSTERS && items.every((c: any) => c.synced) ? true : undefined;
    }, backend);
    const syncedMs = Date.now() - startAt;
    console.log(`backend healthy, signed in, ${CLUSTERS} caches synced ${syncedMs} ms after spawn`);

    // Requests of the entity, approved and applied on every cluster.
    for (let i = 0; i < REQUESTS_OF_ENTITY; i++) {
      const body = {
        entityRef: ENTITY, clusters: names, hosts: [`svc-${i}.bench.example.com`], ports: [{ number: 443, protocol: 'TLS' }],
        viaEgressGateway: VIA_GATEWAY, justification: 'benchmark of the entity view',
      };
      const post = (p: string, b: object, token: string) =>
        fetch(`${base}/api/egress${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(b) });
      const created = await post('/requests', body, alice);
      if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
      const { id } = await created.json();
      const approved = await (await post(`/requests/${id}/approve`, {}, carol)).json();
      // Approve records the decision; the reconciler applies right after.
      if (!['approved', 'active'].includes(approved.status)) throw new Error(`approve: ${JSON.stringify(approved)}`);
    }
    await until('every request applied on every cluster', async () => {
      const view = await (await get(`/entity?entityRef=${encodeURIComponent(ENTITY)}`)).json();
      const applied = view.targets.filter((t: any) => t.status === 'applied').length;
      return applied >= REQUESTS_OF_ENTITY * CLUSTERS ? true : undefined;
    }, backend);
    const rssSynced = rssOfTree(backend.pid);

    const entityPath = `/entity?entityRef=${encodeURIComponent(ENTITY)}`;
    const first = await get(entityPath);
    const body = await first.text();
    if (first.status !== 200) throw new Error(`/entity: ${first.status} ${body}`);
    const parsed = JSON.parse(body);
    const resources = parsed.inventory.reduce((n: number, i: any) => n + i.resources.length, 0);
    const applied = parsed.targets.filter((t: any) => t.status === 'applied' && t.istio).length;
    console.log(`/entity: ${body.length} bytes, ${resources} inventory resources, ${parsed.requests.length} requests, ${applied} applied targets with Istio's verdict`);

    const timed = async (p: string) => {
      const t = process.hrtime.bigint();
      const res = await get(p);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    for (let i = 0; i < 30; i++) await timed(entityPath);
    const sequential: number[] = [];
    const cpuBefore = cpuMsOfTree(backend.pid);
    for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await timed(entityPath));
    const cpuPerRequest = (cpuMsOfTree(backend.pid) - cpuBefore) / SEQUENTIAL;
    const clusters: number[] = [];
    for (let i = 0; i < CLUSTER_CALLS; i++) clusters.push(await timed('/clusters'));
    const concurrent: number[] = [];
    let next = 0;
    const cStart = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < CONCURRENT) concurrent.push(await timed(entityPath));
    }));
    const rps = CONCURRENT / ((Date.now() - cStart) / 1000);
    const rssAfter = rssOfTree(backend.pid);

    // One slow cluster: everything between the backend and the first cluster's API server 200 ms later each way.
    slow.delayMs = SLOW_MS;
    const slowed: number[] = [];
    for (let i = 0; i < SLOW_CALLS; i++) slowed.push(await timed(entityPath));
    slow.delayMs = 0;
    const w = percentiles(slowed);

    // RSS over a long sequential run: flat, or growing.
    const soak: Array<{ requests: number; rssMiB: number }> = [{ requests: 0, rssMiB: rssOfTree(backend.pid) }];
    for (let i = 1; i <= SOAK; i++) {
      await timed(entityPath);
      if (i % Math.max(1, Math.round(SOAK / 10)) === 0) soak.push({ requests: i, rssMiB: rssOfTree(backend.pid) });
    }

    // The same view with the inventory read live, on the same database: this backend stops first.
    await backend.stop();
    const u = await uncachedRun(productionEntry, database, backendClusters(infos, slow));

    const s = percentiles(sequential);
    const c = percentiles(concurrent);
    const k = percentiles(clusters);
    const results = {
      mode: MODE, date: new Date().toISOString(), machine: machine(), clusters: CLUSTERS, entries: ENTRIES,
      responseBytes: body.length, resources, requests: parsed.requests.length, viaEgressGateway: VIA_GATEWAY, appliedTargets: applied,
      syncedMs, cpuMsPerRequest: cpuPerRequest, sequential: s, concurrent: { ...c, rps }, clustersRoute: k, oneSlowCluster: w, rssSyncedMiB: rssSynced, rssAfterMiB: rssAfter,
      rssEmptyCachesMiB: emptyCaches, soak, uncached: u,
    };
    const dir = path.join(ROOT, 'bench-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `entity-${MODE}.json`), `${JSON.stringify(results, null, 2)}\n`);
    console.log([
      `### \`/entity\` through the backend (${MODE} mode), ${CLUSTERS} clusters × ${ENTRIES} ServiceEntries (${results.date})`,
      '',
      `Machine: ${results.machine}. Load average at the end: ${os.loadavg().map(l => l.toFixed(1)).join(' ')}.`,
      `Response ${body.length} bytes: ${resources} inventory resources, ${parsed.requests.length} requests${VIA_GATEWAY ? ' through the egress gateway' : ''}, ${applied} applied targets with Istio's verdict.`,
      '',
      '| measure | p50 | p95 | p99 | max | req/s |',
      '| --- | --- | --- | --- | --- | --- |',
      `| \`/entity\`, ${SEQUENTIAL} sequential | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${(1000 / s.mean).toFixed(0)} |`,
      `| \`/entity\`, ${CONCURRENT} at concurrency ${CONCURRENCY} | ${fmt(c.p50)} | ${fmt(c.p95)} | ${fmt(c.p99)} | ${fmt(c.max)} | ${rps.toFixed(0)} |`,
      `| \`/entity\`, ${SLOW_CALLS} sequential, one cluster ${SLOW_MS} ms slower each way | ${fmt(w.p50)} | ${fmt(w.p95)} | ${fmt(w.p99)} | ${fmt(w.max)} | ${(1000 / w.mean).toFixed(0)} |`,
      `| \`/entity\`, ${UNCACHED_CALLS} sequential, inventory read live from the API servers (uncached, ${u.resources} resources) | ${fmt(u.p50)} | ${fmt(u.p95)} | ${fmt(u.p99)} | ${fmt(u.max)} | ${(1000 / u.mean).toFixed(0)} |`,
      `| \`/clusters\`, ${CLUSTER_CALLS} sequential | ${fmt(k.p50)} | ${fmt(k.p95)} | ${fmt(k.p99)} | ${fmt(k.max)} | ${(1000 / k.mean).toFixed(0)} |`,
      '',
      `Uncached / cached through the same HTTP stack: p50 ${(u.p50 / s.p50).toFixed(1)}×, p99 ${(u.p99 / s.p99).toFixed(1)}×.`,
      '',
      `Backend CPU time per sequential \`/entity\` (user + system, whole process tree): ${cpuPerRequest.toFixed(1)} ms.`,
      '',
      `Backend RSS (process tree): ${rssSynced} MiB after sync and seeding, ${rssAfter} MiB after ${SEQUENTIAL + CONCURRENT + CLUSTER_CALLS + 30} more requests. Caches synced ${syncedMs} ms after spawn.`,
      `The same backend with empty caches (the ${CLUSTERS} clusters unreachable), after start-up and ${EMPTY_CALLS} \`/clusters\` calls: ${emptyCaches} MiB, so the caches and what came with them add ${rssSynced - emptyCaches} MiB.`,
      ...(SOAK > 0
        ? ['', `RSS (MiB) over ${SOAK} further sequential \`/entity\` calls:`, '', `| requests | ${soak.map(p => p.requests).join(' | ')} |`, `| --- |${soak.map(() => ' --- |').join('')}`, `| RSS MiB | ${soak.map(p => p.rssMiB).join(' | ')} |`]
        : []),
    ].join('\n'));
  } finally {
    await backend.stop();
    await slow.close();
    if (!process.env.BENCH_KEEP) for (const name of names) await stopCluster(name);
  }
}

/**
 * `/entity` with every inventory read live from the API servers (EGRESS_BENCH_UNCACHED_INVENTORY),
 * otherwise the same backend, database and clusters: the uncached fan-out through the HTTP stack.
 */
async function uncachedRun(productionEntry: string | undefined, database: string[], clusters: BackendCluster[]) {
  const backend = await startBackend({
    configFiles: ['app-config.yaml', 'app-config.development.yaml', ...(productionEntry ? [demoOutsideDevelopment()] : [])],
    nodeEnv: MODE,
    clusters,
    productionEntry,
    database,
    env: { EGRESS_BENCH_UNCACHED_INVENTORY: '1' },
  });
  try {
    const token = await until('sign-in on the uncached backend', async () => {
      const res = await fetch(`${backend.baseUrl}/api/auth/demo/refresh`, { headers: { 'x-egress-demo-user': 'alice' } });
      return res.ok ? ((await res.json()).backstageIdentity.token as string) : undefined;
    }, backend);
    const entityPath = `/api/egress/entity?entityRef=${encodeURIComponent(ENTITY)}`;
    const once = async () => {
      const t = process.hrtime.bigint();
      const res = await fetch(`${backend.baseUrl}${entityPath}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`uncached /entity: ${res.status} ${JSON.stringify(body)}`);
      return { ms: Number(process.hrtime.bigint() - t) / 1e6, body };
    };
    await until('every live inventory read', async () => {
      const { body } = await once();
      return body.inventory.every((i: any) => i.synced) ? true : undefined;
    }, backend);
    for (let i = 0; i < 20; i++) await once();
    const samples: number[] = [];
    let resources = 0;
    for (let i = 0; i < UNCACHED_CALLS; i++) {
      const { ms, body } = await once();
      samples.push(ms);
      resources = body.inventory.reduce((n: number, inv: any) => n + inv.resources.length, 0);
    }
    return { ...percentiles(samples), resources };
  } finally {
    await backend.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
