import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { ServerSideApplyWriter } from './ServerSideApplyWriter';
import { ClusterCache, ClusterCacheOptions, parseMeshMode } from './ClusterCache';
import { buildNamespaceInventory } from './inventory';
import { listManagedObjects, ManagedObjects, removeManagedObject } from './managedObjects';
import { istioVerdict } from './istioStatus';
import { KubeHttp, kubeConfigFor } from './KubeClients';
import { KIND_ORDER, collectionPath, isManagedKind } from './kinds';
import { projectIstioObject } from './projection';
import type { CachedObject } from './Reflector';
import { BundleResult, ClusterService, ClusterStatus, EgressWriter, NamespaceInventory } from './types';
import type { KubernetesManifest, TargetIstioVerdict } from '@backstage-egress/plugin-egress-common';

export interface DefaultClusterServiceOptions extends ClusterCacheOptions {
  clusters: ClusterDirectory;
  logger: LoggerService;
  /** The writer of each cluster; default the direct server-side-apply writer. */
  writer?: (cache: ClusterCache) => EgressWriter;
  /** How long start() waits for the first list of every cluster; default 10 s. */
  startTimeoutMs?: number;
}

/** Namespaces whose inventory is kept per cluster at most; the least recently viewed go first. */
const INVENTORIES_PER_CLUSTER = 1000;

/** One watch-fed cache and one writer per configured cluster. */
export class DefaultClusterService implements ClusterService {
  private readonly caches = new Map<string, ClusterCache>();
  private readonly writers = new Map<string, EgressWriter>();
  private readonly broken = new Map<string, string>();
  private readonly apis = new Map<string, KubeHttp>();
  /** Built inventories per cache and namespace, with the namespace versions they were built from. */
  private readonly inventories = new WeakMap<ClusterCache, Map<string, { key: string; inventory: ReturnType<typeof buildNamespaceInventory> }>>();

  constructor(private readonly options: DefaultClusterServiceOptions) {
    for (const settings of options.clusters.list()) {
      try {
        const api = new KubeHttp(settings.name, kubeConfigFor(settings));
        const cache = new ClusterCache(settings, api, options);
        this.apis.set(settings.name, api);
        this.caches.set(settings.name, cache);
        this.writers.set(settings.name, (options.writer ?? (c => new ServerSideApplyWriter(c)))(cache));
      } catch (e) {
        // A cluster whose credentials can't even be loaded is reported, not fatal.
        this.broken.set(settings.name, `Cluster '${settings.name}': ${(e as Error).message}`);
        options.logger.error(`Egress cluster ${settings.name} is unusable: ${(e as Error).message}`);
      }
    }
  }

  async start(): Promise<void> {
    const timeout = this.options.startTimeoutMs ?? 10000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.caches.values()].map(c => c.start())),
      new Promise(resolve => {
        timer = setTimeout(resolve, timeout);
      }),
    ]);
    clearTimeout(timer);
    for (const status of this.listClusters()) {
      if (status.error) this.options.logger.warn(`Egress cluster ${status.name}: ${status.error}`);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.caches.values()].map(c => c.stop()));
  }

  listClusters(): ClusterStatus[] {
    return this.options.clusters.list().map(settings => {
      const cache = this.caches.get(settings.name);
      if (cache) return cache.status();
      return {
        name: settings.name,
        title: settings.title,
        ...(settings.kialiUrl ? { kialiUrl: settings.kialiUrl } : {}),
        reachable: false,
        synced: false,
        egressGateway: { service: settings.egressGateway.serviceHost.split('.').slice(0, 2).reverse().join('/') },
        error: this.broken.get(settings.name),
      };
    });
  }

  writer(name: string): EgressWriter {
    const writer = this.writers.get(name);
    if (!writer) {
      throw new NotFoundError(
        this.unavailable(name),
      );
    }
    return writer;
  }

  /**
   * The annotations of a Namespace, read live (a narrowly scoped `get` on
   * namespaces); undefined when it does not exist.
   */
  async readNamespace(cluster: string, namespace: string): Promise<Record<string, string> | undefined> {
    const api = this.apis.get(cluster);
    if (!api) throw new NotFoundError(this.unavailable(cluster));
    try {
      const ns = await api.request<{ metadata?: { annotations?: Record<string, string> } }>(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(namespace)}`,
        { timeoutMs: 5000 },
      );
      return ns.metadata?.annotations ?? {};
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }

  /** The cache of a cluster (tests and the benchmark). */
  cache(name: string): ClusterCache | undefined {
    return this.caches.get(name);
  }

  inventory(namespace: string, clusterNames: string[]): NamespaceInventory[] {
    return clusterNames.map(name => {
      const cache = this.caches.get(name);
      if (!cache) {
        return {
          cluster: name,
          namespace,
          synced: false,
          error: this.unavailable(name),
          resources: [],
        };
      }
      return { ...this.builtInventory(cache, name, namespace), ...cache.freshness() };
    });
  }

  /** Why a cluster has no cache: its configuration failed, or it is not configured. */
  private unavailable(name: string): string {
    return this.broken.get(name) ?? `Cluster '${name}' is not configured in egress.clusters`;
  }

  /**
   * A namespace's inventory in one cluster, built again only when the namespace's objects or
   * the mesh mode changed: views of an unchanged namespace share one answer (callers must not
   * modify it).
   */
  private builtInventory(cache: ClusterCache, cluster: string, namespace: string) {
    const meshMode = cache.meshMode().mode;
    const key = `${meshMode}:${KIND_ORDER.map(kind => cache.reflectors[kind].namespaceVersion(namespace)).join(':')}`;
    let memo = this.inventories.get(cache);
    if (!memo) this.inventories.set(cache, (memo = new Map()));
    const last = memo.get(namespace);
    memo.delete(namespace);
    if (last?.key === key) {
      memo.set(namespace, last);
      return last.inventory;
    }
    const objects = Object.fromEntries(KIND_ORDER.map(kind => [kind, cache.reflectors[kind].namespace(namespace)]));
    const inventory = buildNamespaceInventory({ cluster, namespace, meshMode, objects });
    memo.set(namespace, { key, inventory });
    if (memo.size > INVENTORIES_PER_CLUSTER) memo.delete(memo.keys().next().value!);
    return inventory;
  }

  /**
   * What {@link inventory} answers, read from the API servers instead of the caches: per
   * cluster, the five kinds listed in the namespace and the mesh ConfigMap, in parallel.
   * Only for the benchmark's uncached comparison (EGRESS_BENCH_UNCACHED_INVENTORY); the
   * product's views never wait on a cluster.
   */
  async liveInventory(namespace: string, clusterNames: string[]): Promise<NamespaceInventory[]> {
    return Promise.all(
      clusterNames.map(async (name): Promise<NamespaceInventory> => {
        const cache = this.caches.get(name);
        if (!cache) {
          return { cluster: name, namespace, synced: false, error: this.unavailable(name), resources: [] };
        }
        try {
          const versions = await cache.servedVersions();
          const list = (path: string) => cache.api.request<{ items: CachedObject[] }>('GET', path, { timeoutMs: 10000 });
          const [mesh, ...lists] = await Promise.all([
            cache.api.request<{ data?: { mesh?: string } }>('GET', `/api/v1/namespaces/${encodeURIComponent(cache.settings.istioNamespace)}/configmaps/istio`, { timeoutMs: 10000 }),
            ...KIND_ORDER.map(kind => list(collectionPath(kind, versions[kind], namespace))),
          ]);
          const objects = Object.fromEntries(KIND_ORDER.map((kind, i) => [kind, lists[i].items.map(projectIstioObject)]));
          return { ...buildNamespaceInventory({ cluster: name, namespace, meshMode: parseMeshMode(mesh.data?.mesh), objects }), synced: true };
        } catch (e) {
          return { cluster: name, namespace, synced: false, error: (e as Error).message, resources: [] };
        }
      }),
    );
  }

  istioVerdict(cluster: string, manifests: KubernetesManifest[]): TargetIstioVerdict | undefined {
    const cache = this.caches.get(cluster);
    if (!cache?.settings.istioAnalysis) return undefined;
    const lookup = (m: KubernetesManifest) =>
      isManagedKind(m.kind)
        ? cache.reflectors[m.kind].get(m.metadata.namespace ?? '', m.metadata.name)
        : undefined;
    return istioVerdict(manifests, lookup, cache.freshness().synced);
  }

  managedObjects(): ManagedObjects[] {
    return this.options.clusters.list().map(settings => {
      const cache = this.caches.get(settings.name);
      if (cache) return listManagedObjects(cache);
      return { cluster: settings.name, synced: false, error: this.broken.get(settings.name), objects: [] };
    });
  }

  removeManaged(
    cluster: string,
    ref: { kind: string; namespace: string; name: string },
    stillOrphan: (labels: Record<string, string>) => Promise<string | undefined>,
  ): Promise<BundleResult> {
    const cache = this.caches.get(cluster);
    if (!cache) throw new NotFoundError(this.unavailable(cluster));
    return removeManagedObject(cache, ref, stillOrphan);
  }

  /** Waits until every cluster's cache is synced and error-free, or throws after the timeout. */
  async waitUntilSynced(timeoutMs = 30000, names?: string[]): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const wanted = names ?? [...this.caches.keys()];
    for (;;) {
      const pending = this.listClusters().filter(c => wanted.includes(c.name) && !(c.synced && !c.error));
      if (pending.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`Clusters not synced: ${pending.map(p => `${p.name} (${p.error ?? 'syncing'})`).join(', ')}`);
      }
      await new Promise(r => setTimeout(r, 50));
    }
  }
}
