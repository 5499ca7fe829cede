/**
 * A request's own egress gateway mode against the cluster's and the policy's
 * `allowGatewayModeOverride`: which overrides are denied, and which weaken
 * the cluster's enforcement (a risk flag, never auto-approved).
 */
import type { EgressGatewayMode, EgressRequestDraft } from './model';
import type { GatewayModeOverride } from './policy';

/** The cluster's gateway mode by name; undefined (passthrough) when not configured. @public */
export type GatewayModeOf = (cluster: string) => EgressGatewayMode | undefined;

/** The clusters where the request's mode differs from the cluster's, with both modes. */
function overrides(draft: Pick<EgressRequestDraft, 'clusters' | 'gatewayMode' | 'viaEgressGateway'>, modeOf: GatewayModeOf) {
  const asked = draft.gatewayMode;
  if (!draft.viaEgressGateway || asked === undefined) return [];
  return (draft.clusters ?? [])
    .map(cluster => ({ cluster, clusterMode: modeOf(cluster) ?? 'passthrough', asked }))
    .filter(o => o.clusterMode !== o.asked);
}

/**
 * One reason per cluster where the policy does not let the request choose
 * its gateway mode (rule `allowGatewayModeOverride`, default `stricter`).
 */
export function gatewayModeDenials(
  draft: Pick<EgressRequestDraft, 'clusters' | 'gatewayMode' | 'viaEgressGateway'>,
  allowed: GatewayModeOverride | undefined,
  modeOf: GatewayModeOf,
): string[] {
  const setting = allowed ?? 'stricter';
  return overrides(draft, modeOf).flatMap(({ cluster, clusterMode, asked }) => {
    if (setting === 'any') return [];
    if (setting === 'stricter' && asked === 'mutual') return [];
    const why = setting === 'none' ? 'this platform lets no request choose the gateway mode' : 'a request may only make the gateway stricter';
    return [`cluster ${cluster} runs its egress gateway in ${clusterMode} mode and ${why}, so gatewayMode ${asked} is not allowed there (allowGatewayModeOverride: ${setting})`];
  });
}

/** The clusters in `mutual` mode where the request asks for `passthrough` (it escapes their enforcement). */
export function weakenedClusters(
  draft: Pick<EgressRequestDraft, 'clusters' | 'gatewayMode' | 'viaEgressGateway'>,
  modeOf: GatewayModeOf,
): string[] {
  return overrides(draft, modeOf).filter(o => o.asked === 'passthrough').map(o => o.cluster);
}
