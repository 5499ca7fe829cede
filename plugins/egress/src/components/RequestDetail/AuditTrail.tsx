import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { AuditEvent } from '../../api/types';
import { formatTime, shortRef } from '../common/format';

function describeChange(event: AuditEvent): string {
  if (event.from || event.to) {
    return `${event.from ?? '—'} → ${event.to ?? '—'}`;
  }
  return event.cluster ? `${event.action} (${event.cluster})` : event.action;
}

/** Who did what to the request, oldest first. */
export const AuditTrail = (props: { events: AuditEvent[] }) => (
  <Table size="small" aria-label="Audit trail">
    <TableHead>
      <TableRow>
        <TableCell>Time</TableCell>
        <TableCell>Actor</TableCell>
        <TableCell>Change</TableCell>
        <TableCell>Comment</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {props.events.map(event => (
        <TableRow key={event.id}>
          <TableCell>{formatTime(event.at)}</TableCell>
          <TableCell>{shortRef(event.actor)}</TableCell>
          <TableCell>{describeChange(event)}</TableCell>
          <TableCell>{event.comment ?? ''}</TableCell>
        </TableRow>
      ))}
    </TableBody>
  </Table>
);
