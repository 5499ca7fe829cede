import { riskFlags } from './risk';
import { EgressRequestDraft } from './model';
import { PAYMENTS_NOW, paymentsDraft } from './__fixtures__/paymentsDraft';

const now = PAYMENTS_NOW;
const draft = paymentsDraft;
const flags = (d: Partial<EgressRequestDraft>, autoApproveHosts?: string[]) =>
  riskFlags({ ...draft, ...d }, { autoApproveHosts }, { now });

describe('riskFlags', () => {
  it('flags nothing for a short gateway HTTPS grant to an allow-listed host', () => {
    expect(flags({}, ['api.stripe.com'])).toEqual([]);
  });

  it('flags hosts not on the auto-approve list, naming them', () => {
    expect(flags({})).toEqual([{ code: 'not-allow-listed', message: 'api.stripe.com not on the auto-approve list' }]);
  });

  it('flags each risk once, in a fixed order', () => {
    const result = flags({
      hosts: ['*.example.com', 'a.example.com'],
      ports: [
        { number: 80, protocol: 'HTTP' },
        { number: 8080, protocol: 'HTTP' },
        { number: 5432, protocol: 'TCP' },
      ],
      viaEgressGateway: false,
      expiresAt: undefined,
    });
    expect(result.map(f => f.code)).toEqual(['wildcard', 'plain-http', 'plain-tcp', 'no-gateway', 'no-expiry', 'not-allow-listed']);
    expect(result[0].message).toContain('*.example.com');
    expect(result[1].message).toContain('80, 8080');
    expect(result[4].message).toContain('no expiry');
  });

  it('flags CIDRs and expiries beyond 30 days', () => {
    const result = flags({ hosts: [], addresses: ['203.0.113.0/24'], expiresAt: '2030-03-01T00:00:00Z' }, ['*']);
    expect(result.map(f => f.code)).toEqual(['cidr', 'long-expiry', 'not-allow-listed']);
    expect(result[0].message).toContain('203.0.113.0/24');
    expect(result[1].message).toContain('more than 30 days');
  });
});

describe('riskFlags on clusters whose egress gateway runs in mutual mode', () => {
  const withModes = (d: Partial<EgressRequestDraft>, mutualClusters: string[]) =>
    riskFlags({ ...draft, ...d }, { autoApproveHosts: ['api.stripe.com'] }, { now, mutualClusters });

  it('marks direct access there as bypassing the enforcement, naming the clusters', () => {
    const result = withModes({ viaEgressGateway: false, clusters: ['dev', 'prod'] }, ['prod']);
    expect(result.map(f => f.code)).toEqual(['no-gateway', 'bypasses-enforcement']);
    expect(result[1].message).toMatch(/^on prod the egress gateway admits only approved namespaces/);
  });

  it('does not mark access through the gateway, nor direct access on passthrough clusters', () => {
    expect(withModes({ viaEgressGateway: true, clusters: ['prod'] }, ['prod'])).toEqual([]);
    expect(withModes({ viaEgressGateway: false, clusters: ['dev'] }, ['prod']).map(f => f.code)).toEqual(['no-gateway']);
  });
});
