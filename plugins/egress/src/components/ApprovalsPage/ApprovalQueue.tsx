import { EmptyState, Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  EgressRequestStatus,
  RiskFlagCode,
  riskFlags,
} from '@backstage-egress/plugin-egress-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment, useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { EgressCluster } from '../../api/types';
import { useEgressPolicy } from '../../hooks/useEgressPolicy';
import { QueueFilters, useRequestList } from '../../hooks/useRequestList';
import { Destinations } from '../common/Destinations';
import { formatPorts, formatTime, shortRef } from '../common/format';
import { RequestStatusChip } from '../common/RequestStatusChip';
import { RISK_FLAG_LABELS, RiskFlagChips } from '../common/RiskFlagChips';
import { RequestDetailDialog } from '../RequestDetail/RequestDetailDialog';

const useStyles = makeStyles(theme => ({
  // Narrow windows scroll the table instead of breaking host names.
  scroll: { overflowX: 'auto', marginTop: theme.spacing(2) },
  table: { minWidth: 1000 },
  nowrap: { whiteSpace: 'nowrap' },
  hosts: { minWidth: 200 },
  hostLink: { textAlign: 'left' },
  entity: { minWidth: 160 },
  risk: { minWidth: 180 },
  requested: { whiteSpace: 'nowrap', color: theme.palette.text.secondary },
}));

/** An entity ref that may wrap after its `:` and `/`, not inside a name. */
const EntityRefText = (props: { entityRef: string }) => (
  <>
    {props.entityRef.split(/(?<=[:/])/).map((part, i) => (
      <Fragment key={i}>
        {i > 0 && <wbr />}
        <span style={{ whiteSpace: 'nowrap' }}>{part}</span>
      </Fragment>
    ))}
  </>
);

const RISKS = (Object.keys(RISK_FLAG_LABELS) as RiskFlagCode[]).map(code => ({
  code,
  label: RISK_FLAG_LABELS[code],
}));

/** Pending statuses vs. everything decided. */
export const QUEUE_STATUSES: Record<'pending' | 'history', EgressRequestStatus[]> = {
  pending: ['pending'],
  history: ['approved', 'active', 'rejected', 'cancelled', 'revoking', 'revoked', 'expired'],
};

/**
 * Requests in the approval queue (or its history) with filters by cluster,
 * entity and risk; a request opens its detail with Approve / Reject.
 */
export const ApprovalQueue = (props: {
  view: 'pending' | 'history';
  clusters: EgressCluster[];
}) => {
  const { view, clusters } = props;
  const classes = useStyles();
  const policy = useEgressPolicy();
  const [filters, setFilters] = useState<QueueFilters>({ cluster: '', entityRef: '' });
  // The entity filter is typed; ask the backend once the typing pauses.
  const [entityInput, setEntityInput] = useState('');
  useDebounce(() => setFilters(f => ({ ...f, entityRef: entityInput })), 300, [entityInput]);
  const [risk, setRisk] = useState<RiskFlagCode | ''>('');
  const [openRequest, setOpenRequest] = useState<string>();
  const list = useRequestList(QUEUE_STATUSES[view], filters);

  const rows = useMemo(
    () =>
      (list.items ?? [])
        .map(request => ({ request, flags: riskFlags(request, policy) }))
        .filter(row => !risk || row.flags.some(f => f.code === risk)),
    [list.items, policy, risk],
  );

  return (
    <>
      <Grid container spacing={2} role="search" aria-label="Filters">
        <Grid item xs={12} sm={4}>
          <TextField
            id={`egress-${view}-cluster-filter`}
            select
            label="Cluster"
            fullWidth
            variant="outlined"
            size="small"
            // The empty option ("All clusters") has text, so the label must sit above it.
            InputLabelProps={{ shrink: true }}
            SelectProps={{ native: true }}
            value={filters.cluster}
            onChange={e => setFilters(f => ({ ...f, cluster: e.target.value }))}
          >
            <option value="">All clusters</option>
            {clusters.map(c => (
              <option key={c.name} value={c.name}>
                {c.title}
              </option>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} sm={4}>
          <TextField
            id={`egress-${view}-entity-filter`}
            label="Entity"
            placeholder="e.g. component:default/payments-api"
            InputLabelProps={{ shrink: true }}
            fullWidth
            variant="outlined"
            size="small"
            value={entityInput}
            onChange={e => setEntityInput(e.target.value)}
          />
        </Grid>
        <Grid item xs={12} sm={4}>
          <TextField
            id={`egress-${view}-risk-filter`}
            select
            label="Risk"
            fullWidth
            variant="outlined"
            size="small"
            InputLabelProps={{ shrink: true }}
            SelectProps={{ native: true }}
            value={risk}
            onChange={e => setRisk(e.target.value as RiskFlagCode | '')}
          >
            <option value="">Any risk</option>
            {RISKS.map(r => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </TextField>
        </Grid>
      </Grid>

      {list.error && <ResponseErrorPanel error={list.error} />}
      {list.loading && !list.items && <Progress />}
      {list.items && rows.length === 0 && (
        <EmptyState
          missing="data"
          title={view === 'pending' ? 'No requests waiting for a decision' : 'No decided requests'}
          description="Change the filters, or check again later."
        />
      )}
      {rows.length > 0 && (
        <div className={classes.scroll}>
          <Table size="small" className={classes.table} aria-label={view === 'pending' ? 'Pending requests' : 'Request history'}>
            <TableHead>
              <TableRow>
                <TableCell className={classes.hosts}>Hosts</TableCell>
                <TableCell className={classes.entity}>Entity</TableCell>
                <TableCell className={classes.nowrap}>Ports</TableCell>
                <TableCell className={classes.nowrap}>Clusters</TableCell>
                <TableCell className={classes.risk}>Risk</TableCell>
                <TableCell className={classes.nowrap}>Status</TableCell>
                <TableCell className={classes.requested}>Requested</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(({ request, flags }) => (
                <TableRow key={request.id}>
                  <TableCell className={classes.hosts}>
                    <Link component="button" variant="body2" className={classes.hostLink} onClick={() => setOpenRequest(request.id)}>
                      <Destinations request={request} />
                    </Link>
                  </TableCell>
                  <TableCell className={classes.entity}>
                    <EntityRefText entityRef={request.entityRef} />
                  </TableCell>
                  <TableCell className={classes.nowrap}>
                    {request.ports.map(p => (
                      <div key={p.number}>{formatPorts([p])}</div>
                    ))}
                  </TableCell>
                  <TableCell className={classes.nowrap}>
                    {request.clusters.map(c => (
                      <div key={c}>{c}</div>
                    ))}
                  </TableCell>
                  <TableCell className={classes.risk}>
                    <RiskFlagChips flags={flags} />
                  </TableCell>
                  <TableCell className={classes.nowrap}>
                    <RequestStatusChip status={request.status} />
                  </TableCell>
                  <TableCell className={classes.requested}>
                    {formatTime(request.requestedAt)}
                    <br />
                    by {shortRef(request.requestedBy)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {list.hasMore && (
        <Button disabled={list.loading} onClick={list.loadMore} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
      <RequestDetailDialog
        requestId={openRequest}
        allowDecision={view === 'pending'}
        onClose={() => setOpenRequest(undefined)}
        onChanged={list.retry}
      />
    </>
  );
};
