import { DEFAULT_EGRESS_POLICY, EgressPolicy, evaluatePolicy, parseEgressPolicy } from './policy';
import { EgressRequestDraft } from './model';
import { riskFlags } from './risk';
import { PAYMENTS_NOW, paymentsDraft } from './__fixtures__/paymentsDraft';

const now = PAYMENTS_NOW;
const open: EgressPolicy = { ...DEFAULT_EGRESS_POLICY, allowWildcards: true, allowCidrs: true, autoApproveHosts: ['*'] };
const evaluate = (d: Partial<EgressRequestDraft>, p: Partial<EgressPolicy> = {}) =>
  evaluatePolicy({ ...paymentsDraft, ...d }, { ...open, ...p }, { now });
const tcp = [{ number: 443, protocol: 'TLS' as const }];

describe('built-in deny set', () => {
  it.each([
    ['metadata.google.internal', /metadata/],
    ['instance-data.ec2.internal', /metadata/],
    ['metadata.azure.internal', /metadata/],
    ['host.docker.internal', /container host/],
    ['printer.local', /\.local/],
    ['*.local', /\.local/],
    ['*.google.internal', /metadata/],
  ])('denies the host %s under any policy, saying why', (host, why) => {
    const result = evaluate({ hosts: [host], addresses: [] });
    expect(result.verdict).toBe('denied');
    expect(result.rule).toBe('builtInDeny');
    expect(result.reason).toMatch(why);
    expect(result.reason).toContain(host);
  });

  it.each([
    ['169.254.169.254/32', '169.254.169.254 is the cloud metadata endpoint'],
    ['169.254.0.0/16', 'link-local'],
    ['169.0.0.0/8', 'cloud metadata endpoint'],
    ['127.0.0.0/8', 'loopback'],
    ['127.0.0.1/32', 'loopback'],
    ['::1/128', 'loopback'],
    ['fe80::/10', 'link-local'],
    ['fd00:ec2::254/128', 'AWS'],
    ['100.100.100.200/32', 'Alibaba'],
    ['192.0.0.192/32', 'Oracle'],
    ['0.0.0.0/8', 'unspecified'],
    ['::/128', 'unspecified'],
    ['0.0.0.0/0', 'contains 169.254.169.254, the cloud metadata endpoint'],
    ['224.0.0.0/4', 'multicast'],
    ['ff02::1/128', 'multicast'],
    ['255.255.255.255/32', 'broadcast'],
    ['::ffff:169.254.169.254/128', 'IPv4-mapped'],
  ])('denies the IP range %s under any policy (%s)', (cidr, why) => {
    const result = evaluate({ hosts: [], addresses: [cidr], ports: tcp, resolution: 'NONE' });
    expect(result.verdict).toBe('denied');
    expect(result.rule).toBe('builtInDeny');
    expect(result.reason).toContain(why);
  });

  it('denies a STATIC endpoint on a denied address', () => {
    const result = evaluate({ hosts: ['api.example.com'], resolution: 'STATIC', endpoints: [{ address: '169.254.169.254' }] });
    expect(result.verdict).toBe('denied');
    expect(result.reason).toContain('169.254.169.254 is the cloud metadata endpoint');
  });

  it('grants public ranges as before', () => {
    expect(evaluate({ hosts: [], addresses: ['203.0.113.0/24'], ports: tcp, resolution: 'NONE' }).verdict).toBe('needs-approval');
  });

  it('grants private ranges only when the policy allows them, and flags them', () => {
    for (const cidr of ['10.0.0.0/8', '172.16.5.0/24', '192.168.1.1/32', '100.64.0.0/16', 'fd12::/16', '8.0.0.0/5']) {
      const denied = evaluate({ hosts: [], addresses: [cidr], ports: tcp, resolution: 'NONE' });
      expect(denied).toMatchObject({ verdict: 'denied', rule: 'allowPrivateAddresses' });
      expect(denied.reason).toContain('private');
      const allowed = evaluate({ hosts: [], addresses: [cidr], ports: tcp, resolution: 'NONE' }, { allowPrivateAddresses: true });
      expect(allowed.verdict).toBe('needs-approval');
      const flags = riskFlags({ ...paymentsDraft, hosts: [], addresses: [cidr] }, open, { now });
      expect(flags.map(f => f.code)).toContain('private-address');
    }
  });

  it('is relaxed only for the entries the policy names', () => {
    // 100.100.100.200 is also in 100.64.0.0/10, a private range.
    const p = parseEgressPolicy({ allowCidrs: true, allowPrivateAddresses: true, builtInDenyExceptions: ['100.100.100.200/32', 'host.docker.internal'] });
    expect(p.builtInDenyExceptions).toEqual(['100.100.100.200/32', 'host.docker.internal']);
    const draft = (d: Partial<EgressRequestDraft>) => evaluatePolicy({ ...paymentsDraft, ...d }, p, { now });
    expect(draft({ hosts: [], addresses: ['100.100.100.200/32'], ports: tcp, resolution: 'NONE' }).verdict).toBe('needs-approval');
    expect(draft({ hosts: ['host.docker.internal'] }).verdict).toBe('needs-approval');
    // Everything else stays denied, including the rest of the range around an exception.
    expect(draft({ hosts: [], addresses: ['169.254.169.254/32'], ports: tcp, resolution: 'NONE' }).verdict).toBe('denied');
    expect(draft({ hosts: ['metadata.google.internal'] }).verdict).toBe('denied');
  });

  it('denies a private range that contains a metadata endpoint even when private ranges are allowed', () => {
    const result = evaluate({ hosts: [], addresses: ['100.64.0.0/10'], ports: tcp, resolution: 'NONE' }, { allowPrivateAddresses: true });
    expect(result).toMatchObject({ verdict: 'denied', rule: 'builtInDeny' });
    expect(result.reason).toContain('contains 100.100.100.200, the Alibaba Cloud metadata endpoint');
  });

  it('refuses an exception that names nothing in the built-in set', () => {
    expect(() => parseEgressPolicy({ builtInDenyExceptions: ['169.254.0.0/17'] })).toThrow(
      /builtInDenyExceptions\.0: .*not an entry of the built-in deny set/,
    );
  });
});
