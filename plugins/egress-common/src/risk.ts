/**
 * Risk flags shown to approvers next to a request.
 */
import { hostMatchesPattern, isWildcardHost, normalizeHost } from './hostnames';
import { EgressRequestDraft } from './model';
import type { EgressPolicy } from './policy';
import { privateRange } from './builtInDeny';
import { GatewayModeOf, weakenedClusters } from './gatewayModePolicy';

/** Kinds of risk an approver should notice. @public */
export type RiskFlagCode =
  | 'wildcard'
  | 'plain-http'
  | 'plain-tcp'
  | 'cidr'
  | 'private-address'
  | 'lockdown'
  | 'network-policy'
  | 'no-gateway'
  | 'bypasses-enforcement'
  | 'long-expiry'
  | 'no-expiry'
  | 'not-allow-listed';

/** One risk flag. @public */
export interface RiskFlag {
  code: RiskFlagCode;
  message: string;
}

/** Grants longer than this (or without expiry) are flagged. @public */
export const LONG_EXPIRY_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The risk flags of a draft, in a fixed order (one flag per code). `now`
 * is only used for the expiry flag; `mutualClusters` names the clusters whose
 * egress gateway runs in `mutual` mode (direct access there escapes its
 * per-namespace enforcement); `gatewayModeOf` gives each cluster's mode, so
 * a request asking for `passthrough` on a `mutual` cluster is flagged too.
 * @public
 */
export function riskFlags(
  draft: EgressRequestDraft,
  policy: Pick<EgressPolicy, 'autoApproveHosts'>,
  options: { now?: Date; mutualClusters?: readonly string[]; gatewayModeOf?: GatewayModeOf } = {},
): RiskFlag[] {
  const now = options.now ?? new Date();
  const hosts = (draft.hosts ?? []).map(h => normalizeHost(h).host);
  const addresses = draft.addresses ?? [];
  const flags: RiskFlag[] = [];

  const wildcards = hosts.filter(isWildcardHost);
  if (wildcards.length > 0) {
    flags.push({ code: 'wildcard', message: `wildcard host ${wildcards.join(', ')} allows every host below it` });
  }
  const http = draft.ports.filter(p => String(p.protocol).toUpperCase() === 'HTTP');
  if (http.length > 0) {
    flags.push({ code: 'plain-http', message: `plain HTTP on port ${http.map(p => p.number).join(', ')} is unencrypted` });
  }
  const tcp = draft.ports.filter(p => String(p.protocol).toUpperCase() === 'TCP');
  if (tcp.length > 0) {
    flags.push({ code: 'plain-tcp', message: `plain TCP on port ${tcp.map(p => p.number).join(', ')} is opaque to the mesh` });
  }
  if (addresses.length > 0) {
    flags.push({ code: 'cidr', message: `IP range ${addresses.join(', ')} allows every address in it` });
  }
  const privates = [...addresses, ...(draft.endpoints ?? []).map(e => e.address)].filter(a => privateRange(a));
  if (privates.length > 0) {
    flags.push({ code: 'private-address', message: `${privates.join(', ')} reaches into private address space` });
  }
  if (draft.lockdownNamespace) {
    flags.push({ code: 'lockdown', message: `locks down namespace ${draft.namespace}: every workload there loses unregistered egress` });
  }
  if (draft.namespaceNetworkPolicy) {
    flags.push({
      code: 'network-policy',
      message: `NetworkPolicy on namespace ${draft.namespace}: every pod there may reach only istiod, the egress gateway and cluster DNS`,
    });
  }
  if (!draft.viaEgressGateway) {
    flags.push({ code: 'no-gateway', message: 'traffic bypasses the egress gateway' });
    const enforced = (draft.clusters ?? []).filter(c => options.mutualClusters?.includes(c));
    if (enforced.length > 0) {
      flags.push({
        code: 'bypasses-enforcement',
        message: `on ${enforced.join(', ')} the egress gateway admits only approved namespaces (mutual TLS); this access goes around it`,
      });
    }
  }
  const modeOf = options.gatewayModeOf ?? (c => (options.mutualClusters?.includes(c) ? 'mutual' : undefined));
  const weakened = weakenedClusters(draft, modeOf);
  if (weakened.length > 0) {
    flags.push({
      code: 'bypasses-enforcement',
      message: `on ${weakened.join(', ')} the egress gateway admits only approved namespaces (mutual TLS); this request asks for passthrough there, which checks no namespace`,
    });
  }
  const expires = draft.expiresAt ? Date.parse(draft.expiresAt) : NaN;
  if (Number.isNaN(expires)) {
    flags.push({ code: 'no-expiry', message: 'no expiry: access stays until revoked' });
  } else if (expires - now.getTime() > LONG_EXPIRY_DAYS * DAY_MS) {
    flags.push({ code: 'long-expiry', message: `access lasts more than ${LONG_EXPIRY_DAYS} days` });
  }
  const autoList = policy.autoApproveHosts ?? [];
  const unlisted = hosts.filter(h => !autoList.some(p => hostMatchesPattern(h, p)));
  if (unlisted.length > 0 || addresses.length > 0) {
    const what = [...unlisted, ...addresses].join(', ');
    flags.push({ code: 'not-allow-listed', message: `${what} not on the auto-approve list` });
  }
  return flags;
}
