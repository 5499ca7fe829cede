import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EmptyState } from '@backstage/core-components';
import { EgressRequest, RequestTarget } from '../../api/types';
import { Destinations } from '../common/Destinations';
import { formatPorts, formatTime, shortRef } from '../common/format';
import { RequestStatusChip } from '../common/RequestStatusChip';
import { IstioVerdict, istioReportsError } from '../common/IstioVerdict';

/** Per-cluster apply state, e.g. `dev: applied · prod: failed (connection refused)`. */
const ApplyState = (props: { targets?: RequestTarget[] }) => {
  if (!props.targets || props.targets.length === 0) return <>—</>;
  return (
    <>
      {props.targets.map(t => (
        <div key={t.cluster}>
          <Typography variant="body2" color={t.status === 'failed' ? 'error' : 'textPrimary'}>
            {t.cluster}: {t.status}
            {t.lastError ? ` — ${t.lastError}` : ''}
          </Typography>
          <IstioVerdict istio={t.istio} />
        </div>
      ))}
    </>
  );
};

/** The service's egress requests, newest first; a host opens the request. */
export const RequestHistory = (props: {
  requests: EgressRequest[];
  targets: Map<string, RequestTarget[]>;
  onOpenRequest: (id: string) => void;
}) => {
  const { requests, targets, onOpenRequest } = props;
  if (requests.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No egress requests yet"
        description="Requests for outbound access from this service will appear here."
      />
    );
  }
  return (
    <Table size="small" aria-label="Request history">
      <TableHead>
        <TableRow>
          <TableCell>Hosts</TableCell>
          <TableCell>Ports</TableCell>
          <TableCell>Clusters</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Applied</TableCell>
          <TableCell>Requested</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map(request => (
          <TableRow key={request.id}>
            <TableCell>
              <Link component="button" variant="body2" style={{ textAlign: 'left' }} onClick={() => onOpenRequest(request.id)}>
                <Destinations request={request} />
              </Link>
            </TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>
              {request.ports.map(p => (
                <div key={p.number}>{formatPorts([p])}</div>
              ))}
            </TableCell>
            <TableCell>{request.clusters.join(', ')}</TableCell>
            <TableCell>
              <RequestStatusChip status={request.status} istioError={istioReportsError(targets.get(request.id))} />
            </TableCell>
            <TableCell>
              <ApplyState targets={targets.get(request.id)} />
            </TableCell>
            <TableCell>
              {formatTime(request.requestedAt)} by {shortRef(request.requestedBy)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
