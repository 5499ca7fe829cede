import { CachedObject } from './Reflector';

/** Written by `kubectl apply`: a second copy of the whole object, which no reader of the cache needs. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What the cache keeps of an Istio object: name, namespace, labels and
 * annotations (for ownership and the request id), spec (inventory and drift
 * hash) and status (Istio's verdict). `managedFields`, the last-applied copy
 * and the rest of the metadata are dropped: on objects written by several
 * field managers they are most of an object's size.
 */
export function projectIstioObject(obj: CachedObject): CachedObject {
  const { name, namespace, resourceVersion, labels, annotations } = obj.metadata;
  let kept = annotations;
  if (annotations && LAST_APPLIED in annotations) {
    kept = Object.fromEntries(Object.entries(annotations).filter(([key]) => key !== LAST_APPLIED));
  }
  return {
    metadata: {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(labels ? { labels } : {}),
      ...(kept && Object.keys(kept).length > 0 ? { annotations: kept } : {}),
    },
    ...(obj.spec !== undefined ? { spec: obj.spec } : {}),
    ...(obj.status !== undefined ? { status: obj.status } : {}),
  };
}

/** What the cache keeps of the mesh ConfigMap: its name and the `mesh` key. */
export function projectMeshConfig(obj: CachedObject): CachedObject {
  const { name, namespace, resourceVersion } = obj.metadata;
  return {
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}), ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
    ...(obj.data?.mesh !== undefined ? { data: { mesh: obj.data.mesh } } : {}),
  };
}
