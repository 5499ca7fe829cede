import { DEFAULT_EGRESS_POLICY, EgressPolicy, evaluatePolicy, parseEgressPolicy, summarizePolicy } from './policy';
import { EgressRequestDraft } from './model';
import { PAYMENTS_NOW, paymentsDraft } from './__fixtures__/paymentsDraft';

const now = PAYMENTS_NOW;
const draft = paymentsDraft;
const policy = (patch: Partial<EgressPolicy> = {}): EgressPolicy => ({ ...DEFAULT_EGRESS_POLICY, ...patch });
const evaluate = (d: Partial<EgressRequestDraft>, p: Partial<EgressPolicy> = {}) =>
  evaluatePolicy({ ...draft, ...d }, policy(p), { now });

describe('parseEgressPolicy', () => {
  it('fills defaults from an empty or missing block', () => {
    expect(parseEgressPolicy(undefined)).toEqual(DEFAULT_EGRESS_POLICY);
    expect(parseEgressPolicy({})).toEqual(DEFAULT_EGRESS_POLICY);
    expect(DEFAULT_EGRESS_POLICY).toEqual({
      allowWildcards: false,
      allowCidrs: false,
      requireEgressGateway: false,
      requireJustification: true,
    });
  });

  it('reads every field and normalises patterns and protocols', () => {
    expect(
      parseEgressPolicy({
        allowedProtocols: ['https', 'TLS'],
        allowedPorts: [443],
        deniedHosts: ['PasteBin.com.', '*.internal.example.com', '*.svc.cluster.local'],
        autoApproveHosts: ['*.Stripe.com'],
        allowWildcards: true,
        allowCidrs: true,
        requireEgressGateway: true,
        maxTtlDays: 90,
        requireJustification: false,
      }),
    ).toEqual({
      allowedProtocols: ['HTTPS', 'TLS'],
      allowedPorts: [443],
      deniedHosts: ['pastebin.com', '*.internal.example.com', '*.svc.cluster.local'],
      autoApproveHosts: ['*.stripe.com'],
      allowWildcards: true,
      allowCidrs: true,
      requireEgressGateway: true,
      maxTtlDays: 90,
      requireJustification: false,
    });
  });

  it.each([
    [{ allowedProtocols: ['UDP'] }, 'allowedProtocols.0'],
    [{ allowedPorts: [0] }, 'allowedPorts.0'],
    [{ deniedHosts: ['exa mple.com'] }, 'deniedHosts.0'],
    [{ autoApproveHosts: ['foo.*.com'] }, 'autoApproveHosts.0'],
    [{ allowWildcards: 'yes' }, 'allowWildcards'],
    [{ maxTtlDays: -1 }, 'maxTtlDays'],
    [{ denyHosts: [] }, 'egress.policy.'],
  ])('rejects %j naming %s', (config, path) => {
    expect(() => parseEgressPolicy(config)).toThrow(path);
  });
});

describe('evaluatePolicy', () => {
  it('needs approval by default', () => {
    expect(evaluate({})).toMatchObject({ verdict: 'needs-approval', rule: 'manualApproval' });
  });

  it('denies a host on the deny-list, naming it', () => {
    const result = evaluate({ hosts: ['pastebin.com'] }, { deniedHosts: ['pastebin.com'] });
    expect(result).toMatchObject({ verdict: 'denied', rule: 'deniedHosts', reason: 'pastebin.com is on the deny-list' });
  });

  it('denies a host under a denied pattern, naming host and pattern', () => {
    const result = evaluate({ hosts: ['db.internal.example.com'] }, { deniedHosts: ['*.internal.example.com'] });
    expect(result.rule).toBe('deniedHosts');
    expect(result.reason).toBe('db.internal.example.com matches the denied pattern *.internal.example.com');
  });

  it('denies a wildcard that covers a denied host', () => {
    const result = evaluate({ hosts: ['*.example.com'], viaEgressGateway: false }, { deniedHosts: ['secret.example.com'], allowWildcards: true });
    expect(result).toMatchObject({ verdict: 'denied', rule: 'deniedHosts' });
  });

  it('does not deny the apex for a wildcard pattern', () => {
    expect(evaluate({ hosts: ['example.com'] }, { deniedHosts: ['*.example.com'] }).verdict).toBe('needs-approval');
  });

  it('denies protocols and ports outside the allowed lists', () => {
    expect(evaluate({ ports: [{ number: 80, protocol: 'HTTP' }] }, { allowedProtocols: ['HTTPS', 'TLS'] })).toMatchObject({
      verdict: 'denied',
      rule: 'allowedProtocols',
      reason: 'HTTP (port 80) is not an allowed protocol; allowed: HTTPS, TLS',
    });
    expect(evaluate({ ports: [{ number: 8443, protocol: 'HTTPS' }] }, { allowedPorts: [443] })).toMatchObject({
      verdict: 'denied',
      rule: 'allowedPorts',
      reason: 'port 8443 is not an allowed port; allowed: 443',
    });
  });

  it('denies wildcards and CIDRs unless allowed', () => {
    expect(evaluate({ hosts: ['*.example.com'] })).toMatchObject({ verdict: 'denied', rule: 'allowWildcards' });
    expect(evaluate({ hosts: ['*.example.com'] }, { allowWildcards: true }).verdict).toBe('needs-approval');
    expect(evaluate({ hosts: [], addresses: ['203.0.113.0/24'] })).toMatchObject({ verdict: 'denied', rule: 'allowCidrs' });
    expect(evaluate({ hosts: [], addresses: ['203.0.113.0/24'] }, { allowCidrs: true }).verdict).toBe('needs-approval');
  });

  it('denies direct egress when the gateway is required', () => {
    expect(evaluate({ viaEgressGateway: false }, { requireEgressGateway: true })).toMatchObject({ verdict: 'denied', rule: 'requireEgressGateway' });
    expect(evaluate({}, { requireEgressGateway: true }).verdict).toBe('needs-approval');
  });

  it('enforces the maximum TTL, requiring an expiry', () => {
    expect(evaluate({ expiresAt: undefined }, { maxTtlDays: 30 })).toMatchObject({ verdict: 'denied', rule: 'maxTtlDays', reason: 'an expiry is required (at most 30 days)' });
    expect(evaluate({ expiresAt: '2030-03-01T00:00:00Z' }, { maxTtlDays: 30 })).toMatchObject({ verdict: 'denied', rule: 'maxTtlDays' });
    expect(evaluate({ expiresAt: '2030-01-20T00:00:00Z' }, { maxTtlDays: 30 }).verdict).toBe('needs-approval');
  });

  it('requires a justification when the policy says so', () => {
    expect(evaluate({ justification: ' ' })).toMatchObject({ verdict: 'denied', rule: 'requireJustification' });
    expect(evaluate({ justification: '' }, { requireJustification: false }).verdict).toBe('needs-approval');
  });

  it('reports every denial, the first deciding', () => {
    const result = evaluate(
      { hosts: ['pastebin.com'], ports: [{ number: 80, protocol: 'HTTP' }], viaEgressGateway: false },
      { deniedHosts: ['pastebin.com'], allowedProtocols: ['HTTPS'], requireEgressGateway: true },
    );
    expect(result.rule).toBe('deniedHosts');
    expect(result.reasons.map(r => r.rule)).toEqual(['deniedHosts', 'allowedProtocols', 'requireEgressGateway']);
  });

  it('auto-approves when every host is on the auto-approve list and nothing is risky', () => {
    const result = evaluate({ hosts: ['api.stripe.com', 'files.stripe.com'] }, { autoApproveHosts: ['*.stripe.com'] });
    expect(result).toMatchObject({ verdict: 'auto-approve', rule: 'autoApproveHosts' });
    expect(result.reason).toContain('api.stripe.com, files.stripe.com');
  });

  it('lets deny beat auto-approve', () => {
    expect(evaluate({}, { autoApproveHosts: ['*.stripe.com'], deniedHosts: ['api.stripe.com'] }).verdict).toBe('denied');
  });

  it('needs approval when one host is not on the list, naming it', () => {
    const result = evaluate({ hosts: ['api.stripe.com', 'evil.example.com'] }, { autoApproveHosts: ['*.stripe.com'] });
    expect(result.verdict).toBe('needs-approval');
    expect(result.reason).toContain('evil.example.com');
  });

  it('never auto-approves wildcards, plain HTTP or TCP, or IP ranges', () => {
    const auto = { autoApproveHosts: ['*.stripe.com', '*'], allowWildcards: true, allowCidrs: true };
    expect(evaluate({ hosts: ['*.stripe.com'], viaEgressGateway: false }, auto).verdict).toBe('needs-approval');
    expect(evaluate({ ports: [{ number: 80, protocol: 'HTTP' }] }, auto).verdict).toBe('needs-approval');
    expect(evaluate({ ports: [{ number: 5432, protocol: 'TCP' }], viaEgressGateway: false }, auto).verdict).toBe('needs-approval');
    expect(evaluate({ hosts: [], addresses: ['203.0.113.0/24'] }, auto).verdict).toBe('needs-approval');
  });

  it('matches auto-approve patterns on normalised hosts', () => {
    expect(evaluate({ hosts: ['API.Stripe.com.'] }, { autoApproveHosts: ['api.stripe.com'] }).verdict).toBe('auto-approve');
  });
});

describe('summarizePolicy', () => {
  it('lists every protocol when none are configured and leaves out the host lists', () => {
    const summary = summarizePolicy(parseEgressPolicy({ deniedHosts: ['pastebin.com'], autoApproveHosts: ['api.github.com'] }));
    expect(summary).toEqual({
      allowedProtocols: ['HTTPS', 'TLS', 'HTTP', 'HTTP2', 'GRPC', 'TCP'],
      requireJustification: true,
      allowWildcards: false,
      allowCidrs: false,
      requireEgressGateway: false,
      allowGatewayModeOverride: 'stricter',
    });
  });

  it('carries the configured protocols, ports, TTL and rules', () => {
    const summary = summarizePolicy(
      parseEgressPolicy({ allowedProtocols: ['https'], allowedPorts: [443], maxTtlDays: 30, allowWildcards: true, requireJustification: false }),
    );
    expect(summary).toMatchObject({ allowedProtocols: ['HTTPS'], allowedPorts: [443], maxTtlDays: 30, allowWildcards: true, requireJustification: false });
  });
});
