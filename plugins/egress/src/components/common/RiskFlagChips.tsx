import { RiskFlag, RiskFlagCode } from '@backstage-egress/plugin-egress-common';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';

/** Short label of each risk flag (chips, the approval queue's risk filter). */
export const RISK_FLAG_LABELS: Record<RiskFlagCode, string> = {
  wildcard: 'Wildcard host',
  'plain-http': 'Plain HTTP',
  'plain-tcp': 'Plain TCP',
  cidr: 'IP range',
  'private-address': 'Private range',
  lockdown: 'Namespace lockdown',
  'network-policy': 'Namespace NetworkPolicy',
  'no-gateway': 'No gateway',
  'bypasses-enforcement': 'Bypasses gateway enforcement',
  'long-expiry': 'Long expiry',
  'no-expiry': 'No expiry',
  'not-allow-listed': 'Not on allow-list',
};

const useStyles = makeStyles(theme => ({
  chip: {
    marginRight: theme.spacing(0.5),
    marginBottom: theme.spacing(0.5),
    // Dark red with white text: 8:1, where the theme's secondary pink gave 4.2:1.
    backgroundColor: '#a3002f',
    color: '#ffffff',
    '&:focus, &:focus-visible': {
      backgroundColor: '#7a0023',
      outline: `3px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
}));

/** Risk flags an approver should notice, each with its full sentence as a tooltip. */
export const RiskFlagChips = (props: { flags: RiskFlag[] }) => {
  const classes = useStyles();
  if (props.flags.length === 0) return <span>None</span>;
  return (
    <span aria-label="Risk flags">
      {props.flags.map(flag => (
        <Tooltip key={flag.code} title={flag.message}>
          {/* Focusable, so keyboard users get the sentence too. */}
          <Chip
            tabIndex={0}
            className={classes.chip}
            size="small"
            label={RISK_FLAG_LABELS[flag.code] ?? flag.code}
          />
        </Tooltip>
      ))}
    </span>
  );
};
