/* eslint-disable no-console */
/**
 * Approve → every resource applied on 3 loopback test clusters, observed from
 * the clusters' side, and the repair of a deleted managed resource.
 *
 *   npm run bench:approve
 *   BENCH_APPROVALS=20 BENCH_INTERVAL_SECONDS=5 npm run bench:approve   (default: 100, the default 30 s)
 *
 * The egress backend plugin runs in-process in a Backstage test backend
 * (startTestBackend): the real plugin and config, Backstage's real scheduler,
 * the real store on PostgreSQL (scripts/postgres.js, a fresh database), and
 * 3 test clusters (etcd + kube-apiserver on 127.0.0.1, from testenv).
 * Requests are created and approved over HTTP through the plugin's router.
 *
 * For each of the approvals (one at a time, each for a new external host
 * through the egress gateway, on all 3 clusters): the time from sending
 * POST /approve until a watch on every cluster (as admin) has seen every
 * object the request renders there (its own and those shared per host).
 * Then, for a few applied requests, a ServiceEntry is deleted as admin and
 * timed until the watch sees it again, against the reconcile interval + 1 s.
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RESOURCE_KINDS } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo, startCluster, stopCluster } from '@backstage-egress/testenv';
import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import knexFactory from 'knex';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { draft, ENTITIES, USERS } from '../src/__testUtils__/fakes';
import { egressPlugin } from '../src/plugin';
import { fmt, machine, percentiles } from './stats';

const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 100);
const INTERVAL_SECONDS = Number(process.env.BENCH_INTERVAL_SECONDS ?? 30);
const REPAIRS = Number(process.env.BENCH_REPAIRS ?? 5);
const CLUSTERS = ['bench-approve-a', 'bench-approve-b', 'bench-approve-c'];
const DB = 'egress_bench_approve';
const ROOT = path.resolve(__dirname, '../../..');
const owner = mockCredentials.user.header(USERS.owner.ref);
const platform = mockCredentials.user.header(USERS.platform.ref);

type Key = string;
const keyOf = (cluster: string, kind: string, namespace: string, name: string): Key => `${cluster}/${kind}/${namespace}/${name}`;

/** Every object the watches saw created, with when (performance.now()). */
class Observed {
  private readonly seen = new Map<Key, number[]>();
  private waiters: Array<() => void> = [];

  record(key: Key) {
    const at = performance.now();
    this.seen.set(key, [...(this.seen.get(key) ?? []), at]);
    for (const w of this.waiters.splice(0)) w();
  }

  /** When every key has been seen after `since`: the latest of their first sightings. */
  async allAfter(keys: Key[], since: number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const firsts = keys.map(k => (this.seen.get(k) ?? []).find(t => t >= since));
      if (firsts.every(t => t !== undefined)) return Math.max(...(firsts as number[]));
      if (performance.now() > deadline) {
        throw new Error(`not seen in ${timeoutMs} ms: ${keys.filter((_, i) => firsts[i] === undefined).join(', ')}`);
      }
      await new Promise<void>(r => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
}

/**
 * Watches every managed kind on a cluster as admin, recording what it sees;
 * a watch that ends or fails (e.g. 429 while the API server warms up) starts again.
 */
async function watchCluster(cluster: ClusterInfo, observed: Observed) {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const watch = new Watch(kc);
  let stopped = false;
  const current = new Map<string, { abort(): void }>();
  const start = async (kind: (typeof RESOURCE_KINDS)[number]): Promise<void> => {
    if (stopped) return;
    const again = () => {
      if (!stopped) setTimeout(() => start(kind).catch(again), 500);
    };
    const url = `/apis/${kind.group}/${kind.versions[0]}/${kind.plural}`;
    try {
      current.set(
        kind.plural,
        await watch.watch(
          url,
          {},
          (type, obj) => {
            // Creations only: a deleted object seen again was re-created (a re-listing
          // after a watch restart shows only objects that exist).
          if (type === 'ADDED') {
              observed.record(keyOf(cluster.name, obj.kind, obj.metadata.namespace, obj.metadata.name));
            }
          },
          () => again(),
        ),
      );
    } catch {
      again();
    }
  };
  await Promise.all(RESOURCE_KINDS.map(start));
  return {
    kc,
    stop: () => {
      stopped = true;
      current.forEach(c => c.abort());
    },
  };
}

async function main() {
  const connection: string = await require(path.join(ROOT, 'scripts/postgres.js')).start();
  const admin = knexFactory({ client: 'pg', connection });
  await admin.raw(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.raw(`CREATE DATABASE ${DB}`);
  const knex = knexFactory({ client: 'pg', connection: `${connection.replace(/\/[^/]*$/, '')}/${DB}`, pool: { min: 1, max: 10 } });
  const clusters: ClusterInfo[] = [];
  const watches: Array<Awaited<ReturnType<typeof watchCluster>>> = [];
  const observed = new Observed();
  const started = new Date();
  const load = [os.loadavg()[0]];
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  try {
    const t0 = performance.now();
    for (const name of CLUSTERS) clusters.push(await startCluster({ name }));
    console.error(`3 clusters up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const c of clusters) watches.push(await watchCluster(c, observed));

    backend = await startTestBackend({
      features: [
        egressPlugin,
        schedulerServiceFactory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            egress: {
              clusters: clusters.map(c => ({ name: c.name, url: c.server, caData: c.caData, serviceAccountToken: c.tokens['backstage-egress'] })),
              reconcileIntervalSeconds: INTERVAL_SECONDS,
            },
          },
        }),
        catalogServiceMock.factory({ entities: ENTITIES }),
        // Permission checks run, and allow (the demo policy's decisions are not what is measured here).
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    const { server } = backend;
    // The caches sync in the background: wait until the plugin reads every cluster.
    for (;;) {
      const res = await request(server).get('/api/egress/clusters').set('Authorization', owner);
      if (res.body.items?.length === 3 && res.body.items.every((c: { synced: boolean }) => c.synced)) break;
      await new Promise(r => setTimeout(r, 250));
    }

    const samples: number[] = [];
    const answers: number[] = [];
    const cpuBefore = process.cpuUsage();
    const applied: Array<{ id: string; manifests: Array<{ cluster: string; kind: string; namespace: string; name: string }> }> = [];
    for (let i = 0; i < APPROVALS; i++) {
      const created = await request(server)
        .post('/api/egress/requests')
        .set('Authorization', owner)
        .send(draft({ clusters: CLUSTERS, hosts: [`api-${i}.bench-approve.example`] }));
      if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
      const id = created.body.id;
      const detail = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
      const manifests = detail.body.manifests.flatMap((c: { cluster: string; manifests: Array<{ kind: string; metadata: { namespace: string; name: string } }> }) =>
        c.manifests.map(m => ({ cluster: c.cluster, kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name })),
      );
      const keys = manifests.map((m: { cluster: string; kind: string; namespace: string; name: string }) => keyOf(m.cluster, m.kind, m.namespace, m.name));
      const sent = performance.now();
      const approved = await request(server).post(`/api/egress/requests/${id}/approve`).set('Authorization', platform).send({});
      answers.push(performance.now() - sent);
      if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
      const done = await observed.allAfter(keys, sent, 30_000);
      samples.push(done - sent);
      applied.push({ id, manifests });
      if (i % 10 === 9) load.push(os.loadavg()[0]);
    }

    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerApproval = (cpu.user + cpu.system) / 1000 / APPROVALS;

    // Repair: delete a request's ServiceEntry on one cluster, as admin; time until it is back.
    // Each deletion comes at a random point of the reconcile interval (a pause of 0 to one
    // interval first), and later requests first, so that one pass, still going through the
    // requests in order, does not repair the next deletion within moments by coincidence.
    const repairs: number[] = [];
    for (let i = 0; i < REPAIRS; i++) {
      await new Promise(r => setTimeout(r, Math.random() * INTERVAL_SECONDS * 1000));
      const { manifests } = applied[applied.length - 1 - i * Math.floor(applied.length / REPAIRS)];
      const se = manifests.find(m => m.kind === 'ServiceEntry' && m.cluster === CLUSTERS[i % 3])!;
      const cluster = clusters.find(c => c.name === se.cluster)!;
      const api = watches[clusters.indexOf(cluster)].kc.makeApiClient(CustomObjectsApi);
      const kind = RESOURCE_KINDS.find(k => k.kind === 'ServiceEntry')!;
      const deleted = performance.now();
      await api.deleteNamespacedCustomObject({ group: kind.group, version: kind.versions[0], namespace: se.namespace, plural: kind.plural, name: se.name });
      const back = await observed.allAfter([keyOf(se.cluster, se.kind, se.namespace, se.name)], deleted, (INTERVAL_SECONDS + 30) * 1000);
      repairs.push(back - deleted);
    }
    load.push(os.loadavg()[0]);
    // Drift repairs the reconciler recorded: only the deletions above should have caused any.
    let drifts = 0;
    for (const { id } of applied) {
      const detail = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
      drifts += detail.body.events.filter((e: { action: string }) => e.action === 'drift').length;
    }

    const p = percentiles(samples);
    const a = percentiles(answers);
    const objects = applied[0].manifests.length;
    console.log(`## Approve → applied on 3 clusters; deleted resource repaired (${started.toISOString().replace(/\.\d+Z$/, 'Z')})

Command: \`npm run bench:approve\` (plugins/egress-backend/bench/approve.bench.ts), ${APPROVALS} approvals,
reconcile interval ${INTERVAL_SECONDS} s. Machine: ${machine()}. Load average (1 min) during the run:
${Math.min(...load).toFixed(1)} to ${Math.max(...load).toFixed(1)}.

The plugin in-process in a Backstage test backend (real plugin, config, scheduler and router;
store on PostgreSQL from scripts/postgres.js; permissions allow), 3 loopback test clusters (etcd + kube-apiserver).
Each approval is one new host through the egress gateway on all 3 clusters: ${objects} objects
(${objects / 3} per cluster). Measured from sending POST /approve until a watch on every cluster
has seen every one of them created; approvals one at a time.

| | p50 | p95 | max |
| --- | --- | --- | --- |
| approve → all objects seen on 3 clusters | ${fmt(p.p50)} | ${fmt(p.p95)} | ${fmt(p.max)} |
| POST /approve answered | ${fmt(a.p50)} | ${fmt(a.p95)} | ${fmt(a.max)} |

Goal p95 ≤ 300 ms: ${p.p95 <= 300 ? 'met' : 'not met'}. CPU time of this process (backend, plus the bench's
HTTP client and watches) per approval, create included: ${fmt(cpuPerApproval)}.

${repairs.length === 0 ? 'No deletions (BENCH_REPAIRS=0): repair not measured.' : `Deleted ServiceEntry re-applied (${REPAIRS} deletions as admin, one cluster each, each at a random
point of the interval), against the
reconcile interval + 1 s = ${INTERVAL_SECONDS + 1} s: ${repairs.map(r => `${(r / 1000).toFixed(2)} s`).join(', ')}
(max ${(Math.max(...repairs) / 1000).toFixed(2)} s: ${Math.max(...repairs) <= (INTERVAL_SECONDS + 1) * 1000 ? 'within' : 'over'}).`}
Drift repairs recorded in the audit trails: ${drifts} (${REPAIRS} deletions).`);
  } finally {
    for (const w of watches) w.stop();
    await backend?.stop();
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
    await admin.destroy();
    for (const name of CLUSTERS) await stopCluster(name).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
