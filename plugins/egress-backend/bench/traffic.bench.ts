/* eslint-disable no-console */
/**
 * `GET /traffic` latency for an entity with 50 hosts on 2 clusters: each cluster has
 * its own real Prometheus scraping its own traffic simulator, loaded with one sample a
 * minute for every host's requests, connections and bytes over the last half hour.
 * Measured on the traffic service (what the route awaits), uncached and cached.
 *
 *   npm run bench:traffic
 *   BENCH_HOSTS=20 BENCH_REQUESTS=50 npm run bench:traffic
 */
import { ConfigReader } from '@backstage/config';
import type { NamespaceInventory } from '@backstage-egress/plugin-egress-common';
import { PrometheusInstance, TrafficSimulator, startPrometheus } from '@backstage-egress/testenv';
import os from 'node:os';
import { ClusterDirectory } from '../src/clusters/ClusterDirectory';
import { ScriptedSeries, memoryCache, playTimeline } from '../src/__testUtils__/traffic';
import { TrafficService } from '../src/traffic/TrafficService';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 50);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const POINTS = 30;
const CLUSTERS = ['bench-east', 'bench-west'];

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: p(0.5), p95: p(0.95), p99: p(0.99), max: s[s.length - 1] };
}
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);

const hosts = Array.from({ length: HOSTS }, (_, i) => `api-${i}.example.com`);

function script(): ScriptedSeries[] {
  const series: ScriptedSeries[] = [];
  const ramp = (k: number) => Array.from({ length: POINTS }, (_, i) => i * k);
  hosts.forEach((host, i) => {
    const http = { namespace: 'payments', workload: 'payments-api', host, protocol: 'http' as const };
    const tcp = { ...http, protocol: 'tcp' as const };
    series.push({ metric: 'istio_requests_total', flow: http, values: ramp(5 + (i % 7)) });
    series.push({ metric: 'istio_requests_total', flow: { ...http, responseCode: '503' }, values: ramp(i % 2) });
    series.push({ metric: 'istio_tcp_connections_opened_total', flow: tcp, values: ramp(1) });
    series.push({ metric: 'istio_tcp_sent_bytes_total', flow: tcp, values: ramp(1000) });
    series.push({ metric: 'istio_tcp_received_bytes_total', flow: tcp, values: ramp(5000) });
  });
  series.push({
    metric: 'istio_tcp_connections_closed_total',
    flow: { namespace: 'payments', workload: 'payments-api', protocol: 'tcp', cluster: 'BlackHoleCluster' },
    values: ramp(1),
  });
  return series;
}

async function main() {
  const end = Math.floor(Date.now() / 60_000) * 60;
  const sims = CLUSTERS.map(() => new TrafficSimulator());
  const proms: PrometheusInstance[] = [];
  try {
    const t0 = Date.now();
    for (const [i, name] of CLUSTERS.entries()) {
      proms.push(await startPrometheus({ name, targets: [await sims[i].listen()] }));
    }
    await Promise.all(sims.map(sim => playTimeline(sim, script(), end)));
    console.log(`Loaded ${script().length} series x ${POINTS} samples into each of ${CLUSTERS.length} Prometheus in ${Date.now() - t0} ms`);

    const clusters = ClusterDirectory.fromConfig(
      new ConfigReader({ egress: { clusters: CLUSTERS.map((name, i) => ({ name, prometheusUrl: proms[i].url })) } }),
      { defaultClusterName: () => 'unused' },
    );
    const inventory: NamespaceInventory[] = CLUSTERS.map(cluster => ({
      cluster, namespace: 'payments', synced: true, effectiveMode: 'REGISTRY_ONLY',
      resources: hosts.map(h => ({ kind: 'ServiceEntry' as const, namespace: 'payments', name: h, managed: false, hosts: [h], addresses: [], ports: [443] })),
    }));
    const scope = { entityRef: 'component:default/payments-api', namespace: 'payments', inventory };
    const settings = { unusedAfterDays: 30, cacheSeconds: 15 };
    const uncached = new TrafficService({ clusters, settings });
    const cached = new TrafficService({ clusters, settings, cache: memoryCache() });

    const check = await uncached.entityTraffic(scope, '1h');
    const shown = check.clusters.map(c => `${c.cluster}: ${c.hosts.filter(h => h.requests > 0).length} hosts with traffic${c.error ? `, error ${c.error}` : ''}`);
    console.log(shown.join('; '));

    const rows: string[] = [];
    for (const window of ['1h', '24h', '7d'] as const) {
      for (const [label, service] of [['uncached', uncached], ['cached', cached]] as const) {
        for (let i = 0; i < 5; i++) await service.entityTraffic(scope, window);
        const samples: number[] = [];
        for (let i = 0; i < REQUESTS; i++) {
          const t = process.hrtime.bigint();
          await service.entityTraffic(scope, window);
          samples.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        const p = percentiles(samples);
        rows.push(`| ${window} | ${label} | ${fmt(p.p50)} | ${fmt(p.p95)} | ${fmt(p.p99)} | ${fmt(p.max)} |`);
      }
    }
    console.log(`\n## /traffic: ${HOSTS} hosts on ${CLUSTERS.length} clusters (${new Date().toISOString()})\n`);
    console.log(`Command: \`npm run bench:traffic\` (${REQUESTS} calls per row after 5 warm-up calls; ${os.cpus().length} cores, Node ${process.version}; Prometheus ${'2.42'} from Debian on loopback).\n`);
    console.log('| window | path | p50 | p95 | p99 | max |\n| --- | --- | --- | --- | --- | --- |');
    console.log(rows.join('\n'));
  } finally {
    for (const p of proms) await p.stop();
    for (const s of sims) await s.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
