/**
 * The platform's egress policy (app-config `egress.policy`) and its
 * evaluation against a draft. The same evaluation runs for the preview and
 * for create, so the verdict a user sees is the verdict they get.
 */
import { z } from 'zod/v3';
import { checkHost, hostMatchesPattern, hostOverlapsPattern, isWildcardHost, normalizeHost } from './hostnames';
import { EgressRequestDraft, Protocol, PROTOCOLS } from './model';
import { riskFlags } from './risk';
import type { PolicySummary } from './api';
import { BUILT_IN_DENY_SET, builtInDenial, privateRange } from './builtInDeny';
import { formatCidr, parseCidr } from './addresses';
import { GatewayModeOf, gatewayModeDenials } from './gatewayModePolicy';

/** Platform egress policy. @public */
export interface EgressPolicy {
  /** Protocols that may be requested; all when unset. */
  allowedProtocols?: Protocol[];
  /** Ports that may be requested; all when unset. */
  allowedPorts?: number[];
  /** Host patterns never granted: `pastebin.com`, `*.internal.example.com`, `*`. */
  deniedHosts?: string[];
  /** Host patterns granted without a human when nothing else is risky. */
  autoApproveHosts?: string[];
  /** Whether `*.example.com` hosts may be requested. */
  allowWildcards: boolean;
  /** Whether IP ranges (addresses) may be requested. */
  allowCidrs: boolean;
  /**
   * Whether private ranges (RFC 1918, 100.64.0.0/10, fc00::/7) may be
   * requested; default false. Granted private ranges are flagged as a risk.
   */
  allowPrivateAddresses?: boolean;
  /**
   * Entries of the built-in deny set ({@link BUILT_IN_DENY_SET}) this
   * platform re-allows, each named exactly (`100.100.100.200/32`,
   * `host.docker.internal`). Nothing else relaxes the set.
   */
  builtInDenyExceptions?: string[];
  /** Whether every request must go through the egress gateway. */
  requireEgressGateway: boolean;
  /** Longest grant in days; when set, an expiry is required. */
  maxTtlDays?: number;
  /** Whether a justification is required. */
  requireJustification: boolean;
  /**
   * Which requests may choose the egress gateway's mode (`gatewayMode`):
   * `none`, only `stricter` (mutual on a passthrough cluster; the default),
   * or `any` (also passthrough on a mutual cluster, flagged and never
   * auto-approved).
   */
  allowGatewayModeOverride?: GatewayModeOverride;
}

/** Values of {@link EgressPolicy.allowGatewayModeOverride}. @public */
export type GatewayModeOverride = 'none' | 'stricter' | 'any';

/** All {@link GatewayModeOverride} values. @public */
export const GATEWAY_MODE_OVERRIDES: readonly GatewayModeOverride[] = ['none', 'stricter', 'any'];

/**
 * The policy used when none is configured: no wildcards, no IP ranges,
 * justification required, the gateway optional, nothing auto-approved.
 * @public
 */
export const DEFAULT_EGRESS_POLICY: EgressPolicy = {
  allowWildcards: false,
  allowCidrs: false,
  requireEgressGateway: false,
  requireJustification: true,
};

const hostPattern = z.string().superRefine((value, ctx) => {
  const { host, problem } = normalizeHost(value);
  if (problem) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem.text });
    return;
  }
  if (host === '*') return;
  const found = checkHost(host);
  // Deny-lists may well name internal domains; only malformed patterns are errors.
  if (found && !['host-internal', 'wildcard-too-broad'].includes(found.code)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: found.text });
  }
});

const builtInEntry = z.string().transform((value, ctx) => {
  const trimmed = value.trim().toLowerCase();
  const cidr = parseCidr(trimmed);
  const canonical = cidr ? formatCidr(cidr) : normalizeHost(trimmed).host;
  if (!BUILT_IN_DENY_SET.some(e => e.entry === canonical)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `${value} is not an entry of the built-in deny set; name one of ${BUILT_IN_DENY_SET.map(e => e.entry).join(', ')}`,
    });
  }
  return canonical;
});

/**
 * Zod schema of the `egress.policy` config block.
 * @public
 */
export const egressPolicySchema = z
  .object({
    allowedProtocols: z
      .array(z.string().transform(s => s.trim().toUpperCase()).pipe(z.enum(PROTOCOLS as [Protocol, ...Protocol[]])))
      .optional(),
    allowedPorts: z.array(z.number().int().min(1).max(65535)).optional(),
    deniedHosts: z.array(hostPattern).optional(),
    autoApproveHosts: z.array(hostPattern).optional(),
    allowWildcards: z.boolean().default(DEFAULT_EGRESS_POLICY.allowWildcards),
    allowCidrs: z.boolean().default(DEFAULT_EGRESS_POLICY.allowCidrs),
    allowPrivateAddresses: z.boolean().optional(),
    builtInDenyExceptions: z.array(builtInEntry).optional(),
    requireEgressGateway: z.boolean().default(DEFAULT_EGRESS_POLICY.requireEgressGateway),
    maxTtlDays: z.number().positive().optional(),
    requireJustification: z.boolean().default(DEFAULT_EGRESS_POLICY.requireJustification),
    allowGatewayModeOverride: z.enum(['none', 'stricter', 'any']).optional(),
  })
  .strict();

/**
 * Reads a policy from a plain config object (e.g. `config.getOptional('egress.policy')`),
 * filling defaults and normalising host patterns. Throws an Error naming
 * every bad field.
 * @public
 */
export function parseEgressPolicy(config: unknown): EgressPolicy {
  const result = egressPolicySchema.safeParse(config ?? {});
  if (!result.success) {
    const details = result.error.issues
      .map(i => `egress.policy.${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new Error(`Invalid egress policy: ${details}`);
  }
  const policy: EgressPolicy = { ...result.data };
  if (policy.deniedHosts) policy.deniedHosts = policy.deniedHosts.map(p => normalizeHost(p).host);
  if (policy.autoApproveHosts) policy.autoApproveHosts = policy.autoApproveHosts.map(p => normalizeHost(p).host);
  return dropUndefined(policy);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Verdict of {@link evaluatePolicy}. @public */
export type PolicyVerdict = 'denied' | 'needs-approval' | 'auto-approve';

/**
 * Stable ids of the policy rules: the deny rules are named after the policy
 * field they enforce.
 * @public
 */
export type PolicyRule =
  | 'builtInDeny'
  | 'allowPrivateAddresses'
  | 'deniedHosts'
  | 'allowedProtocols'
  | 'allowedPorts'
  | 'allowWildcards'
  | 'allowCidrs'
  | 'requireEgressGateway'
  | 'maxTtlDays'
  | 'requireJustification'
  | 'allowGatewayModeOverride'
  | 'autoApproveHosts'
  | 'manualApproval';

/** One rule's finding. @public */
export interface PolicyReason {
  rule: PolicyRule;
  /** A sentence naming the host, port or pattern involved. */
  reason: string;
}

/** Outcome of {@link evaluatePolicy}: the deciding rule first, all denials in `reasons`. @public */
export interface PolicyEvaluation {
  verdict: PolicyVerdict;
  rule: PolicyRule;
  reason: string;
  /** Every denial found (or the one approval reason). */
  reasons: PolicyReason[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Evaluates a (validated) draft against the policy. Any denial wins. A request
 * is auto-approved only if every host matches `autoApproveHosts` and nothing
 * in it needs a human: no wildcard, no IP range, no plain HTTP or TCP (see
 * {@link riskFlags}). Everything else needs an approver.
 * @public
 */
export function evaluatePolicy(
  draft: EgressRequestDraft,
  policy: EgressPolicy,
  options: { now?: Date; gatewayModeOf?: GatewayModeOf } = {},
): PolicyEvaluation {
  const now = options.now ?? new Date();
  const hosts = (draft.hosts ?? []).map(h => normalizeHost(h).host);
  const addresses = draft.addresses ?? [];
  const denials: PolicyReason[] = [];
  const deny = (rule: PolicyRule, reason: string) => denials.push({ rule, reason });

  const exceptions = policy.builtInDenyExceptions ?? [];
  const destinations = [...hosts, ...addresses, ...(draft.endpoints ?? []).map(e => e.address)];
  for (const destination of destinations) {
    const why = builtInDenial(destination, exceptions);
    if (why) deny('builtInDeny', `${why}: never granted`);
  }
  if (!policy.allowPrivateAddresses) {
    for (const address of [...addresses, ...(draft.endpoints ?? []).map(e => e.address)]) {
      const why = privateRange(address);
      if (why) deny('allowPrivateAddresses', `${why}, which this platform does not grant (allowPrivateAddresses)`);
    }
  }
  for (const host of hosts) {
    const pattern = (policy.deniedHosts ?? []).find(p => hostOverlapsPattern(host, p));
    if (pattern !== undefined) {
      deny('deniedHosts', pattern === host
        ? `${host} is on the deny-list`
        : `${host} matches the denied pattern ${pattern}`);
    }
  }
  if (policy.allowedProtocols) {
    for (const port of draft.ports) {
      const protocol = String(port.protocol).toUpperCase() as Protocol;
      if (!policy.allowedProtocols.includes(protocol)) {
        deny('allowedProtocols', `${protocol} (port ${port.number}) is not an allowed protocol; allowed: ${policy.allowedProtocols.join(', ')}`);
      }
    }
  }
  if (policy.allowedPorts) {
    for (const port of draft.ports) {
      if (!policy.allowedPorts.includes(port.number)) {
        deny('allowedPorts', `port ${port.number} is not an allowed port; allowed: ${policy.allowedPorts.join(', ')}`);
      }
    }
  }
  if (!policy.allowWildcards) {
    for (const host of hosts.filter(isWildcardHost)) {
      deny('allowWildcards', `${host} is a wildcard host, which this platform does not allow`);
    }
  }
  if (!policy.allowCidrs && addresses.length > 0) {
    deny('allowCidrs', `IP ranges (${addresses.join(', ')}) are not allowed on this platform; request host names`);
  }
  if (policy.requireEgressGateway && !draft.viaEgressGateway) {
    deny('requireEgressGateway', 'this platform requires egress through the egress gateway');
  }
  if (policy.maxTtlDays !== undefined) {
    const expires = draft.expiresAt ? Date.parse(draft.expiresAt) : NaN;
    if (Number.isNaN(expires)) {
      deny('maxTtlDays', `an expiry is required (at most ${policy.maxTtlDays} days)`);
    } else if (expires - now.getTime() > policy.maxTtlDays * DAY_MS) {
      deny('maxTtlDays', `expiry ${draft.expiresAt} is more than ${policy.maxTtlDays} days away`);
    }
  }
  if (policy.requireJustification && (draft.justification ?? '').trim() === '') {
    deny('requireJustification', 'a justification is required');
  }
  const modeOf = options.gatewayModeOf ?? (() => undefined);
  for (const reason of gatewayModeDenials(draft, policy.allowGatewayModeOverride, modeOf)) {
    deny('allowGatewayModeOverride', reason);
  }

  if (denials.length > 0) {
    return { verdict: 'denied', rule: denials[0].rule, reason: denials[0].reason, reasons: denials };
  }

  const autoList = policy.autoApproveHosts ?? [];
  const unlisted = hosts.filter(h => !autoList.some(p => hostMatchesPattern(h, p)));
  // A passthrough override on a mutual cluster is the only `bypasses-enforcement` through the gateway.
  const risky = riskFlags(draft, policy, { now, gatewayModeOf: modeOf }).filter(f =>
    ['wildcard', 'cidr', 'plain-http', 'plain-tcp', 'private-address', 'lockdown', 'network-policy'].includes(f.code) ||
    (f.code === 'bypasses-enforcement' && draft.viaEgressGateway),
  );
  if (autoList.length > 0 && hosts.length > 0 && addresses.length === 0 && unlisted.length === 0 && risky.length === 0) {
    const reason = `every host (${hosts.join(', ')}) is on the auto-approve list`;
    return { verdict: 'auto-approve', rule: 'autoApproveHosts', reason, reasons: [{ rule: 'autoApproveHosts', reason }] };
  }
  let reason: string;
  if (risky.length > 0) reason = `needs an approver: ${risky.map(f => f.message).join('; ')}`;
  else if (unlisted.length > 0 && autoList.length > 0) reason = `needs an approver: ${unlisted.join(', ')} not on the auto-approve list`;
  else if (addresses.length > 0) reason = 'needs an approver: IP ranges are never auto-approved';
  else reason = 'needs an approver';
  return { verdict: 'needs-approval', rule: 'manualApproval', reason, reasons: [{ rule: 'manualApproval', reason }] };
}

/**
 * What the browser may know of a policy (`GET /policy`): the rules a form
 * guides with, not the host lists.
 * @public
 */
export function summarizePolicy(policy: EgressPolicy): PolicySummary {
  return {
    allowedProtocols: policy.allowedProtocols ?? [...PROTOCOLS],
    ...(policy.allowedPorts ? { allowedPorts: policy.allowedPorts } : {}),
    requireJustification: policy.requireJustification,
    ...(policy.maxTtlDays !== undefined ? { maxTtlDays: policy.maxTtlDays } : {}),
    allowWildcards: policy.allowWildcards,
    allowCidrs: policy.allowCidrs,
    requireEgressGateway: policy.requireEgressGateway,
    allowGatewayModeOverride: policy.allowGatewayModeOverride ?? 'stricter',
  };
}
