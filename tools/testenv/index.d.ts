/** The identities every testenv cluster knows (static bearer tokens). */
export type UserName = 'admin' | 'backstage-egress' | 'viewer' | 'nobody';

/** Istio's `outboundTrafficPolicy.mode` in the mesh ConfigMap. */
export type MeshMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** Absolute paths of the built binaries and of Istio's CRD file in the Go module cache. */
export interface Binaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
  istioctl: string;
  crdFile: string;
}

export interface StartClusterOptions {
  /** Cluster name: 1-40 lowercase letters, digits and '-'. Several names can run at once. */
  name: string;
  /** Default ALLOW_ANY. */
  meshMode?: MeshMode;
  /** Keep etcd's data, certificates and tokens on stop, and reuse them on the next start. */
  keepData?: boolean;
  /** Apply the unmanaged ServiceEntries in tools/testenv/seed/ into namespace payments. */
  seed?: boolean;
  /** Namespaces to create besides payments, checkout and search. */
  namespaces?: string[];
}

export interface ClusterInfo {
  name: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** Base64 of the CA certificate PEM (kubeconfig's certificate-authority-data). */
  caData: string;
  caFile: string;
  kubeconfigPath: string;
  tokens: Record<UserName, string>;
  /** Kubeconfig context per user: `<name>-<user>`; the current context is admin's. */
  contexts: Record<UserName, string>;
  meshMode: MeshMode;
  /** The API server's /version gitVersion, e.g. v1.35.4. */
  version: string;
  pids: { etcd: number; kubeApiserver: number };
  stateDir: string;
  ports: { etcdClient: number; etcdPeer: number; apiserver: number };
  keepData: boolean;
  seeded: boolean;
  namespaces: string[];
  logs: { etcd: string; kubeApiserver: string };
  startedAt: string;
  startupMs: number;
}

export interface ClusterStatus {
  name: string;
  state: 'running' | 'unhealthy' | 'stopped';
  /** etcd's data folder exists (a running cluster, or a stopped one started with keepData). */
  dataKept: boolean;
  info?: ClusterInfo;
}

/** Builds missing binaries (first run only, minutes) and returns their paths. */
export function ensureBinaries(): Promise<Binaries>;
/** Starts a cluster, or returns the running one of that name if it is healthy. */
export function startCluster(options: StartClusterOptions): Promise<ClusterInfo>;
export interface StopClusterOptions {
  /** Remove etcd's data even if the cluster was started with keepData. */
  removeData?: boolean;
}

/**
 * Stops a cluster and waits until its processes are gone. No-op if it is not running. Removes
 * its state (except logs) unless it was started with keepData.
 */
export function stopCluster(name: string, options?: StopClusterOptions): Promise<void>;
export function stopAllClusters(options?: StopClusterOptions): Promise<void>;
/** Info of a running cluster (processes alive), else undefined. */
export function getClusterInfo(name: string): ClusterInfo | undefined;
/** A TCP port on 127.0.0.1 that is free right now (for test servers). */
export function freePort(): Promise<number>;
/**
 * Polls `check` until it returns true; `abort` may throw to fail early. Rejects after
 * `timeoutMs` with the last error `check` threw.
 */
export function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => void },
): Promise<void>;
/** Probes the API server too. */
export function clusterStatus(name: string): Promise<ClusterStatus>;
/** Every cluster with a state folder, running or not. */
export function clusterNames(): string[];
/** Versions of the binaries and of istio.io/api, from the go.mod files under tools/. */
export function versions(): Record<string, string>;

/** A flow of traffic as one of Istio's sidecars reports it (see lib/trafficSimulator.js). */
export interface Flow {
  /** source_workload_namespace */
  namespace: string;
  /** source_workload */
  workload: string;
  /** destination_service; "unknown" when omitted (blocked or unregistered TLS/TCP) */
  host?: string;
  /** The catch-all cluster the sidecar used. */
  cluster?: 'BlackHoleCluster' | 'PassthroughCluster';
  protocol: 'http' | 'tcp';
  /** HTTP response code; 200 by default, 502 for BlackHoleCluster. */
  responseCode?: string;
  /** "-" by default, "UH" for BlackHoleCluster TCP. */
  responseFlags?: string;
}

/** Istio's standard counters the simulator exposes. */
export type IstioCounter =
  | 'istio_requests_total'
  | 'istio_tcp_connections_opened_total'
  | 'istio_tcp_connections_closed_total'
  | 'istio_tcp_sent_bytes_total'
  | 'istio_tcp_received_bytes_total';

/** Serves counters shaped like Istio's standard metrics for Prometheus to scrape. */
export declare class TrafficSimulator {
  /** Number of scrapes served so far. */
  scrapes: number;
  /** Sets a counter; with `timestampMs` the sample carries that timestamp. */
  set(metric: IstioCounter, flow: Flow, value: number, timestampMs?: number): void;
  add(metric: IstioCounter, flow: Flow, delta: number): void;
  clear(): void;
  metricsText(): string;
  /** Resolves to the scrape target `127.0.0.1:PORT`. */
  listen(port?: number): Promise<string>;
  startLoad(workloads: Array<{ namespace: string; workload: string; hosts: string[] }>, intervalMs?: number): void;
  close(): Promise<void>;
}

/** The full Istio label set of a flow. */
export declare function istioLabels(flow: Flow): Record<string, string>;

export interface PrometheusInstance {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts Debian's Prometheus binary with its own config and data folder under the cache. */
export declare function startPrometheus(options: {
  name: string;
  targets: string[];
  scrapeIntervalSeconds?: number;
  port?: number;
  keepData?: boolean;
}): Promise<PrometheusInstance>;
