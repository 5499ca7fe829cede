import {
  KubernetesManifest,
  LOCKDOWN_SIDECAR_NAME,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
} from '@backstage-egress/plugin-egress-common';
import { applyAllOrNothing, bundleResult, isOurs } from './bundleApply';
import { ClusterCache } from './ClusterCache';
import { statusCodeOf, toClusterError } from './errors';
import { compareCodeUnits } from './inventory';
import { CachedObject } from './Reflector';
import { KIND_ORDER, objectPath, renderedApiVersion } from './kinds';
import { deleteRequestObjects, objectKey, requestNamespaces } from './requestObjects';
import { BundleResult, EgressWriter, IstioKind, ObservedBundle } from './types';

export { FIELD_MANAGER } from './bundleApply';

/** Observations a writer remembers at most; the least recently asked go first. */
const OBSERVATIONS_LIMIT = 5000;

/**
 * The direct writer: server-side apply (field manager `backstage-egress`) and
 * deletes through the cluster's API; observations come from its cache.
 */
export class ServerSideApplyWriter implements EgressWriter {
  /** The last observation per request, with the cached objects it was made from. */
  private readonly observations = new Map<string, { objs: CachedObject[]; synced: boolean; bundle: ObservedBundle }>();

  constructor(private readonly cache: ClusterCache) {}

  get name(): string {
    return this.cache.settings.name;
  }

  /**
   * All or nothing: a preflight reads every name and refuses the bundle on any
   * object we do not manage; then the resources are applied in dependency
   * order, and on a failure whatever this attempt created is removed.
   */
  async apply(manifests: KubernetesManifest[]): Promise<BundleResult> {
    const applied = await applyAllOrNothing(this.name, this.cache.api, () => this.cache.servedVersions(), manifests);
    if (!applied.ok) return applied;
    return this.prune(manifests, applied);
  }

  /**
   * After a successful apply: deletes the objects labelled with the bundle's
   * request id that the bundle no longer has (in the request's namespace and
   * the gateway's), e.g. a Gateway of the layout before gateway sharing. A
   * failed deletion makes the result not ok, so the apply is retried.
   */
  private async prune(manifests: KubernetesManifest[], applied: BundleResult): Promise<BundleResult> {
    const own = manifests.filter(m => m.metadata.labels?.[REQUEST_ID_LABEL]);
    const requestId = own[0]?.metadata.labels[REQUEST_ID_LABEL];
    if (!requestId) return applied;
    const keep = new Set(manifests.map(m => objectKey({ kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name })));
    const namespaces = [...new Set(own.flatMap(m => requestNamespaces(m.metadata.namespace, this.cache.gatewayService().namespace)))];
    let pruned;
    try {
      pruned = await deleteRequestObjects(this.name, this.cache.api, await this.cache.servedVersions(), { requestId, namespaces, keep });
    } catch (e) {
      const err = toClusterError(this.name, e, `pruning objects of request ${requestId}`);
      pruned = [{ kind: '*', namespace: namespaces[0], name: '*', action: 'failed' as const, error: err.message, errorType: err.name }];
    }
    return bundleResult(this.name, [...applied.outcomes, ...pruned]);
  }

  async remove(options: { namespace: string; requestId: string }): Promise<BundleResult> {
    let versions;
    try {
      versions = await this.cache.servedVersions();
    } catch (e) {
      const err = toClusterError(this.name, e, 'discovering Istio API versions');
      return bundleResult(this.name, [
        { kind: '*', namespace: options.namespace, name: '*', action: 'failed', error: err.message, errorType: err.name },
      ]);
    }
    const namespaces = requestNamespaces(options.namespace, this.cache.gatewayService().namespace);
    return bundleResult(this.name, await deleteRequestObjects(this.name, this.cache.api, versions, { requestId: options.requestId, namespaces }));
  }

  async removeLockdown(options: { namespace: string }): Promise<BundleResult> {
    return this.removeShared({ kind: 'Sidecar', namespace: options.namespace, name: LOCKDOWN_SIDECAR_NAME });
  }

  async removeShared(options: { kind: IstioKind; namespace: string; name: string }): Promise<BundleResult> {
    const { kind, namespace, name } = options;
    const id = { kind, namespace, name };
    const fail = (e: unknown, doing: string): BundleResult => {
      const err = toClusterError(this.name, e, doing);
      return bundleResult(this.name, [{ ...id, action: 'failed', error: err.message, errorType: err.name }]);
    };
    let path: string;
    let existing: CachedObject;
    try {
      const versions = await this.cache.servedVersions();
      path = objectPath(kind, versions[kind], namespace, name);
      existing = await this.cache.api.request<CachedObject>('GET', path);
    } catch (e) {
      if (statusCodeOf(e) === 404) return bundleResult(this.name, [{ ...id, action: 'absent' }]);
      return fail(e, `reading ${kind} ${namespace}/${name}`);
    }
    if (!isOurs(existing)) {
      return bundleResult(this.name, [{
        ...id,
        action: 'failed',
        error: `Cluster '${this.name}': ${kind} ${namespace}/${name} is not managed by backstage-egress (no ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label); it was left in place`,
        errorType: 'ConflictError',
      }]);
    }
    try {
      await this.cache.api.request('DELETE', path, {
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          // Only the object we checked: a replaced or relabelled one is not ours to delete.
          preconditions: { uid: existing.metadata.uid, resourceVersion: existing.metadata.resourceVersion },
        },
      });
      return bundleResult(this.name, [{ ...id, action: 'deleted' }]);
    } catch (e) {
      if (statusCodeOf(e) === 404) return bundleResult(this.name, [{ ...id, action: 'absent' }]);
      return fail(e, `deleting ${kind} ${namespace}/${name}`);
    }
  }

  /**
   * What the cluster holds of a request, from the cache. The cache replaces an object when it
   * changes, so while the request's objects are the same objects the previous answer stands:
   * views that show every target's sync state do not copy them again on each call.
   */
  async observe(options: {
    namespace: string;
    requestId: string;
    shared?: Array<{ kind: string; namespace: string; name: string }>;
  }): Promise<ObservedBundle> {
    const synced = KIND_ORDER.every(kind => this.cache.reflectors[kind].synced && !this.cache.reflectors[kind].error);
    const namespaces = requestNamespaces(options.namespace, this.cache.gatewayService().namespace);
    const objs: CachedObject[] = [];
    const kinds: IstioKind[] = [];
    for (const kind of KIND_ORDER) {
      // The cache indexes objects by request id: only this request's objects are read. Leftovers
      // the bundle no longer has count too: they show as drift and the repair prunes them.
      const own = this.cache.reflectors[kind]
        .withLabel(options.requestId)
        .filter(o => isOurs(o) && namespaces.includes(o.metadata.namespace ?? ''));
      const shared = (options.shared ?? [])
        .filter(s => s.kind === kind)
        .flatMap(s => {
          const o = this.cache.reflectors[kind].get(s.namespace, s.name);
          return o && isOurs(o) ? [o] : [];
        });
      for (const o of [...own, ...shared].sort((a, b) =>
        compareCodeUnits(`${a.metadata.namespace}/${a.metadata.name}`, `${b.metadata.namespace}/${b.metadata.name}`),
      )) {
        objs.push(o);
        kinds.push(kind);
      }
    }
    const memo = this.observations;
    const key = `${options.namespace}\n${options.requestId}\n${JSON.stringify(options.shared ?? [])}`;
    const last = memo.get(key);
    if (last && last.synced === synced && sameObjects(last.objs, objs)) return last.bundle;
    const bundle: ObservedBundle = { synced, manifests: objs.map((o, i) => observedManifest(kinds[i], o, options.namespace)) };
    memo.delete(key);
    memo.set(key, { objs, synced, bundle });
    if (memo.size > OBSERVATIONS_LIMIT) memo.delete(memo.keys().next().value!);
    return bundle;
  }
}

function sameObjects(a: CachedObject[], b: CachedObject[]) {
  return a.length === b.length && a.every((o, i) => o === b[i]);
}

/** A cached object as the rendered manifests say it, so their hashes compare content only. */
function observedManifest(kind: IstioKind, o: CachedObject, namespace: string): KubernetesManifest {
  const annotations = { ...(o.metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return {
    // Rendered manifests say v1; report the same so specHash compares content only.
    apiVersion: renderedApiVersion(kind),
    kind,
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace ?? namespace,
      labels: { ...(o.metadata.labels ?? {}) },
      annotations,
    },
    spec: o.spec ?? {},
  };
}
