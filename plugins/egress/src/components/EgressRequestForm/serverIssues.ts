import { FieldIssue, PolicyRule } from '@backstage-egress/plugin-egress-common';
import { PreviewResult } from '../../api/types';

/** The draft path a policy rule is about, so its denial shows next to that field. */
const RULE_PATHS: Partial<Record<PolicyRule, string>> = {
  deniedHosts: 'hosts',
  allowWildcards: 'hosts',
  allowCidrs: 'addresses',
  allowedProtocols: 'ports[0].protocol',
  allowedPorts: 'ports[0].number',
  requireEgressGateway: 'viaEgressGateway',
  maxTtlDays: 'expiresAt',
  requireJustification: 'justification',
};

/**
 * What the backend's preview found that the browser's validator cannot know:
 * hosts already covered by another request, hosts declared by unmanaged
 * resources (warnings), and the policy's reasons for a denial, each on the
 * draft path of the field it is about.
 */
export function serverIssuesOf(preview?: PreviewResult): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  if (!preview) return { errors: [], warnings: [] };
  const errors = [...preview.errors];
  if (preview.policy?.verdict === 'denied') {
    for (const r of preview.policy.reasons) {
      errors.push({ path: RULE_PATHS[r.rule] ?? 'policy', code: `policy-${r.rule}`, message: `Not allowed by the platform's policy: ${r.reason}` });
    }
  }
  return { errors, warnings: preview.warnings };
}
