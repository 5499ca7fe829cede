/** The identities every testenv cluster knows (static bearer tokens). */
export type UserName = 'admin' | 'backstage-egress' | 'viewer' | 'nobody' | 'istiod';

/** Istio's `outboundTrafficPolicy.mode` in the mesh ConfigMap. */
export type MeshMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** Absolute paths of the built binaries and of Istio's CRD file in the Go module cache. */
export interface Binaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
  istioctl: string;
  /** istiod, from the same istio.io/istio version as istioctl. */
  pilotDiscovery: string;
  /** tools/istioctl/xds-check: prints a proxy node's clusters, listeners and routes as JSON. */
  xdsCheck: string;
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
  /**
   * Default true. False starts kube-apiserver with `--watch-cache=false`: watches are then
   * served by etcd, so after `compactCluster` a watch from an older resourceVersion gets 410 Gone.
   */
  watchCache?: boolean;
  /**
   * Also run istiod (pilot-discovery) against the cluster, with analysis and status writing on.
   * On a running cluster without istiod, starts it.
   */
  istiod?: boolean;
}

/** istiod running against a testenv cluster. */
export interface IstiodInfo {
  pid: number;
  /** Plaintext xDS (ADS) on loopback, host:port: what `xds-check -addr` takes. */
  xdsAddress: string;
  /** Answers 200 once istiod is ready. */
  readyUrl: string;
  /** Prometheus metrics (pilot_xds_pushes, pilot_proxy_convergence_time, ...). */
  monitoringUrl: string;
  log: string;
  startupMs: number;
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
  /** False when started with `watchCache: false` (absent in clusters started before it existed). */
  watchCache?: boolean;
  namespaces: string[];
  logs: { etcd: string; kubeApiserver: string; istiod: string };
  /** Present when the cluster was started with `istiod: true`. */
  istiod?: IstiodInfo;
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
/**
 * Stops the cluster's kube-apiserver (etcd keeps running with the data). Until `startApiserver`,
 * `getClusterInfo` returns undefined and `clusterStatus` says unhealthy.
 */
export function stopApiserver(name: string): Promise<ClusterInfo>;
/**
 * Starts the kube-apiserver of a cluster whose etcd runs (no-op while it runs): same port,
 * certificates, tokens and flags; resolves when /readyz answers 200. Returns the updated info.
 */
export function startApiserver(name: string): Promise<ClusterInfo>;
/**
 * Freezes the cluster's kube-apiserver (SIGSTOP): connections stay open and every request hangs
 * unanswered until `resumeApiserver`, as on a stalled control plane. Stopping the cluster also
 * ends a frozen API server.
 */
export function pauseApiserver(name: string): Promise<ClusterInfo>;
/** Lets a frozen kube-apiserver run again (SIGCONT); no-op when it runs. */
export function resumeApiserver(name: string): Promise<ClusterInfo>;
/**
 * Compacts etcd's history up to its current revision (physical compaction) and returns that
 * revision. Older resourceVersions are gone: a list continued with an older token gets 410, and
 * so does a watch from one when the cluster runs without the watch cache.
 */
export function compactCluster(name: string): Promise<{ revision: number }>;
/**
 * Deletes one etcd key behind the API server's back, as another API server of the same control
 * plane would (`/registry/<group>/<plural>/<namespace>/<name>`). Returns the number deleted.
 */
export function deleteFromEtcd(name: string, key: string): Promise<number>;

/** Which proxy node to ask istiod about. */
export interface XdsQuery {
  /** `sidecar` (default) or `router` (a gateway). */
  node?: 'sidecar' | 'router';
  namespace: string;
  /** The proxy's labels, e.g. `{ istio: 'egressgateway' }` for the egress gateway. */
  labels?: Record<string, string>;
  /** Destinations `host:port[/tls|/plain]` (TLS assumed on 443) to follow to a cluster. */
  to?: string[];
  /**
   * Principals (`spiffe://cluster.local/ns/<ns>/sa/<sa>`): for each destination, whether the
   * reached filter chain's RBAC filters admit a connection from each (with the host as SNI).
   */
  peers?: string[];
}

/** One condition of an RBAC policy: the peer's principal, the SNI, or `any`. */
export interface XdsRbacCondition {
  field: string;
  match?: 'exact' | 'prefix' | 'suffix' | 'regex' | 'contains' | 'unsupported';
  value?: string;
  not?: boolean;
}

/** A network RBAC filter (an AuthorizationPolicy as Envoy enforces it); alternatives of all-of conditions. */
export interface XdsRbacFilter {
  statPrefix?: string;
  action: string;
  policies: Array<{ name: string; principals: XdsRbacCondition[][]; permissions: XdsRbacCondition[][] }>;
}

export interface XdsFilterChain {
  name?: string;
  destinationPort?: number;
  serverNames?: string[];
  transportProtocol?: string;
  applicationProtocols?: string[];
  prefixRanges?: string[];
  /** False for TLS passthrough: the chain forwards the TLS stream as it came. */
  terminatesTls: boolean;
  cluster?: string;
  weightedClusters?: string[];
  routeConfig?: string;
  /** The chain's network RBAC filters (AuthorizationPolicies), in order. */
  rbac?: XdsRbacFilter[];
}

/** A proxy node's configuration from istiod (what its Envoy would receive), summarised. */
export interface XdsSnapshot {
  node: string;
  clusters: Array<{ name: string; type: string; endpoints?: string[] }>;
  listeners: Array<{ name: string; address: string; port: number; filterChains: XdsFilterChain[]; defaultFilterChain?: XdsFilterChain }>;
  routes: Array<{ name: string; virtualHosts: Array<{ name: string; domains: string[]; clusters: string[] }> }>;
  destinations?: Array<{
    to: string;
    listener?: string;
    filterChain?: string;
    defaultFilterChain?: boolean;
    cluster?: string;
    /** Per `peers` principal: whether the chain's RBAC filters admit it. */
    admitted?: Record<string, boolean>;
    error?: string;
  }>;
}

/** Runs tools/istioctl/xds-check against the cluster's istiod. */
export function xdsSnapshot(cluster: { istiod?: IstiodInfo }, query: XdsQuery): Promise<XdsSnapshot>;

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
  /** With a workload's meshMode, only the attempts that mode produces: blocked (REGISTRY_ONLY) or unregistered (ALLOW_ANY). */
  startLoad(
    workloads: Array<{ namespace: string; workload: string; hosts: string[]; meshMode?: MeshMode }>,
    intervalMs?: number,
  ): void;
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
