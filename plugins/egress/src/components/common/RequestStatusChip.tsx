import { EgressRequestStatus, RequestDisplayState } from '@backstage-egress/plugin-egress-common';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';

type Shown = EgressRequestStatus | RequestDisplayState['status'];

const LABELS: Record<Shown, string> = {
  pending: 'Pending',
  approved: 'Approved',
  progressing: 'Applying',
  active: 'Active',
  degraded: 'Degraded',
  unknown: 'Unknown',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  revoking: 'Revoking',
  revoked: 'Revoked',
  expired: 'Expired',
};

// Text stays the theme's body colour (readable on any background); the
// border tells good from waiting from bad at a glance.
const BORDERS: Partial<Record<Shown, string>> = {
  active: '#2e7d32',
  approved: '#2e7d32',
  progressing: '#1565c0',
  pending: '#b26a00',
  degraded: '#c62828',
  revoking: '#b26a00',
};

const useStyles = makeStyles(theme => ({
  chip: {
    color: theme.palette.text.primary,
    borderWidth: 2,
    '&:focus-visible': { outline: `3px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
  },
}));

/**
 * A request's state as a chip: the backend's display state when it sends
 * one (derived from the clusters, with its explanation as a tooltip), the
 * stored status otherwise.
 */
export const RequestStatusChip = (props: {
  status: EgressRequestStatus;
  displayState?: RequestDisplayState;
  /** Istio reports an error on the request's resources: an active request is then not shown as plainly active. */
  istioError?: boolean;
}) => {
  const classes = useStyles();
  const shown: Shown = props.displayState?.status ?? props.status;
  const istioError = props.istioError && shown === 'active';
  const chip = (
    <Chip
      size="small"
      variant="outlined"
      className={classes.chip}
      style={{ borderColor: istioError ? BORDERS.degraded : BORDERS[shown] }}
      label={istioError ? 'Active — Istio reports errors' : LABELS[shown] ?? shown}
      tabIndex={props.displayState?.message ? 0 : undefined}
    />
  );
  return props.displayState?.message ? <Tooltip title={props.displayState.message}>{chip}</Tooltip> : chip;
};
