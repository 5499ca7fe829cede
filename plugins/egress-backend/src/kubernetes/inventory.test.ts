import { renderSharedGateway, resolveClusterSettings } from '@backstage-egress/plugin-egress-common';
import { describeResource } from './inventory';

describe('describeResource', () => {
  it('shows the hosts an AuthorizationPolicy of ours admits, by SNI', () => {
    const [policy] = renderSharedGateway(
      'edition.cnn.com',
      { namespaces: ['payments', 'checkout'], ports: [443] },
      resolveClusterSettings({ name: 'dev', egressGateway: { mode: 'mutual' } }),
    );
    expect(policy.kind).toBe('AuthorizationPolicy');
    expect(describeResource('AuthorizationPolicy', policy as any)).toEqual({
      kind: 'AuthorizationPolicy',
      namespace: 'istio-system',
      name: policy.metadata.name,
      managed: true,
      hosts: ['edition.cnn.com'],
      addresses: [],
      ports: [],
    });
  });
});
