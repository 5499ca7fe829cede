import { ConfigReader } from '@backstage/config';
import { ClusterDirectory } from './ClusterDirectory';
import { parseMeshMode } from '../kubernetes/ClusterCache';

describe('ClusterDirectory', () => {
  it('reads clusters with defaults', () => {
    const dir = ClusterDirectory.fromConfig(
      new ConfigReader({
        egress: {
          clusters: [
            { name: 'dev', url: 'https://dev:6443', serviceAccountToken: 't', caData: 'Y2E=' },
            {
              name: 'prod', title: 'Production', authProvider: 'kubeconfig', kubeconfigContext: 'prod-ctx',
              istioNamespace: 'mesh', egressGateway: { selector: { app: 'egw' } }, skipTLSVerify: true,
            },
          ],
        },
      }),
      { defaultClusterName: () => 'unused' },
    );
    expect(dir.get('dev')).toMatchObject({
      authProvider: 'serviceAccount', title: 'dev', istioNamespace: 'istio-system', skipTLSVerify: false,
      egressGateway: { selector: { istio: 'egressgateway' }, serviceHost: 'istio-egressgateway.istio-system.svc.cluster.local' },
    });
    expect(dir.get('prod')).toMatchObject({
      authProvider: 'kubeconfig', kubeconfigContext: 'prod-ctx', skipTLSVerify: true,
      egressGateway: { selector: { app: 'egw' }, serviceHost: 'istio-egressgateway.mesh.svc.cluster.local' },
    });
  });

  it('falls back to the current kubeconfig context as the single cluster', () => {
    const dir = ClusterDirectory.fromConfig(new ConfigReader({}), { defaultClusterName: () => 'kind-local' });
    expect(dir.list()).toEqual([expect.objectContaining({ name: 'kind-local', authProvider: 'kubeconfig' })]);
  });

  it('rejects a service account cluster without a token, and duplicate names', () => {
    const read = (clusters: object[]) => () =>
      ClusterDirectory.fromConfig(new ConfigReader({ egress: { clusters } }), { defaultClusterName: () => 'x' });
    expect(read([{ name: 'a', url: 'https://a', authProvider: 'serviceAccount' }])).toThrow(/serviceAccountToken is required/);
    expect(read([{ name: 'a', url: 'https://a', serviceAccountToken: 't' }, { name: 'a', url: 'https://b', serviceAccountToken: 't' }])).toThrow(/configured twice/);
  });
});

describe('parseMeshMode', () => {
  it('reads outboundTrafficPolicy.mode, ALLOW_ANY when unset as Istio does', () => {
    expect(parseMeshMode('outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n')).toBe('REGISTRY_ONLY');
    expect(parseMeshMode('accessLogFile: /dev/stdout\n')).toBe('ALLOW_ANY');
    expect(parseMeshMode(undefined)).toBe('ALLOW_ANY');
    expect(parseMeshMode(': not yaml [')).toBe('ALLOW_ANY');
  });
});
