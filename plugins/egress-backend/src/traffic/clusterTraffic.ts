import type {
  BlockedAttempts,
  ClusterTraffic,
  HostTraffic,
  MeshMode,
  UnusedGrant,
} from '@backstage-egress/plugin-egress-common';
import { PrometheusClient, PromSeries } from './PrometheusClient';
import {
  TrafficSource,
  attemptsQuery,
  hostActivityQuery,
  hostQueries,
  usedHostsQuery,
} from './promql';

/** An active grant of the entity on one cluster, from the request store. */
export interface Grant {
  requestId: string;
  hosts: string[];
  appliedAt: string;
}

/** What one cluster's traffic answer is computed from. */
export interface ClusterTrafficInput {
  cluster: string;
  client: PrometheusClient;
  namespace: string;
  gateway: { namespace: string; workload: string };
  meshMode?: MeshMode;
  /** Hosts the namespace may reach (its ServiceEntries' hosts). */
  hosts: string[];
  grants: Grant[];
  /** Window end and length, bucket length (seconds). */
  end: number;
  windowSeconds: number;
  step: number;
  unusedAfterDays: number;
}

const NOTES: Record<MeshMode, string> = {
  REGISTRY_ONLY:
    'Mesh mode REGISTRY_ONLY: calls to hosts without a ServiceEntry are blocked (BlackHoleCluster). HTTP attempts name their host; TLS and TCP attempts cannot be named from metrics (see the access logs).',
  ALLOW_ANY:
    'Mesh mode ALLOW_ANY: calls to hosts without a ServiceEntry leave the mesh unregistered (PassthroughCluster), uncontrolled. HTTP attempts name their host; TLS and TCP attempts cannot be named from metrics.',
};

/** Reads one cluster's traffic for a namespace from its Prometheus. Throws when Prometheus fails. */
export async function readClusterTraffic(input: ClusterTrafficInput): Promise<ClusterTraffic> {
  const { client, end, windowSeconds, step } = input;
  const sidecars: TrafficSource = { kind: 'sidecars', namespace: input.namespace };
  const gateway: TrafficSource = { kind: 'egress-gateway', ...input.gateway };
  const readSource = async (source: TrafficSource) => {
    const q = hostQueries(source, windowSeconds);
    const [requests, errors, connections, bytes, activity] = await Promise.all([
      client.query(q.requests, end),
      client.query(q.errors, end),
      client.query(q.connections, end),
      client.query(q.bytes, end),
      client.queryRange(hostActivityQuery(source, step), end - windowSeconds + step, end, step),
    ]);
    return {
      requests: byHost(requests),
      errors: byHost(errors),
      connections: byHost(connections),
      bytes: byHost(bytes),
      activity: new Map(activity.map(s => [s.metric.destination_service ?? '', s.values])),
    };
  };
  const needUsage = input.grants.length > 0;
  const [own, viaGateway, attempts, usedOwn, usedGateway] = await Promise.all([
    readSource(sidecars),
    readSource(gateway),
    client.query(attemptsQuery(sidecars, windowSeconds), end),
    needUsage ? client.query(usedHostsQuery(sidecars, input.unusedAfterDays), end) : [],
    needUsage ? client.query(usedHostsQuery(gateway, input.unusedAfterDays), end) : [],
  ]);

  const first = end - windowSeconds + step;
  const hosts: HostTraffic[] = [...new Set(input.hosts)].sort().map(host => {
    const hasTraffic = (d: typeof own) =>
      (d.requests.get(host) ?? 0) + (d.connections.get(host) ?? 0) > 0;
    const useGateway = !hasTraffic(own) && hasTraffic(viaGateway);
    const d = useGateway ? viaGateway : own;
    const requests = d.requests.get(host) ?? 0;
    const errors = d.errors.get(host) ?? 0;
    const connections = d.connections.get(host) ?? 0;
    const series = new Array<number>(60).fill(0);
    for (const [t, v] of d.activity.get(host) ?? []) {
      const i = Math.round((t - first) / step);
      if (i >= 0 && i < series.length) series[i] = v;
    }
    const last = series.map((v, i) => (v > 0 ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    return {
      host,
      source: useGateway ? 'egress-gateway' : 'sidecars',
      requests,
      requestRate: requests / windowSeconds,
      errors,
      ...(requests > 0 ? { errorRatio: errors / requests } : {}),
      connections,
      connectionRate: connections / windowSeconds,
      bytes: d.bytes.get(host) ?? 0,
      ...(last >= 0 ? { lastSeen: new Date((first + last * step) * 1000).toISOString() } : {}),
      series,
    };
  });

  const used = new Set([...byHost(usedOwn).keys(), ...byHost(usedGateway).keys()]);
  const cutoff = end * 1000 - input.unusedAfterDays * 86_400_000;
  const unusedGrants: UnusedGrant[] = input.grants
    .filter(g => Date.parse(g.appliedAt) <= cutoff && !g.hosts.some(h => used.has(h)))
    .map(g => ({ requestId: g.requestId, hosts: g.hosts, appliedAt: g.appliedAt }));

  return {
    cluster: input.cluster,
    ...(input.meshMode ? { meshMode: input.meshMode, attemptsNote: NOTES[input.meshMode] } : {}),
    hosts,
    attempts: toAttempts(attempts),
    unusedGrants,
  };
}

function byHost(series: PromSeries[]): Map<string, number> {
  return new Map(series.map(s => [s.metric.destination_service ?? '', s.values[0]?.[1] ?? 0]));
}

function toAttempts(series: PromSeries[]): BlockedAttempts[] {
  return series
    .map(s => {
      const host = s.metric.destination_service;
      const attempt: BlockedAttempts = {
        workload: s.metric.source_workload ?? 'unknown',
        kind: s.metric.destination_service_name === 'BlackHoleCluster' ? 'blocked' : 'unregistered',
        protocol: s.metric.request_protocol === 'tcp' ? 'tcp' : 'http',
        count: s.values[0]?.[1] ?? 0,
      };
      if (host && host !== 'unknown' && attempt.protocol === 'http') attempt.host = host;
      return attempt;
    })
    .filter(a => a.count > 0)
    .sort((a, b) => b.count - a.count || a.workload.localeCompare(b.workload));
}
