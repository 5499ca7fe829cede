import { goldenCases } from './__fixtures__/goldenCases';
import { PAYMENTS_NOW, paymentsDraft } from './__fixtures__/paymentsDraft';
import { EgressGatewayMode } from './model';
import { DEFAULT_EGRESS_POLICY, EgressPolicy, evaluatePolicy, parseEgressPolicy, summarizePolicy } from './policy';
import { renderManifests } from './render';
import { explainGatewayMode } from './renderGateway';
import { riskFlags } from './risk';
import { validateDraft } from './validation';

const mutualGolden = goldenCases.find(c => c.name === 'tls-via-gateway-mutual')!;
const modes: Record<string, EgressGatewayMode> = { open: 'passthrough', strict: 'mutual' };
const modeOf = (cluster: string) => modes[cluster];
const policy = (allowGatewayModeOverride?: EgressPolicy['allowGatewayModeOverride']): EgressPolicy => ({
  ...DEFAULT_EGRESS_POLICY,
  autoApproveHosts: ['api.stripe.com'],
  ...(allowGatewayModeOverride ? { allowGatewayModeOverride } : {}),
});
const on = (cluster: string, gatewayMode?: EgressGatewayMode) => ({ ...paymentsDraft, clusters: [cluster], ...(gatewayMode ? { gatewayMode } : {}) });

describe('a request’s own gateway mode', () => {
  it('is validated: one of the two modes, and only through the egress gateway', () => {
    expect(validateDraft(on('open', 'mutual'), { now: PAYMENTS_NOW }).draft.gatewayMode).toBe('mutual');
    expect(validateDraft(on('open'), { now: PAYMENTS_NOW }).draft).not.toHaveProperty('gatewayMode');
    const direct = validateDraft({ ...on('open', 'mutual'), viaEgressGateway: false }, { now: PAYMENTS_NOW });
    expect(direct.errors.map(e => [e.path, e.code])).toEqual([['gatewayMode', 'gateway-mode-without-gateway']]);
    const bad = validateDraft({ ...on('open'), gatewayMode: 'tunnel' }, { now: PAYMENTS_NOW });
    expect(bad.valid).toBe(false);
    expect(bad.errors.map(e => e.path)).toContain('gatewayMode');
  });

  it('is allowed by default only when stricter: mutual on a passthrough cluster, not passthrough on a mutual one', () => {
    expect(evaluatePolicy(on('open', 'mutual'), policy(), { now: PAYMENTS_NOW, gatewayModeOf: modeOf }).verdict).toBe('auto-approve');
    const weaker = evaluatePolicy(on('strict', 'passthrough'), policy(), { now: PAYMENTS_NOW, gatewayModeOf: modeOf });
    expect(weaker.verdict).toBe('denied');
    expect(weaker.rule).toBe('allowGatewayModeOverride');
    expect(weaker.reason).toContain('cluster strict runs its egress gateway in mutual mode');
    // Asking for the cluster's own mode is no override.
    expect(evaluatePolicy(on('strict', 'mutual'), policy('none'), { now: PAYMENTS_NOW, gatewayModeOf: modeOf }).verdict).toBe('auto-approve');
  });

  it('is refused in every direction with none', () => {
    const stricter = evaluatePolicy(on('open', 'mutual'), policy('none'), { now: PAYMENTS_NOW, gatewayModeOf: modeOf });
    expect(stricter.verdict).toBe('denied');
    expect(stricter.reason).toContain('cluster open');
    expect(stricter.reason).toContain('lets no request choose the gateway mode');
  });

  it('with any, lets passthrough through on a mutual cluster but flags it and never auto-approves it', () => {
    const evaluation = evaluatePolicy(on('strict', 'passthrough'), policy('any'), { now: PAYMENTS_NOW, gatewayModeOf: modeOf });
    expect(evaluation.verdict).toBe('needs-approval');
    expect(evaluation.reason).toContain('asks for passthrough');
    const flags = riskFlags(on('strict', 'passthrough'), policy('any'), { now: PAYMENTS_NOW, gatewayModeOf: modeOf });
    expect(flags.find(f => f.code === 'bypasses-enforcement')?.message).toContain('on strict');
    // The router's flagger knows only the mutual clusters: the same flag.
    expect(riskFlags(on('strict', 'passthrough'), policy('any'), { now: PAYMENTS_NOW, mutualClusters: ['strict'] }).map(f => f.code)).toContain(
      'bypasses-enforcement',
    );
    expect(riskFlags(on('open', 'mutual'), policy('any'), { now: PAYMENTS_NOW, gatewayModeOf: modeOf }).map(f => f.code)).not.toContain(
      'bypasses-enforcement',
    );
  });

  it('is a policy setting read from config, stricter by default, shown to the browser', () => {
    expect(parseEgressPolicy({ allowGatewayModeOverride: 'any' }).allowGatewayModeOverride).toBe('any');
    expect(() => parseEgressPolicy({ allowGatewayModeOverride: 'always' })).toThrow(/allowGatewayModeOverride/);
    expect(summarizePolicy(parseEgressPolicy({})).allowGatewayModeOverride).toBe('stricter');
  });

  it('renders mutual on a passthrough cluster exactly as the cluster in mutual mode would', () => {
    const asked = renderManifests({ ...mutualGolden.request, gatewayMode: 'mutual' }, { name: 'demo' });
    expect(asked).toEqual(renderManifests(mutualGolden.request, mutualGolden.cluster!));
    expect(asked.map(m => m.kind)).toContain('AuthorizationPolicy');
    const gateway = asked.find(m => m.kind === 'Gateway') as any;
    expect(gateway.spec.servers[0].tls).toEqual({ mode: 'ISTIO_MUTUAL' });
  });

  it('renders passthrough on a mutual cluster as a passthrough cluster would (no AuthorizationPolicy)', () => {
    const asked = renderManifests({ ...mutualGolden.request, gatewayMode: 'passthrough' }, mutualGolden.cluster!);
    expect(asked).toEqual(renderManifests(mutualGolden.request, { name: 'demo' }));
    expect(asked.map(m => m.kind)).not.toContain('AuthorizationPolicy');
  });

  it('is what the preview explains per cluster', () => {
    const draft = { namespace: 'payments', clusters: ['open', 'strict'], viaEgressGateway: true, gatewayMode: 'mutual' as const };
    const [open, strict] = explainGatewayMode(draft, modeOf).map(w => w.message);
    expect(open).toContain('on cluster open the egress gateway serves this request in mutual mode (asked for; the cluster\'s is passthrough)');
    expect(open).toContain('AuthorizationPolicy');
    expect(strict).toContain('on cluster strict the egress gateway runs in mutual mode');
    const [weaker] = explainGatewayMode({ ...draft, clusters: ['strict'], gatewayMode: 'passthrough' }, modeOf).map(w => w.message);
    expect(weaker).toContain('serves this request in passthrough mode');
    expect(weaker).toContain('does not check which namespace');
  });
});
