import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { BlockedAttempts } from '../../api/types';
import { formatCount } from './format';

/**
 * Calls of the namespace's workloads that no registered host served: blocked
 * (BlackHoleCluster) or unregistered (PassthroughCluster), with what the mesh
 * mode means for them.
 */
export const BlockedAttemptsPanel = (props: { attempts: BlockedAttempts[]; note?: string }) => {
  const { attempts, note } = props;
  return (
    <section aria-label="Blocked and unregistered attempts">
      <Typography variant="subtitle2" style={{ marginTop: 16 }}>
        Blocked and unregistered attempts
      </Typography>
      {note && (
        <Typography variant="body2" color="textSecondary">
          {note}
        </Typography>
      )}
      {attempts.length === 0 ? (
        <Typography variant="body2">None in this window.</Typography>
      ) : (
        <List dense>
          {attempts.map(a => (
            <ListItem key={`${a.workload}|${a.kind}|${a.protocol}|${a.host ?? ''}`}>
              <Chip
                size="small"
                label={a.kind === 'blocked' ? 'blocked' : 'unregistered'}
                // primary: white on the theme's dark blue meets the contrast ratio; secondary does not
                color={a.kind === 'blocked' ? 'primary' : 'default'}
                style={{ marginRight: 8 }}
              />
              <ListItemText
                primary={`${a.workload} → ${a.host ?? 'TLS/TCP, host not in metrics'}`}
                secondary={`${formatCount(a.count)} ${a.protocol === 'http' ? 'HTTP requests' : 'connections'}`}
              />
            </ListItem>
          ))}
        </List>
      )}
    </section>
  );
};
