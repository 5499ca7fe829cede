import { Link, Progress, WarningPanel } from '@backstage/core-components';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { ClusterTraffic, TrafficWindow } from '../../api/types';
import { BlockedAttemptsPanel } from './BlockedAttemptsPanel';
import { HostTrafficTable } from './HostTrafficTable';
import { kialiNamespaceUrl } from './kialiLinks';

const WINDOWS: Array<{ value: TrafficWindow; label: string }> = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
];

/** What the entity's workloads reach in one cluster, from Prometheus; its failure is shown here only. */
export const ClusterTrafficPanel = (props: {
  cluster: string;
  namespace: string;
  traffic?: ClusterTraffic;
  /** Why the whole traffic answer failed. */
  error?: Error;
  loading: boolean;
  window: TrafficWindow;
  onWindowChange: (window: TrafficWindow) => void;
  unusedAfterDays?: number;
  kialiUrl?: string;
  onOpenRequest: (id: string) => void;
}) => {
  const { cluster, namespace, traffic, error, loading, window, kialiUrl } = props;
  const problem = error?.message ?? traffic?.error;
  return (
    <section aria-label={`Traffic in ${cluster}`} style={{ marginTop: 16 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 16 }}>
        <Typography variant="h6" component="h3">
          Traffic
        </Typography>
        <TextField
          select
          size="small"
          label="Window"
          value={window}
          onChange={e => props.onWindowChange(e.target.value as TrafficWindow)}
        >
          {WINDOWS.map(w => (
            <MenuItem key={w.value} value={w.value}>
              {w.label}
            </MenuItem>
          ))}
        </TextField>
        {kialiUrl && <Link to={kialiNamespaceUrl(kialiUrl, namespace)}>Namespace {namespace} in Kiali</Link>}
      </div>
      {loading && !traffic && <Progress />}
      {problem && <WarningPanel severity="warning" title={`No traffic data for ${cluster}`} message={problem} />}
      {traffic && !traffic.error && (
        <>
          <HostTrafficTable hosts={traffic.hosts} namespace={namespace} kialiUrl={kialiUrl} />
          <BlockedAttemptsPanel attempts={traffic.attempts} note={traffic.attemptsNote} />
          {traffic.unusedGrants.length > 0 && (
            <section aria-label="Unused grants">
              <Typography variant="subtitle2" style={{ marginTop: 16 }}>
                Unused grants (no traffic for {props.unusedAfterDays} days): candidates for revoke
              </Typography>
              {traffic.unusedGrants.map(g => (
                <Typography variant="body2" key={g.requestId}>
                  <Link to="#" onClick={e => { e.preventDefault(); props.onOpenRequest(g.requestId); }}>
                    {g.hosts.join(', ')}
                  </Link>{' '}
                  (granted {new Date(g.appliedAt).toLocaleDateString()})
                </Typography>
              ))}
            </section>
          )}
        </>
      )}
    </section>
  );
};
