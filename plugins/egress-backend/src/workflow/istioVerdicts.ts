import type {
  KubernetesManifest,
  RequestTarget,
  TargetIstioVerdict,
} from '@backstage-egress/plugin-egress-common';

/** Istio's verdict on a request's manifests in one cluster (see kubernetes/istioStatus.ts). */
export type IstioVerdictSource = (cluster: string, manifests: KubernetesManifest[]) => TargetIstioVerdict | undefined;

/**
 * Adds Istio's verdict to each applied target, from the manifests of its
 * cluster (rendered once, lazily, only when some target is applied).
 */
export function withIstioVerdicts(
  targets: RequestTarget[],
  manifestsOf: () => Array<{ cluster: string; manifests: KubernetesManifest[] }>,
  source: IstioVerdictSource | undefined,
): RequestTarget[] {
  if (!source || !targets.some(t => t.status === 'applied')) return targets;
  let byCluster: Map<string, KubernetesManifest[]>;
  try {
    byCluster = new Map(manifestsOf().map(m => [m.cluster, m.manifests]));
  } catch {
    return targets; // a stored request that no longer renders has no verdict; its targets still show
  }
  return targets.map(target => {
    const manifests = byCluster.get(target.cluster);
    if (target.status !== 'applied' || !manifests) return target;
    const istio = source(target.cluster, manifests);
    return istio ? { ...target, istio } : target;
  });
}
