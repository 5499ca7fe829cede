import {
  KubernetesManifest,
  SHARED_LABEL,
  specHash,
} from '@backstage-egress/plugin-egress-common';

/**
 * Hash of the parts of a request's resources that matter for drift: kind,
 * namespace, name and spec, in a fixed order. The same function hashes what
 * was rendered (stored as the target's applied hash) and what the cluster
 * holds, so a changed or deleted resource shows up as a different hash.
 * Shared resources (the namespace lockdown Sidecar) are not the request's own
 * and are left out.
 */
export function desiredHash(manifests: KubernetesManifest[]): string {
  const own = manifests
    .filter(m => !m.metadata.labels?.[SHARED_LABEL])
    .map(m => ({
      kind: m.kind,
      namespace: m.metadata.namespace,
      name: m.metadata.name,
      spec: m.spec,
    }))
    .sort((a, b) =>
      `${a.kind}/${a.name}` < `${b.kind}/${b.name}` ? -1 : 1,
    );
  return specHash(own as unknown as KubernetesManifest[]);
}
