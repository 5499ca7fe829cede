/**
 * The namespace NetworkPolicy (`networking.k8s.io/v1`): the Kubernetes half
 * of enforced egress. Istio's sidecar and egress gateway only see traffic
 * that goes through the sidecar; a workload that bypasses it (its own network
 * stack, a missing injection, `hostNetwork` aside) reaches the internet
 * unless the CNI stops it. This policy selects every pod of the namespace and
 * allows new connections only to:
 *
 * - istiod in the cluster's Istio namespace, on 15012 (xDS and certificates);
 * - the egress gateway's pods (the cluster's configured gateway namespace and
 *   selector), any port (the gateway's container ports are its own);
 * - cluster DNS (`k8s-app: kube-dns` in kube-system), UDP and TCP 53.
 *
 * Like the lockdown Sidecar it is one object per namespace, shared by every
 * request asking for it (labelled {@link SHARED_LABEL} `namespace`).
 */
import type { ClusterEgressSettings, NormalizedDraft } from './model';
import { KubernetesManifest, MANAGED_BY_LABEL, MANAGED_BY_VALUE, SHARED_LABEL } from './manifests';
import { renderedApiVersion } from './kinds';

/** Name of the namespace-wide NetworkPolicy, one per namespace. @public */
export const NETWORK_POLICY_NAME = 'egress-network-policy';

/** istiod's port for xDS and certificate signing (mutual TLS). @public */
export const ISTIOD_XDS_PORT = 15012;

/** Where cluster DNS runs: namespace and pod labels (Kubernetes' `kube-dns` Service convention). @public */
export const CLUSTER_DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } as const;

const namespaceSelector = (namespace: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': namespace } });

/** The namespace's NetworkPolicy for one cluster's Istio and egress gateway. */
export function namespaceNetworkPolicy(namespace: string, settings: ClusterEgressSettings): KubernetesManifest {
  const { egressGateway, istioNamespace } = settings;
  return {
    apiVersion: renderedApiVersion('NetworkPolicy'),
    kind: 'NetworkPolicy',
    metadata: {
      name: NETWORK_POLICY_NAME,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [SHARED_LABEL]: 'namespace' },
    },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: namespaceSelector(istioNamespace), podSelector: { matchLabels: { app: 'istiod' } } }],
          ports: [{ protocol: 'TCP', port: ISTIOD_XDS_PORT }],
        },
        {
          to: [{ namespaceSelector: namespaceSelector(egressGateway.namespace), podSelector: { matchLabels: { ...egressGateway.selector } } }],
        },
        {
          to: [{ namespaceSelector: namespaceSelector(CLUSTER_DNS.namespace), podSelector: { matchLabels: { ...CLUSTER_DNS.labels } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  };
}

/**
 * One sentence per target cluster on what the NetworkPolicy does to the
 * namespace, for the preview (`path` `namespaceNetworkPolicy`, code
 * `network-policy`). Empty when the draft does not ask for it.
 * @public
 */
export function explainNetworkPolicy(
  draft: Pick<NormalizedDraft, 'namespace' | 'clusters' | 'namespaceNetworkPolicy'>,
  settingsOf: (cluster: string) => ClusterEgressSettings,
): Array<{ path: string; code: string; message: string }> {
  if (!draft.namespaceNetworkPolicy) return [];
  return draft.clusters.map(cluster => {
    const { istioNamespace, egressGateway } = settingsOf(cluster);
    const selector = Object.entries(egressGateway.selector).map(([k, v]) => `${k}=${v}`).join(',');
    return {
      path: 'namespaceNetworkPolicy',
      code: 'network-policy',
      message:
        `namespaceNetworkPolicy: on cluster ${cluster} the NetworkPolicy ${NETWORK_POLICY_NAME} lets pods in ${draft.namespace} ` +
        `open connections only to istiod (${istioNamespace}, port ${ISTIOD_XDS_PORT}), the egress gateway's pods ` +
        `(${egressGateway.namespace}, ${selector}) and cluster DNS (${CLUSTER_DNS.namespace}, port 53); ` +
        'everything else is blocked, direct egress and other in-cluster services included',
    };
  });
}
