import type { KubernetesManifest } from '@backstage-egress/plugin-egress-common';

/** Istio's `outboundTrafficPolicy.mode`. */
export type MeshMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** What happened to one resource of a bundle. */
export interface ApplyOutcome {
  kind: string;
  namespace: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged' | 'deleted' | 'absent' | 'failed';
  /** Why it failed, with the cluster named and the API server's message kept. */
  error?: string;
  /**
   * The `@backstage/errors` name of the failure (ConflictError, InputError,
   * NotAllowedError, AuthenticationError, NotFoundError, ServiceUnavailableError),
   * so callers can tell what a retry may fix.
   */
  errorType?: string;
}

/** Result of applying or removing a bundle in one cluster. */
export interface BundleResult {
  cluster: string;
  /** True when every resource reached the wanted state. */
  ok: boolean;
  outcomes: ApplyOutcome[];
  /** First error message, cluster named. */
  error?: string;
}

/** Freshness of a cluster's watch-fed cache, reported with every answer. */
export interface CacheFreshness {
  /** Every watched kind has been listed at least once and the watches are running. */
  synced: boolean;
  /** ISO-8601 instant of the last list or watch event received. */
  lastEventAt?: string;
  /** Why the cache is (or may be) stale, cluster named; absent when healthy. */
  error?: string;
}

/** A target cluster as the browser may see it: never credentials or the API server URL. */
export interface ClusterStatus extends CacheFreshness {
  name: string;
  title: string;
  kialiUrl?: string;
  /** The API server answered the last probe. */
  reachable: boolean;
  /** ISO-8601 instant of the last probe. */
  lastCheckedAt?: string;
  /** The API server's gitVersion, e.g. v1.35.4. */
  kubernetesVersion?: string;
  /** Mesh-wide outbound mode from the istio ConfigMap; ALLOW_ANY when unset, as Istio does. */
  meshMode?: MeshMode;
  /** Whether the istio ConfigMap was found (when false, meshMode is Istio's default). */
  meshConfigFound?: boolean;
  egressGateway: {
    /** `<namespace>/<name>` of the gateway Service, from the configured service host. */
    service: string;
    /** Whether the Service existed at the last check; absent when never checked. */
    exists?: boolean;
    /** ISO-8601 instant the Service was last seen. */
    lastSeenAt?: string;
  };
}

/** Kinds read into the inventory. */
export type IstioKind =
  | 'ServiceEntry'
  | 'Gateway'
  | 'VirtualService'
  | 'DestinationRule'
  | 'Sidecar';

/** One Istio resource in a namespace, and the egress it opens. */
export interface InventoryResource {
  kind: IstioKind;
  namespace: string;
  name: string;
  /** Carries our managed-by label. */
  managed: boolean;
  /** The request it was rendered for (managed resources). */
  requestId?: string;
  /** Host names (or address patterns) the resource opens or routes. */
  hosts: string[];
  /** IP addresses / CIDRs (ServiceEntry `addresses`). */
  addresses: string[];
  /** Port numbers it opens. */
  ports: number[];
  /** ServiceEntry location, e.g. MESH_EXTERNAL. */
  location?: string;
  /** ServiceEntry resolution. */
  resolution?: string;
  /** Sidecar `outboundTrafficPolicy.mode`, when set. */
  outboundTrafficPolicyMode?: MeshMode;
}

/** Egress resources of one namespace in one cluster, from the cache. */
export interface NamespaceInventory extends CacheFreshness {
  cluster: string;
  namespace: string;
  /** Mesh-wide mode of the cluster. */
  meshMode?: MeshMode;
  /** Mode set by a namespace-wide Sidecar (no workload selector), overriding the mesh mode. */
  sidecarMode?: MeshMode;
  /** Name of that Sidecar. */
  sidecarOverride?: string;
  /** What applies to workloads without their own Sidecar: sidecarMode ?? meshMode. */
  effectiveMode?: MeshMode;
  resources: InventoryResource[];
}

/** One target cluster's write side, used by the request workflow. */
export interface EgressClusterClient {
  readonly name: string;
  /**
   * Server-side applies the manifests (field manager `backstage-egress`). A
   * resource of the same name without our managed-by label is never touched:
   * its outcome is `failed` with a conflict message. Idempotent; continues past
   * failures so a retry converges.
   */
  apply(manifests: KubernetesManifest[]): Promise<BundleResult>;
  /** Deletes the request's resources (request-id label and our managed-by label) in the namespace. */
  remove(options: { namespace: string; requestId: string }): Promise<BundleResult>;
  /** Resources of a request as currently in the cluster (from the cache), for drift detection. */
  listManaged(options: { namespace: string; requestId: string }): Promise<KubernetesManifest[]>;
}

/** The configured target clusters: status, inventory from the cache, and per-cluster clients. */
export interface ClusterService {
  /** From the cache; never waits on the network. */
  listClusters(): ClusterStatus[];
  /** Throws NotFoundError for an unknown cluster name. */
  client(name: string): EgressClusterClient;
  /** From the cache; unknown or unreachable clusters yield an entry with `error`. */
  inventory(namespace: string, clusterNames: string[]): NamespaceInventory[];
  /** Starts the watches (informers); resolves once each cluster made its first attempt. */
  start(): Promise<void>;
  /** Stops the watches and probes. */
  stop(): Promise<void>;
}
