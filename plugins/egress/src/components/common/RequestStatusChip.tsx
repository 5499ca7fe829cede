import { EgressRequestStatus } from '@backstage-egress/plugin-egress-common';
import Chip from '@material-ui/core/Chip';

const LABELS: Record<EgressRequestStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  active: 'Active',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  revoking: 'Revoking',
  revoked: 'Revoked',
  expired: 'Expired',
};

/**
 * A request's status as a chip; colour comes from the theme. An active request
 * on whose resources Istio reports an error is not shown as plainly active.
 */
export const RequestStatusChip = (props: { status: EgressRequestStatus; istioError?: boolean }) => {
  const { status, istioError } = props;
  let color: 'primary' | 'secondary' | 'default' = 'default';
  if (status === 'active' || status === 'approved') color = 'primary';
  if (status === 'pending') color = 'secondary';
  if (istioError && status === 'active') {
    return <Chip size="small" label="Active — Istio reports errors" color="default" variant="default" />;
  }
  return <Chip size="small" label={LABELS[status] ?? status} color={color} variant="outlined" />;
};
