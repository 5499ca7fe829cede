import type { TrafficWindow } from '@backstage-egress/plugin-egress-common';

/**
 * Every PromQL query of the traffic view, over Istio's standard metrics
 * (https://istio.io/latest/docs/reference/config/metrics/) as reported by
 * the client side (`reporter="source"`).
 *
 * Where traffic comes from:
 * - the namespace's own sidecars: `source_workload_namespace="<ns>"`;
 * - the egress gateway (for hosts routed through it): the gateway is the
 *   client of the external host, so its own series (`source_workload` = the
 *   gateway, in the Istio namespace) carry the external host, for all
 *   namespaces sending through it.
 *
 * Blocked and unregistered attempts go to Istio's catch-all clusters, named in
 * `destination_service_name`: `BlackHoleCluster` (REGISTRY_ONLY) and
 * `PassthroughCluster` (ALLOW_ANY). HTTP attempts count in
 * `istio_requests_total` (blocked ones answered 502); TLS/TCP attempts in
 * `istio_tcp_connections_closed_total`, with `destination_service="unknown"`
 * (istio/istio#21566).
 */

/** Bucket length of the host series per window: 60 buckets per window. */
export const WINDOW_SECONDS: Record<TrafficWindow, number> = {
  '1h': 3600,
  '24h': 86400,
  '7d': 604800,
};

/** Seconds per bucket of the series of a window. */
export function stepSeconds(window: TrafficWindow): number {
  return WINDOW_SECONDS[window] / 60;
}

export const CATCH_ALL_CLUSTERS = ['BlackHoleCluster', 'PassthroughCluster'] as const;

/** Which series to read: a namespace's sidecars, or the egress gateway's. */
export type TrafficSource =
  | { kind: 'sidecars'; namespace: string }
  | { kind: 'egress-gateway'; namespace: string; workload: string };

/** A PromQL string literal. */
function quote(value: string): string {
  return JSON.stringify(value);
}

function selector(source: TrafficSource, ...extra: string[]): string {
  const matchers = [
    'reporter="source"',
    `source_workload_namespace=${quote(source.namespace)}`,
    ...(source.kind === 'egress-gateway' ? [`source_workload=${quote(source.workload)}`] : []),
    ...extra,
  ];
  return `{${matchers.join(',')}}`;
}

const NOT_CATCH_ALL = `destination_service_name!~"${CATCH_ALL_CLUSTERS.join('|')}"`;
const ACTIVITY = ['istio_requests_total', 'istio_tcp_connections_opened_total'];
const BYTES = ['istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total'];

/** `[1h]`-style range of a number of seconds. */
function range(seconds: number): string {
  return `[${seconds}s]`;
}

/**
 * `sum by (<by>)` of the increase of several counters. Each increase is tagged with its
 * metric first: without `__name__`, series of two counters with the same labels would
 * collide ("vector cannot contain metrics with the same labelset").
 */
function sumIncrease(metrics: string[], matchers: string, rangeText: string, by: string): string {
  const parts = metrics.map(
    m => `label_replace(increase(${m}${matchers}${rangeText}), "metric", "${m}", "", "")`,
  );
  return `sum by (${by}) (${parts.join(' or ')})`;
}

/** Per-host instant queries over a window; each result is `sum by (destination_service)`. */
export function hostQueries(source: TrafficSource, windowSeconds: number) {
  const w = range(windowSeconds);
  const byHost = (inner: string) => `sum by (destination_service) (increase(${inner}${w}))`;
  return {
    requests: byHost(`istio_requests_total${selector(source, NOT_CATCH_ALL)}`),
    errors: byHost(`istio_requests_total${selector(source, NOT_CATCH_ALL, 'response_code=~"5.."')}`),
    connections: byHost(`istio_tcp_connections_opened_total${selector(source, NOT_CATCH_ALL)}`),
    bytes: sumIncrease(BYTES, selector(source, NOT_CATCH_ALL), w, 'destination_service'),
  };
}

/** Range query: requests plus opened connections per host and bucket. */
export function hostActivityQuery(source: TrafficSource, stepSecs: number): string {
  return sumIncrease(ACTIVITY, selector(source, NOT_CATCH_ALL), range(stepSecs), 'destination_service');
}

/**
 * Attempts that went to a catch-all cluster, per workload: HTTP requests
 * (with the host) and closed TLS/TCP connections (host unknown).
 */
export function attemptsQuery(source: TrafficSource, windowSeconds: number): string {
  const clusters = `destination_service_name=~"${CATCH_ALL_CLUSTERS.join('|')}"`;
  return sumIncrease(
    ['istio_requests_total', 'istio_tcp_connections_closed_total'],
    selector(source, clusters),
    range(windowSeconds),
    'source_workload, destination_service, destination_service_name, request_protocol',
  );
}

/** Hosts with any request or connection in the last `days` days. */
export function usedHostsQuery(source: TrafficSource, days: number): string {
  return `${sumIncrease(ACTIVITY, selector(source, NOT_CATCH_ALL), range(days * 86400), 'destination_service')} > 0`;
}
