/**
 * Every object carrying our managed-by label in a cluster (from its cache),
 * and the deletion of one of them: the cluster side of orphan handling.
 */
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '@backstage-egress/plugin-egress-common';
import { bundleResult, isOurs } from './bundleApply';
import { ClusterCache } from './ClusterCache';
import { statusCodeOf, toClusterError } from './errors';
import { isManagedKind, KIND_ORDER, objectPath } from './kinds';
import { CachedObject } from './Reflector';
import { BundleResult, CacheFreshness, IstioKind } from './types';

/** One object with our managed-by label, as the cache holds it. */
export interface ManagedObject {
  kind: IstioKind;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  createdAt?: string;
}

/** The managed objects of one cluster and how fresh the cache is. */
export interface ManagedObjects extends CacheFreshness {
  cluster: string;
  objects: ManagedObject[];
}

export function listManagedObjects(cache: ClusterCache): ManagedObjects {
  const objects: ManagedObject[] = [];
  for (const kind of KIND_ORDER) {
    for (const o of cache.reflectors[kind].all()) {
      if (!isOurs(o)) continue;
      objects.push({
        kind,
        namespace: o.metadata.namespace ?? '',
        name: o.metadata.name,
        labels: { ...(o.metadata.labels ?? {}) },
        createdAt: (o.metadata as { creationTimestamp?: string }).creationTimestamp,
      });
    }
  }
  return { cluster: cache.settings.name, ...cache.freshness(), objects };
}

/**
 * Deletes one object if the cluster holds it with our managed-by label and
 * `stillOrphan` (given its live labels) agrees; preconditions make sure the
 * object deleted is the one checked. `absent` when it is already gone.
 */
export async function removeManagedObject(
  cache: ClusterCache,
  ref: { kind: string; namespace: string; name: string },
  stillOrphan: (labels: Record<string, string>) => Promise<string | undefined>,
): Promise<BundleResult> {
  const cluster = cache.settings.name;
  const { kind, namespace, name } = ref;
  const id = { kind, namespace, name };
  const fail = (e: unknown, doing: string): BundleResult => {
    const err = toClusterError(cluster, e, doing);
    return bundleResult(cluster, [{ ...id, action: 'failed', error: err.message, errorType: err.name }]);
  };
  const refuse = (error: string, errorType: string) =>
    bundleResult(cluster, [{ ...id, action: 'failed', error: `Cluster '${cluster}': ${kind} ${namespace}/${name} ${error}`, errorType }]);
  if (!isManagedKind(kind)) return refuse(`is not a kind the egress plugin manages`, 'InputError');
  let path: string;
  let live: CachedObject;
  try {
    path = objectPath(kind, (await cache.servedVersions())[kind], namespace, name);
    live = await cache.api.request<CachedObject>('GET', path);
  } catch (e) {
    if (statusCodeOf(e) === 404) return bundleResult(cluster, [{ ...id, action: 'absent' }]);
    return fail(e, `reading ${kind} ${namespace}/${name}`);
  }
  if (!isOurs(live)) {
    return refuse(`is not managed by backstage-egress (no ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label); it was left in place`, 'ConflictError');
  }
  const notOrphan = await stillOrphan(live.metadata.labels ?? {});
  if (notOrphan) return refuse(`is not an orphan: ${notOrphan}`, 'ConflictError');
  try {
    await cache.api.request('DELETE', path, {
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        preconditions: { uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion },
      },
    });
    return bundleResult(cluster, [{ ...id, action: 'deleted' }]);
  } catch (e) {
    if (statusCodeOf(e) === 404) return bundleResult(cluster, [{ ...id, action: 'absent' }]);
    return fail(e, `deleting ${kind} ${namespace}/${name}`);
  }
}
