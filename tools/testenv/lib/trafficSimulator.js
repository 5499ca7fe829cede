// @ts-check
'use strict';

/**
 * A traffic simulator: an HTTP server whose `/metrics` exposes counters shaped like
 * Istio's standard metrics (`istio_requests_total`, `istio_tcp_*`) with Istio's documented
 * labels, for a real Prometheus to scrape. It sends no traffic itself.
 *
 * Tests set counter values with explicit sample timestamps (`set`), so what Prometheus
 * stores, and therefore every query result, is exact. `startLoad` adds a gentle random
 * load for demos (samples then carry the scrape time).
 */

const http = require('node:http');

/** Labels Istio's sidecars attach to every standard metric (reporter="source" side). */
const ISTIO_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
];

const METRICS = [
  'istio_requests_total',
  'istio_tcp_connections_opened_total',
  'istio_tcp_connections_closed_total',
  'istio_tcp_sent_bytes_total',
  'istio_tcp_received_bytes_total',
];

/**
 * @typedef {object} Flow
 * @property {string} namespace      source_workload_namespace
 * @property {string} workload       source_workload
 * @property {string} [host]         destination_service (omit for BlackHole/Passthrough TCP: "unknown")
 * @property {'BlackHoleCluster' | 'PassthroughCluster'} [cluster]  the catch-all cluster the sidecar used
 * @property {'http' | 'tcp'} protocol
 * @property {string} [responseCode] HTTP response code; 200 by default, 502 for BlackHoleCluster
 * @property {string} [responseFlags] "-" by default, "UH" for BlackHoleCluster TCP
 */

/**
 * The full Istio label set of a flow, as a sidecar (or the egress gateway) reports it.
 * Blocked TLS/TCP shows `destination_service="unknown"` and response flag UH (istio/istio#21566).
 * @param {Flow} flow
 * @returns {Record<string, string>}
 */
function istioLabels(flow) {
  const unknown = 'unknown';
  const blackHole = flow.cluster === 'BlackHoleCluster';
  const tcp = flow.protocol === 'tcp';
  const host = flow.host ?? unknown;
  const labels = {
    reporter: 'source',
    source_workload: flow.workload,
    source_workload_namespace: flow.namespace,
    source_principal: `spiffe://cluster.local/ns/${flow.namespace}/sa/${flow.workload}`,
    source_app: flow.workload,
    source_version: 'v1',
    source_canonical_service: flow.workload,
    source_canonical_revision: 'v1',
    source_cluster: 'Kubernetes',
    destination_workload: unknown,
    destination_workload_namespace: unknown,
    destination_principal: unknown,
    destination_app: unknown,
    destination_version: unknown,
    destination_service: host,
    destination_service_name: flow.cluster ?? host,
    destination_service_namespace: unknown,
    destination_canonical_service: unknown,
    destination_canonical_revision: 'latest',
    destination_cluster: unknown,
    request_protocol: flow.protocol,
    response_code: tcp ? '0' : flow.responseCode ?? (blackHole ? '502' : '200'),
    grpc_response_status: '',
    response_flags: flow.responseFlags ?? (blackHole && tcp ? 'UH' : '-'),
    connection_security_policy: unknown,
  };
  return labels;
}

/** @param {Record<string, string>} labels */
function labelText(labels) {
  const escape = v => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return ISTIO_LABELS.map(k => `${k}="${escape(labels[k] ?? '')}"`).join(',');
}

class TrafficSimulator {
  constructor() {
    /** @type {Map<string, { metric: string, labels: string, value: number, timestampMs?: number }>} */
    this.series = new Map();
    /** @type {import('node:http').Server | undefined} */
    this.server = undefined;
    /** @type {NodeJS.Timeout | undefined} */
    this.loadTimer = undefined;
    this.scrapes = 0;
  }

  /**
   * Sets a counter of a flow to `value`. With `timestampMs` the sample carries that timestamp
   * (Prometheus honours it), so tests know exactly what is stored.
   * @param {string} metric one of Istio's standard counters
   * @param {Flow} flow
   * @param {number} value
   * @param {number} [timestampMs]
   */
  set(metric, flow, value, timestampMs) {
    if (!METRICS.includes(metric)) throw new Error(`unknown metric ${metric}`);
    const labels = labelText(istioLabels(flow));
    this.series.set(`${metric}{${labels}}`, { metric, labels, value, timestampMs });
  }

  /**
   * Adds to a counter (sample time: the scrape's).
   * @param {string} metric
   * @param {Flow} flow
   * @param {number} delta
   */
  add(metric, flow, delta) {
    const labels = labelText(istioLabels(flow));
    const current = this.series.get(`${metric}{${labels}}`)?.value ?? 0;
    this.set(metric, flow, current + delta);
  }

  /** Removes every series. */
  clear() {
    this.series.clear();
  }

  /** The exposition text Prometheus scrapes. */
  metricsText() {
    const lines = [];
    for (const metric of METRICS) {
      const rows = [...this.series.values()].filter(s => s.metric === metric);
      if (rows.length === 0) continue;
      lines.push(`# TYPE ${metric} counter`);
      for (const s of rows) {
        lines.push(`${metric}{${s.labels}} ${s.value}${s.timestampMs === undefined ? '' : ` ${s.timestampMs}`}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * Serves `/metrics` on 127.0.0.1.
   * @param {number} [port] 0 for any free port
   * @returns {Promise<string>} the scrape target `127.0.0.1:PORT`
   */
  listen(port = 0) {
    this.server = http.createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      this.scrapes++;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(this.metricsText());
    });
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(`127.0.0.1:${typeof address === 'object' && address ? address.port : port}`);
      });
    });
  }

  /**
   * A gentle synthetic load for demos: every `intervalMs`, a few requests and connections to
   * each host, and now and then a blocked or unregistered attempt: with the workload's
   * `meshMode`, only the kind that mode produces (REGISTRY_ONLY blocks, ALLOW_ANY passes through).
   * @param {Array<{ namespace: string, workload: string, hosts: string[], meshMode?: 'ALLOW_ANY' | 'REGISTRY_ONLY' }>} workloads
   * @param {number} [intervalMs]
   */
  startLoad(workloads, intervalMs = 5000) {
    const tick = () => {
      for (const w of workloads) {
        for (const host of w.hosts) {
          const labels = { namespace: w.namespace, workload: w.workload, host, protocol: /** @type {const} */ ('http') };
          const tcp = { ...labels, protocol: /** @type {const} */ ('tcp') };
          this.add('istio_requests_total', labels, 1 + Math.floor(Math.random() * 4));
          if (Math.random() < 0.1) this.add('istio_requests_total', { ...labels, responseCode: '503' }, 1);
          this.add('istio_tcp_connections_opened_total', tcp, 1);
          this.add('istio_tcp_connections_closed_total', tcp, 1);
          this.add('istio_tcp_sent_bytes_total', tcp, 800 + Math.floor(Math.random() * 400));
          this.add('istio_tcp_received_bytes_total', tcp, 4000 + Math.floor(Math.random() * 4000));
        }
        if (w.meshMode !== 'ALLOW_ANY' && Math.random() < 0.2) {
          const base = { namespace: w.namespace, workload: w.workload, protocol: /** @type {const} */ ('tcp') };
          this.add('istio_tcp_connections_closed_total', { ...base, cluster: 'BlackHoleCluster' }, 1);
        }
        if (w.meshMode !== 'REGISTRY_ONLY' && Math.random() < 0.1) {
          this.add('istio_requests_total', { namespace: w.namespace, workload: w.workload, protocol: 'http', host: 'example.org', cluster: 'PassthroughCluster' }, 1);
        }
      }
    };
    tick();
    this.loadTimer = setInterval(tick, intervalMs);
  }

  /** Stops the load and the server. */
  async close() {
    if (this.loadTimer) clearInterval(this.loadTimer);
    const server = this.server;
    if (server) await new Promise(resolve => server.close(() => resolve(undefined)));
  }
}

module.exports = { TrafficSimulator, istioLabels, METRICS };
