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
import { collectionPath, KIND_ORDER, objectPath, renderedApiVersion, resourceKind } from './kinds';
import { ApplyOutcome, BundleResult, EgressWriter, IstioKind, ObservedBundle } from './types';

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
  apply(manifests: KubernetesManifest[]): Promise<BundleResult> {
    return applyAllOrNothing(this.name, this.cache.api, () => this.cache.servedVersions(), manifests);
  }

  /** Where a kind's objects of a request live: the request's namespace or the egress gateway's (kind registry). */
  private namespaceOf(kind: IstioKind, requestNamespace: string): string {
    return resourceKind(kind)?.namespace === 'gateway' ? this.cache.gatewayService().namespace : requestNamespace;
  }

  async remove(options: { namespace: string; requestId: string }): Promise<BundleResult> {
    const { requestId } = options;
    const outcomes: ApplyOutcome[] = [];
    let versions;
    try {
      versions = await this.cache.servedVersions();
    } catch (e) {
      const err = toClusterError(this.name, e, 'discovering Istio API versions');
      return bundleResult(this.name, [
        { kind: '*', namespace: options.namespace, name: '*', action: 'failed', error: err.message, errorType: err.name },
      ]);
    }
    const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${REQUEST_ID_LABEL}=${requestId}`;
    for (const kind of [...KIND_ORDER].reverse()) {
      const namespace = this.namespaceOf(kind, options.namespace);
      let items: CachedObject[];
      try {
        const list = await this.cache.api.request<{ items: CachedObject[] }>(
          'GET',
          collectionPath(kind, versions[kind], namespace),
          { query: { labelSelector } },
        );
        items = list.items;
      } catch (e) {
        const err = toClusterError(this.name, e, `listing ${kind}s of request ${requestId} in ${namespace}`);
        outcomes.push({ kind, namespace, name: '*', action: 'failed', error: err.message, errorType: err.name });
        continue;
      }
      for (const item of items) {
        const name = item.metadata.name;
        try {
          await this.cache.api.request('DELETE', objectPath(kind, versions[kind], namespace, name), {
            body: {
              kind: 'DeleteOptions',
              apiVersion: 'v1',
              preconditions: { uid: item.metadata.uid, resourceVersion: item.metadata.resourceVersion },
            },
          });
          outcomes.push({ kind, namespace, name, action: 'deleted' });
        } catch (e) {
          if (statusCodeOf(e) === 404) {
            outcomes.push({ kind, namespace, name, action: 'absent' });
          } else {
            const err = toClusterError(this.name, e, `deleting ${kind} ${namespace}/${name}`);
            outcomes.push({ kind, namespace, name, action: 'failed', error: err.message, errorType: err.name });
          }
        }
      }
    }
    return bundleResult(this.name, outcomes);
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
    for (const kind of KIND_ORDER) {
      const namespace = this.namespaceOf(kind, options.namespace);
      // The cache indexes objects by request id: only this request's objects are read.
      const own = this.cache.reflectors[kind]
        .withLabel(options.requestId)
        .filter(o => isOurs(o) && (o.metadata.namespace ?? '') === namespace);
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
