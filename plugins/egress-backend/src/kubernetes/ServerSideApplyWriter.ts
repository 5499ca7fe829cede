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

/**
 * The direct writer: server-side apply (field manager `backstage-egress`) and
 * deletes through the cluster's API; observations come from its cache.
 */
export class ServerSideApplyWriter implements EgressWriter {
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

  async observe(options: {
    namespace: string;
    requestId: string;
    shared?: Array<{ kind: string; namespace: string; name: string }>;
  }): Promise<ObservedBundle> {
    const out: KubernetesManifest[] = [];
    const synced = KIND_ORDER.every(kind => this.cache.reflectors[kind].synced && !this.cache.reflectors[kind].error);
    const namespaces = requestNamespaces(options.namespace, this.cache.gatewayService().namespace);
    for (const kind of KIND_ORDER) {
      // The cache indexes objects by request id: only this request's objects are read. Leftovers
      // the bundle no longer has count too: they show as drift and the repair prunes them.
      const own = this.cache.reflectors[kind]
        .withLabel(options.requestId)
        .filter(o => isOurs(o) && namespaces.includes(o.metadata.namespace ?? ''));
      const shared = (options.shared ?? [])
        .filter(s => s.kind === kind)
        .flatMap(s => this.cache.reflectors[kind].namespace(s.namespace).filter(o => o.metadata.name === s.name && isOurs(o)));
      const objs = [...own, ...shared]
        .sort((a, b) => compareCodeUnits(`${a.metadata.namespace}/${a.metadata.name}`, `${b.metadata.namespace}/${b.metadata.name}`));
      for (const o of objs) {
        const annotations = { ...(o.metadata.annotations ?? {}) };
        delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
        out.push({
          // Rendered manifests say v1; report the same so specHash compares content only.
          apiVersion: renderedApiVersion(kind),
          kind,
          metadata: {
            name: o.metadata.name,
            namespace: o.metadata.namespace ?? options.namespace,
            labels: { ...(o.metadata.labels ?? {}) },
            annotations,
          },
          spec: o.spec ?? {},
        });
      }
    }
    return { synced, manifests: out };
  }
}
