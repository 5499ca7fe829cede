import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EgressRequest, InventoryResource } from '../../api/types';
import { formatDate, formatPorts } from '../common/format';

/** One host (or IP range) the workloads may reach in one cluster. */
export interface AllowedHost {
  key: string;
  host: string;
  ports: string;
  route: 'Egress gateway' | 'Direct';
  managed: boolean;
  /** The request that opened it (hosts we manage). */
  requestId?: string;
  since?: string;
  expiresAt?: string;
}

/**
 * Hosts opened by the ServiceEntries in the namespace, joined with the
 * requests that created the managed ones (protocols, gateway, since, expiry).
 * Unmanaged entries count as routed via the gateway when a VirtualService in
 * the namespace routes the same host.
 */
export function allowedHosts(
  resources: InventoryResource[],
  requests: EgressRequest[],
): AllowedHost[] {
  const byId = new Map(requests.map(r => [r.id, r]));
  const routed = new Set(
    resources.filter(r => r.kind === 'VirtualService').flatMap(r => r.hosts),
  );
  const rows: AllowedHost[] = [];
  for (const entry of resources.filter(r => r.kind === 'ServiceEntry')) {
    const request = entry.requestId ? byId.get(entry.requestId) : undefined;
    const destinations = entry.addresses.length > 0 ? entry.addresses : entry.hosts;
    for (const host of destinations) {
      const viaGateway = request ? request.viaEgressGateway : routed.has(host);
      rows.push({
        key: `${entry.name}/${host}`,
        host,
        ports: request ? formatPorts(request.ports) : formatPorts(entry.ports.map(number => ({ number }))),
        route: viaGateway ? 'Egress gateway' : 'Direct',
        managed: entry.managed,
        requestId: entry.requestId,
        since: request ? request.decidedAt ?? request.requestedAt : undefined,
        expiresAt: request?.expiresAt,
      });
    }
  }
  return rows;
}

/** The Expires column: only hosts we manage have an expiry to show. */
function expiryLabel(row: AllowedHost): string {
  if (!row.managed) return '—';
  return row.expiresAt ? formatDate(row.expiresAt) : 'Never';
}

/** The hosts this service may reach in one cluster. */
export const AllowedHostsTable = (props: {
  cluster: string;
  hosts: AllowedHost[];
  onOpenRequest: (requestId: string) => void;
}) => {
  const { hosts, cluster, onOpenRequest } = props;
  if (hosts.length === 0) {
    return (
      <Typography variant="body2">
        No external hosts are registered for this namespace in {cluster}.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={`Allowed hosts in ${cluster}`}>
      <TableHead>
        <TableRow>
          <TableCell>Host</TableCell>
          <TableCell>Ports</TableCell>
          <TableCell>Route</TableCell>
          <TableCell>Managed by</TableCell>
          <TableCell>Since</TableCell>
          <TableCell>Expires</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {hosts.map(row => (
          <TableRow key={row.key}>
            <TableCell>
              {row.requestId ? (
                <Link
                  component="button"
                  variant="body2"
                  onClick={() => onOpenRequest(row.requestId!)}
                >
                  {row.host}
                </Link>
              ) : (
                row.host
              )}
            </TableCell>
            <TableCell>{row.ports}</TableCell>
            <TableCell>{row.route}</TableCell>
            <TableCell>{row.managed ? 'Egress requests' : 'Not managed here'}</TableCell>
            <TableCell>{formatDate(row.since)}</TableCell>
            <TableCell>{expiryLabel(row)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
