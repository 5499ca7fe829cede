import { PolicyEvaluation } from '@backstage-egress/plugin-egress-common';
import Typography from '@material-ui/core/Typography';

/** The verdict's headline, as the user reads it. */
export function verdictText(policy: PolicyEvaluation): string {
  switch (policy.verdict) {
    case 'auto-approve':
      return 'Will be auto-approved';
    case 'needs-approval':
      return 'Needs platform approval';
    default:
      return `Denied: ${policy.reasons.map(r => r.reason).join('; ') || policy.reason}`;
  }
}

/** The policy verdict from the backend's preview: the headline and why. */
export const PolicyVerdict = (props: { policy: PolicyEvaluation }) => {
  const { policy } = props;
  return (
    <div role="status" aria-label="Policy verdict">
      <Typography
        variant="subtitle1"
        color={policy.verdict === 'denied' ? 'error' : 'textPrimary'}
      >
        {verdictText(policy)}
      </Typography>
      {policy.verdict !== 'denied' && (
        <Typography variant="body2" color="textSecondary">
          {policy.reason}
        </Typography>
      )}
    </div>
  );
};
