import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { RequestTarget } from '../../api/types';
import { formatTime } from '../common/format';
import { IstioVerdict } from '../common/IstioVerdict';

/** Where the request is applied: status, attempts, last error and Istio's verdict per cluster. */
export const ClusterApplyState = (props: { targets: RequestTarget[] }) => {
  if (props.targets.length === 0) {
    return (
      <Typography variant="body2">
        Nothing has been applied to any cluster yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Per-cluster state">
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Attempts</TableCell>
          <TableCell>Applied</TableCell>
          <TableCell>Last error</TableCell>
          <TableCell>Istio</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.targets.map(t => (
          <TableRow key={t.cluster}>
            <TableCell>{t.cluster}</TableCell>
            <TableCell>{t.status}</TableCell>
            <TableCell>{t.attempts}</TableCell>
            <TableCell>{formatTime(t.appliedAt)}</TableCell>
            <TableCell>
              <Typography variant="body2" color={t.lastError ? 'error' : 'textPrimary'}>
                {t.lastError ?? '—'}
              </Typography>
            </TableCell>
            <TableCell>{t.istio ? <IstioVerdict istio={t.istio} /> : '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
