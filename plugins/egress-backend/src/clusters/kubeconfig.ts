import { KubeConfig } from '@kubernetes/client-node';

/**
 * Name of the cluster of the current kubeconfig context (KUBECONFIG or
 * ~/.kube/config), the single cluster when `egress.clusters` is empty.
 */
export function currentKubeconfigClusterName(): string {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error(
      'No egress.clusters are configured and the kubeconfig has no current cluster; configure egress.clusters or set KUBECONFIG',
    );
  }
  return cluster.name;
}
