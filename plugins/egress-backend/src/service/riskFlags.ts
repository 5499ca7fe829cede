import {
  EgressPolicy,
  EgressRequest,
  RiskFlag,
  riskFlags,
} from '@backstage-egress/plugin-egress-common';

/**
 * Adds the backend's risk flags to requests on their way out, so the browser
 * shows what the policy says and never evaluates it itself. The expiry flags
 * measure the grant from when it was requested, so they do not change as the
 * request ages.
 */
export function riskFlagger(policy: EgressPolicy, mutualClusters: () => readonly string[] = () => []) {
  return <T extends EgressRequest>(request: T): T & { riskFlags: RiskFlag[] } => ({
    ...request,
    riskFlags: riskFlags(request, policy, { now: new Date(request.requestedAt), mutualClusters: mutualClusters() }),
  });
}
