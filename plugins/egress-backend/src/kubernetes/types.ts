import type { ManagedObjects } from './managedObjects';
import type {
  ClusterStatus,
  IstioKind,
  KubernetesManifest,
  NamespaceInventory,
  TargetIstioVerdict,
} from '@backstage-egress/plugin-egress-common';

// The answers of GET /clusters and GET /entity are wire types, defined once in
// the common package.
export type {
  CacheFreshness,
  ClusterStatus,
  InventoryResource,
  IstioKind,
  MeshMode,
  NamespaceInventory,
} from '@backstage-egress/plugin-egress-common';

/** What happened to one resource of a bundle. */
export interface ApplyOutcome {
  kind: string;
  namespace: string;
  name: string;
  /** `rolled-back`: created by an attempt that failed later, and deleted again. */
  action: 'created' | 'configured' | 'unchanged' | 'deleted' | 'absent' | 'failed' | 'rolled-back';
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

/** What a writer observes of a request's resources in one cluster. */
export interface ObservedBundle {
  /**
   * Whether the observation is trustworthy: the cluster's watch-fed cache has
   * synced and its watches are healthy. When false the resources' state is
   * unknown, never "deleted".
   */
  synced: boolean;
  /**
   * The request's resources as last seen (rendered form: apiVersion as rendered, our labels).
   * May be the same array as an earlier answer while nothing changed: callers must not modify it.
   */
  manifests: KubernetesManifest[];
}

/**
 * How the request workflow changes one target cluster: apply a bundle,
 * remove by request, observe. The direct server-side-apply writer is the
 * first implementation; a GitOps writer can plug in here.
 */
export interface EgressWriter {
  readonly name: string;
  /**
   * Server-side applies the manifests (field manager `backstage-egress`), all
   * or nothing: when any name is taken by a resource without our managed-by
   * label, nothing is written (its outcome is `failed` with a conflict
   * message); resources go in dependency order, and after a failure the ones
   * this attempt created are removed (`rolled-back`). Idempotent, so a retry
   * converges.
   */
  apply(manifests: KubernetesManifest[]): Promise<BundleResult>;
  /** Deletes the request's resources (request-id label and our managed-by label) in the namespace. */
  remove(options: { namespace: string; requestId: string }): Promise<BundleResult>;
  /**
   * Deletes the namespace's shared lockdown Sidecar (`egress-lockdown`) if it
   * carries our managed-by label (`absent` when there is none). A Sidecar of
   * that name without the label is never touched: its outcome is `failed`
   * with a conflict message (errorType ConflictError).
   */
  removeLockdown(options: { namespace: string }): Promise<BundleResult>;
  /**
   * Deletes one object shared by several requests (e.g. the Gateway of an
   * external host in the gateway's namespace) if it carries our managed-by
   * label; `absent` when there is none, `failed` (ConflictError) when it is
   * not ours.
   */
  removeShared(options: { kind: IstioKind; namespace: string; name: string }): Promise<BundleResult>;
  /**
   * The request's resources as the cluster holds them now (from the cache),
   * for drift detection, plus the named shared objects it relies on.
   */
  observe(options: {
    namespace: string;
    requestId: string;
    shared?: Array<{ kind: string; namespace: string; name: string }>;
  }): Promise<ObservedBundle>;
}

/** The configured target clusters: status, inventory from the cache, and per-cluster clients. */
export interface ClusterService {
  /** From the cache; never waits on the network. */
  listClusters(): ClusterStatus[];
  /** Throws NotFoundError for an unknown cluster name. */
  writer(name: string): EgressWriter;
  /** From the cache; unknown or unreachable clusters yield an entry with `error`. */
  inventory(namespace: string, clusterNames: string[]): NamespaceInventory[];
  /**
   * Istio's verdict on these manifests from the status in the cache, or
   * undefined when the cluster is not configured with `istioAnalysis: true`.
   */
  istioVerdict(cluster: string, manifests: KubernetesManifest[]): TargetIstioVerdict | undefined;
  /** Per cluster, every object carrying our managed-by label, from the cache (for orphans). */
  managedObjects(): ManagedObjects[];
  /**
   * Deletes one object carrying our managed-by label, after `stillOrphan`
   * (given its live labels) returned no reason to keep it; that reason makes
   * the outcome a ConflictError.
   */
  removeManaged(
    cluster: string,
    ref: { kind: string; namespace: string; name: string },
    stillOrphan: (labels: Record<string, string>) => Promise<string | undefined>,
  ): Promise<BundleResult>;
  /** Starts the watches (informers); resolves once each cluster made its first attempt. */
  start(): Promise<void>;
  /** Stops the watches and probes. */
  stop(): Promise<void>;
}

/**
 * The part of the {@link ClusterService} the request workflow uses; test fakes
 * may leave out the inventory.
 */
export type ClusterWriters = Pick<ClusterService, 'writer'> &
  Partial<Pick<ClusterService, 'inventory' | 'istioVerdict'>>;
