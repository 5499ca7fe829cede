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
  /**
   * Default true. False starts kube-apiserver with `--watch-cache=false`: watches are then
   * served by etcd, so after `compactCluster` a watch from an older resourceVersion gets 410 Gone.
   */
  watchCache?: boolean;
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
