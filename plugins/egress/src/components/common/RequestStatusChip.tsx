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

/** A request's status as a chip; colour comes from the theme. */
export const RequestStatusChip = (props: { status: EgressRequestStatus }) => {
  const { status } = props;
  let color: 'primary' | 'secondary' | 'default' = 'default';
  if (status === 'active' || status === 'approved') color = 'primary';
  if (status === 'pending') color = 'secondary';
  return <Chip size="small" label={LABELS[status] ?? status} color={color} variant="outlined" />;
};
