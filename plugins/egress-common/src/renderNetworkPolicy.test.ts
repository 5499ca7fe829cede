import { goldenCases, GOLDEN_CLUSTER, GOLDEN_NOW } from './__fixtures__/goldenCases';
import { PAYMENTS_NOW, paymentsDraft } from './__fixtures__/paymentsDraft';
import { KubernetesManifest, SHARED_LABEL } from './manifests';
import { resolveClusterSettings } from './model';
import { DEFAULT_EGRESS_POLICY, evaluatePolicy } from './policy';
import { renderManifests } from './render';
import { explainNetworkPolicy, NETWORK_POLICY_NAME } from './renderNetworkPolicy';
import { riskFlags } from './risk';
import { validateDraft } from './validation';

const golden = goldenCases.find(c => c.name === 'network-policy')!;
const networkPolicies = (manifests: KubernetesManifest[]) => manifests.filter(m => m.kind === 'NetworkPolicy') as any[];

describe('the namespace NetworkPolicy', () => {
  it('is rendered last, shared by the namespace, from the cluster’s Istio and gateway settings', () => {
    const manifests = renderManifests(golden.request, {
      name: 'other',
      istioNamespace: 'mesh-control',
      egressGateway: { serviceHost: 'out.edge.svc.cluster.local', selector: { role: 'egress' } },
    });
    expect(manifests[manifests.length - 1].kind).toBe('NetworkPolicy');
    const [np] = networkPolicies(manifests);
    expect(np.apiVersion).toBe('networking.k8s.io/v1');
    expect(np.metadata).toEqual({
      name: NETWORK_POLICY_NAME,
      namespace: 'payments',
      labels: { 'app.kubernetes.io/managed-by': 'backstage-egress', [SHARED_LABEL]: 'namespace' },
    });
    expect(np.spec.podSelector).toEqual({});
    expect(np.spec.policyTypes).toEqual(['Egress']);
    const peers = np.spec.egress.map((rule: any) => rule.to[0]);
    expect(peers.map((p: any) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual([
      'mesh-control',
      'edge',
      'kube-system',
    ]);
    expect(peers[1].podSelector).toEqual({ matchLabels: { role: 'egress' } });
    expect(peers[2].podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
    expect(np.spec.egress[2].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    // No rule opens anything else: no ipBlock, no empty peer.
    expect(JSON.stringify(np.spec)).not.toContain('ipBlock');
    expect(np.spec.egress.every((rule: any) => rule.to.length === 1)).toBe(true);
  });

  it('is not rendered unless asked for', () => {
    const { namespaceNetworkPolicy, ...without } = golden.request;
    expect(networkPolicies(renderManifests(without, GOLDEN_CLUSTER))).toEqual([]);
  });

  it('cannot go with direct access, which it would block', () => {
    const { id, requestedBy, decidedBy, status, ...draft } = golden.request;
    const result = validateDraft({ ...draft, viaEgressGateway: false }, { now: GOLDEN_NOW });
    expect(result.errors.map(e => [e.path, e.code])).toEqual([['namespaceNetworkPolicy', 'network-policy-blocks-direct']]);
    expect(validateDraft({ ...draft, namespaceNetworkPolicy: 'yes' }, { now: GOLDEN_NOW }).errors.map(e => e.code)).toEqual([
      'invalid-type',
    ]);
  });

  it('is flagged and never auto-approved, even for an auto-approved host', () => {
    const draft = { ...paymentsDraft, viaEgressGateway: true, namespaceNetworkPolicy: true };
    const policy = { ...DEFAULT_EGRESS_POLICY, autoApproveHosts: paymentsDraft.hosts };
    expect(riskFlags(draft, policy, { now: PAYMENTS_NOW }).map(f => f.code)).toContain('network-policy');
    expect(evaluatePolicy({ ...draft, namespaceNetworkPolicy: false }, policy, { now: PAYMENTS_NOW }).verdict).toBe('auto-approve');
    const evaluation = evaluatePolicy(draft, policy, { now: PAYMENTS_NOW });
    expect(evaluation.verdict).toBe('needs-approval');
    expect(evaluation.reason).toContain('NetworkPolicy on namespace payments');
  });

  it('is explained in one sentence per cluster', () => {
    const settings = (name: string) => resolveClusterSettings(name === 'secure' ? golden.cluster! : { name });
    const lines = explainNetworkPolicy({ namespace: 'payments', clusters: ['dev', 'secure'], namespaceNetworkPolicy: true }, settings);
    expect(lines.map(l => [l.path, l.code])).toEqual([
      ['namespaceNetworkPolicy', 'network-policy'],
      ['namespaceNetworkPolicy', 'network-policy'],
    ]);
    expect(lines[1].message).toBe(
      'namespaceNetworkPolicy: on cluster secure the NetworkPolicy egress-network-policy lets pods in payments open connections only to ' +
        "istiod (istio-system, port 15012), the egress gateway's pods (istio-system, app=egress-gw,istio=egressgateway) and cluster DNS " +
        '(kube-system, port 53); everything else is blocked, direct egress and other in-cluster services included',
    );
    expect(lines[0].message).toContain("the egress gateway's pods (istio-system, istio=egressgateway)");
    expect(explainNetworkPolicy({ namespace: 'payments', clusters: ['dev'], namespaceNetworkPolicy: false }, settings)).toEqual([]);
  });
});
