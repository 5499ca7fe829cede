import { ConfigReader } from '@backstage/config';
import type {
  EgressRequestRecord,
  NamespaceInventory,
  RequestTarget,
} from '@backstage-egress/plugin-egress-common';
import {
  Flow,
  PrometheusInstance,
  TrafficSimulator,
  startPrometheus,
} from '@backstage-egress/testenv';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { ScriptedSeries, memoryCache, playTimeline } from '../__testUtils__/traffic';
import { TrafficService } from './TrafficService';

jest.setTimeout(120_000);

const api = (host?: string, extra: Partial<Flow> = {}): Flow => ({
  namespace: 'payments',
  workload: 'payments-api',
  protocol: 'http',
  ...(host ? { host } : {}),
  ...extra,
});
const gateway: Flow = { namespace: 'istio-system', workload: 'istio-egressgateway', host: 'api.github.com', protocol: 'http' };

/** Four points, one minute apart, ending at the window end. */
const SCRIPT: ScriptedSeries[] = [
  { metric: 'istio_requests_total', flow: api('api.stripe.com'), values: [0, 10, 10, 25] },
  { metric: 'istio_requests_total', flow: api('api.stripe.com', { responseCode: '503' }), values: [0, 0, 0, 5] },
  { metric: 'istio_tcp_connections_opened_total', flow: api('db.example.com', { protocol: 'tcp' }), values: [0, 1, 3, 4] },
  { metric: 'istio_tcp_sent_bytes_total', flow: api('db.example.com', { protocol: 'tcp' }), values: [0, 100, 500, 1000] },
  { metric: 'istio_tcp_received_bytes_total', flow: api('db.example.com', { protocol: 'tcp' }), values: [0, 300, 1500, 3000] },
  // Through the egress gateway: the sidecar only sees the gateway; the gateway sees the host.
  { metric: 'istio_requests_total', flow: api('istio-egressgateway.istio-system.svc.cluster.local'), values: [0, 2, 4, 7] },
  { metric: 'istio_requests_total', flow: gateway, values: [0, 2, 4, 7] },
  // Blocked TLS (REGISTRY_ONLY): closed connections, host unknown, flag UH.
  { metric: 'istio_tcp_connections_closed_total', flow: api(undefined, { protocol: 'tcp', cluster: 'BlackHoleCluster' }), values: [0, 1, 1, 3] },
  // Blocked HTTP: 502 from BlackHoleCluster, the host is known.
  { metric: 'istio_requests_total', flow: api('evil.example', { workload: 'payments-worker', cluster: 'BlackHoleCluster' }), values: [0, 0, 0, 2] },
  // Unregistered HTTP through PassthroughCluster.
  { metric: 'istio_requests_total', flow: api('example.org', { workload: 'payments-worker', cluster: 'PassthroughCluster' }), values: [0, 0, 1, 1] },
  // Another namespace: never counted for payments.
  { metric: 'istio_requests_total', flow: { namespace: 'search', workload: 'indexer', host: 'api.stripe.com', protocol: 'http' }, values: [0, 50, 90, 99] },
];

function serviceEntry(name: string, hosts: string[], requestId?: string) {
  return { kind: 'ServiceEntry' as const, namespace: 'payments', name, managed: !!requestId, requestId, hosts, addresses: [], ports: [443] };
}

function inventory(cluster: string): NamespaceInventory {
  return {
    cluster,
    namespace: 'payments',
    synced: true,
    meshMode: 'REGISTRY_ONLY',
    effectiveMode: 'REGISTRY_ONLY',
    resources: [
      serviceEntry('stripe', ['api.stripe.com'], 'r-stripe'),
      serviceEntry('db', ['db.example.com']),
      serviceEntry('github', ['api.github.com']),
      serviceEntry('old', ['old.example.com'], 'r-old'),
      serviceEntry('idle', ['idle.example.com']),
    ],
  };
}

describe('TrafficService against a real Prometheus', () => {
  const sim = new TrafficSimulator();
  let prometheus: PrometheusInstance;
  let stopped: PrometheusInstance;
  // The window end the service computes: the minute boundary before "now".
  const end = Math.floor(Date.now() / 60_000) * 60;
  const now = () => end * 1000 + 30_000;

  beforeAll(async () => {
    const target = await sim.listen();
    [prometheus, stopped] = await Promise.all([
      startPrometheus({ name: 'traffic-test', targets: [target] }),
      startPrometheus({ name: 'traffic-test-stopped', targets: [] }),
    ]);
    await stopped.stop();
    await playTimeline(sim, SCRIPT, end);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await sim.close();
  });

  function service(cacheSeconds = 15) {
    const clusters = ClusterDirectory.fromConfig(
      new ConfigReader({
        egress: {
          clusters: [
            { name: 'east', prometheusUrl: prometheus.url, prometheusTimeoutMs: 3000 },
            { name: 'west', prometheusUrl: stopped.url },
            { name: 'north' },
          ],
        },
      }),
      { defaultClusterName: () => 'unused' },
    );
    return new TrafficService({ clusters, settings: { unusedAfterDays: 30, cacheSeconds }, cache: memoryCache(), now });
  }

  const daysAgo = (d: number) => new Date((end - d * 86400) * 1000).toISOString();
  const request = (id: string, hosts: string[]) =>
    ({ id, hosts, clusters: ['east'], status: 'active', entityRef: 'component:default/payments-api' }) as unknown as EgressRequestRecord;
  const scope = {
    entityRef: 'component:default/payments-api',
    namespace: 'payments',
    inventory: ['east', 'west', 'north'].map(inventory),
    requests: [request('r-stripe', ['api.stripe.com']), request('r-old', ['old.example.com']), request('r-new', ['new.example.com'])],
    targets: [
      { requestId: 'r-stripe', cluster: 'east', appliedAt: daysAgo(40) },
      { requestId: 'r-old', cluster: 'east', appliedAt: daysAgo(40) },
      { requestId: 'r-new', cluster: 'east', appliedAt: daysAgo(1) },
    ] as RequestTarget[],
  };

  const bucket = (values: Record<number, number>) => Array.from({ length: 60 }, (_, i) => values[i] ?? 0);
  const at = (secondsBeforeEnd: number) => new Date((end - secondsBeforeEnd) * 1000).toISOString();

  it('reads exact per-host traffic, attempts and unused grants over 1h', async () => {
    const result = await service().entityTraffic(scope, '1h');
    expect(result).toMatchObject({ window: '1h', step: 60, end: at(0), unusedAfterDays: 30 });
    const east = result.clusters.find(c => c.cluster === 'east')!;
    expect(east.error).toBeUndefined();
    expect(east.hosts).toEqual([
      {
        host: 'api.github.com', source: 'egress-gateway', requests: 7, requestRate: 7 / 3600, errors: 0, errorRatio: 0,
        connections: 0, connectionRate: 0, bytes: 0, lastSeen: at(0), series: bucket({ 57: 2, 58: 2, 59: 3 }),
      },
      {
        host: 'api.stripe.com', source: 'sidecars', requests: 30, requestRate: 30 / 3600, errors: 5, errorRatio: 5 / 30,
        connections: 0, connectionRate: 0, bytes: 0, lastSeen: at(0), series: bucket({ 57: 10, 58: 0, 59: 20 }),
      },
      {
        host: 'db.example.com', source: 'sidecars', requests: 0, requestRate: 0, errors: 0,
        connections: 4, connectionRate: 4 / 3600, bytes: 4000, lastSeen: at(0), series: bucket({ 57: 1, 58: 2, 59: 1 }),
      },
      {
        host: 'idle.example.com', source: 'sidecars', requests: 0, requestRate: 0, errors: 0,
        connections: 0, connectionRate: 0, bytes: 0, series: bucket({}),
      },
      {
        host: 'old.example.com', source: 'sidecars', requests: 0, requestRate: 0, errors: 0,
        connections: 0, connectionRate: 0, bytes: 0, series: bucket({}),
      },
    ]);
    expect(east.attempts).toEqual([
      { workload: 'payments-api', kind: 'blocked', protocol: 'tcp', count: 3 },
      { workload: 'payments-worker', kind: 'blocked', protocol: 'http', host: 'evil.example', count: 2 },
      { workload: 'payments-worker', kind: 'unregistered', protocol: 'http', host: 'example.org', count: 1 },
    ]);
    expect(east.meshMode).toBe('REGISTRY_ONLY');
    expect(east.attemptsNote).toMatch(/^Mesh mode REGISTRY_ONLY: calls to hosts without a ServiceEntry are blocked/);
    // r-stripe has traffic, r-new is younger than 30 days: only r-old is unused.
    expect(east.unusedGrants).toEqual([{ requestId: 'r-old', hosts: ['old.example.com'], appliedAt: daysAgo(40) }]);
  });

  it('reports the cluster whose Prometheus is down, and one without Prometheus, and answers the rest', async () => {
    const result = await service().entityTraffic(scope, '1h');
    const west = result.clusters.find(c => c.cluster === 'west')!;
    expect(west).toMatchObject({ hosts: [], attempts: [], unusedGrants: [], meshMode: 'REGISTRY_ONLY' });
    expect(west.error).toBe(`Prometheus at ${stopped.url}: ECONNREFUSED`);
    expect(result.clusters.find(c => c.cluster === 'north')!.error).toBe('No prometheusUrl is configured for cluster north');
    expect(result.clusters.find(c => c.cluster === 'east')!.hosts).toHaveLength(5);
  });

  it('buckets 24h and 7d windows: all traffic in the last bucket, same totals', async () => {
    for (const [window, step] of [['24h', 1440], ['7d', 10080]] as const) {
      const result = await service().entityTraffic(scope, window);
      expect(result.step).toBe(step);
      const stripe = result.clusters[0].hosts.find(h => h.host === 'api.stripe.com')!;
      expect(stripe).toMatchObject({ requests: 30, errors: 5, lastSeen: at(0), series: bucket({ 59: 30 }) });
      expect(result.clusters[0].attempts.map(a => a.count)).toEqual([3, 2, 1]);
    }
  });

  it('answers from the cache while it is fresh, and does not cache errors', async () => {
    const cached = service();
    const first = await cached.entityTraffic(scope, '1h');
    await prometheus.stop();
    expect(await cached.entityTraffic(scope, '1h')).toEqual(first);
    const other = await cached.entityTraffic(scope, '24h');
    expect(other.clusters[0].error).toBe(`Prometheus at ${prometheus.url}: ECONNREFUSED`);
  });
});
