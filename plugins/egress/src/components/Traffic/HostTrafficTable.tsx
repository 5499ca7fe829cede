import { Link, TrendLine } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import type { HostTraffic } from '../../api/types';
import { formatTime } from '../common/format';
import { formatBytes, formatPercent, formatRate } from './format';
import { kialiHostUrl } from './kialiLinks';

/** Traffic to each host the namespace may reach: a small time series and the window's figures. */
export const HostTrafficTable = (props: {
  hosts: HostTraffic[];
  namespace: string;
  kialiUrl?: string;
}) => {
  const { hosts, namespace, kialiUrl } = props;
  const theme = useTheme();
  if (hosts.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No registered hosts in this namespace.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Traffic per host">
      <TableHead>
        <TableRow>
          <TableCell>Host</TableCell>
          <TableCell>Traffic</TableCell>
          <TableCell>Requests</TableCell>
          <TableCell>Errors</TableCell>
          <TableCell>Connections</TableCell>
          <TableCell>Bytes</TableCell>
          <TableCell>Last seen</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {hosts.map(h => (
          <TableRow key={h.host}>
            <TableCell>
              {kialiUrl ? <Link to={kialiHostUrl(kialiUrl, namespace, h.host)}>{h.host}</Link> : h.host}
              {h.source === 'egress-gateway' && (
                <Typography variant="caption" display="block" color="textSecondary">
                  via egress gateway (all namespaces)
                </Typography>
              )}
            </TableCell>
            <TableCell style={{ width: 140 }}>
              {h.series.some(v => v > 0) ? (
                <TrendLine
                  data={h.series}
                  title={`Traffic to ${h.host}`}
                  min={0}
                  max={Math.max(...h.series)}
                  width={120}
                  height={24}
                  color={theme.palette.primary.main}
                />
              ) : (
                <Typography variant="caption" color="textSecondary">no traffic</Typography>
              )}
            </TableCell>
            <TableCell>{formatRate(h.requestRate, 'req')}</TableCell>
            <TableCell>{formatPercent(h.errorRatio)}</TableCell>
            <TableCell>{formatRate(h.connectionRate, 'conn')}</TableCell>
            <TableCell>{formatBytes(h.bytes)}</TableCell>
            <TableCell>{h.lastSeen ? formatTime(h.lastSeen) : '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
