import { ResponseErrorPanel, Table, TableColumn } from '@backstage/core-components';
import { EgressRequestStatus, RiskFlagCode } from '@backstage-egress/plugin-egress-common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { EgressCluster, EgressRequest } from '../../api/types';
import { useEntityOwners } from '../../hooks/useEntityOwners';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { QueueFilters, useRequestList } from '../../hooks/useRequestList';
import { destinationColumn } from '../common/Destinations';
import { formatAge, formatDate, formatPorts, formatTime, shortRef } from '../common/format';
import { LastUpdated } from '../common/LastUpdated';
import { RequestStatusChip } from '../common/RequestStatusChip';
import { RISK_FLAG_LABELS, RiskFlagChips } from '../common/RiskFlagChips';
import { RequestDetailDialog } from '../RequestDetail/RequestDetailDialog';

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
 * A cluster and its mesh mode in words an approver decides with. The mode goes below the
 * name and may wrap, so a request for several clusters keeps the table within the page.
 */
const ClusterModes = (props: { names: string[]; clusters: EgressCluster[] }) => (
  <>
    {props.names.map(name => {
      const cluster = props.clusters.find(c => c.name === name);
      const mode = cluster?.meshMode;
      return (
        <div key={name}>
          <span style={{ whiteSpace: 'nowrap' }}>{cluster?.title ?? name}</span>
          {mode && (
            <Typography variant="caption" component="div" color="textSecondary">
              ({mode === 'REGISTRY_ONLY' ? 'blocks unregistered hosts' : 'allows any host'})
            </Typography>
          )}
        </div>
      );
    })}
  </>
);

/**
 * Requests in the approval queue (or its history) with what an approver
 * decides with; filters by cluster, entity and risk, and the table's own
 * search, sort and pages. A request opens its detail with Approve / Reject.
 * Kept current by signals (or polling).
 */
export const ApprovalQueue = (props: {
  view: 'pending' | 'history';
  clusters: EgressCluster[];
  /** A request to open at once (e.g. from a notification's link). */
  initialRequest?: string;
}) => {
  const { view, clusters } = props;
  const [filters, setFilters] = useState<QueueFilters>({ cluster: '', entityRef: '' });
  // The entity filter is typed; ask the backend once the typing pauses.
  const [entityInput, setEntityInput] = useState('');
  useDebounce(() => setFilters(f => ({ ...f, entityRef: entityInput })), 300, [entityInput]);
  const [risk, setRisk] = useState<RiskFlagCode | ''>('');
  const [openRequest, setOpenRequest] = useState<string | undefined>(props.initialRequest);
  const list = useRequestList(QUEUE_STATUSES[view], filters);
  const { live } = useLiveUpdates(list.retry);
  const owners = useEntityOwners((list.items ?? []).map(r => r.entityRef));

  const rows = useMemo(
    () => (list.items ?? []).filter(r => !risk || (r.riskFlags ?? []).some(f => f.code === risk)),
    [list.items, risk],
  );

  // The table re-creates its rows when its columns change: keep them stable.
  const columns = useMemo((): TableColumn<EgressRequest>[] => [
    destinationColumn('Destination', setOpenRequest, r => (
      <Typography variant="body2" color="textSecondary">
        {r.ports.map(p => formatPorts([p])).join(', ')}
      </Typography>
    )),
    {
      title: 'Entity',
      field: 'entityRef',
      // Entity names stay whole.
      cellStyle: { whiteSpace: 'nowrap' },
      render: r => (
        <>
          <EntityRefLink entityRef={r.entityRef} defaultKind="component" />
          {owners.get(r.entityRef) && (
            <Typography variant="body2" color="textSecondary">
              owned by <EntityRefLink entityRef={owners.get(r.entityRef)!} defaultKind="group" />
            </Typography>
          )}
        </>
      ),
    },
    { title: 'Justification', field: 'justification', render: r => <span style={{ whiteSpace: 'pre-wrap' }}>{r.justification}</span> },
    { title: 'Clusters', field: 'clusters', sorting: false, render: r => <ClusterModes names={r.clusters} clusters={clusters} /> },
    { title: 'Risk', sorting: false, render: r => (r.riskFlags ? <RiskFlagChips flags={r.riskFlags} /> : '—') },
    {
      title: 'Requested',
      field: 'requestedAt',
      defaultSort: 'desc',
      render: r => (
        <>
          <span title={formatTime(r.requestedAt)}>{formatAge(r.requestedAt)}</span>
          <Typography variant="body2">by {shortRef(r.requestedBy)}</Typography>
          <Typography variant="body2" color="textSecondary">
            expires {r.expiresAt ? formatDate(r.expiresAt) : 'never'}
          </Typography>
        </>
      ),
    },
    ...(view === 'history'
      ? ([
          { title: 'Status', field: 'status', render: r => <RequestStatusChip status={r.status} displayState={r.displayState} /> },
          {
            title: 'Decided',
            field: 'decidedAt',
            render: r =>
              r.decidedBy ? (
                <>
                  {shortRef(r.decidedBy)}, {formatTime(r.decidedAt)}
                  {r.decisionComment && (
                    <Typography variant="body2" color="textSecondary">
                      “{r.decisionComment}”
                    </Typography>
                  )}
                </>
              ) : (
                '—'
              ),
          },
        ] as TableColumn<EgressRequest>[])
      : []),
  ], [owners, clusters, view]);

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
            placeholder="e.g. payments-api"
            helperText="A name, or a full ref such as resource:default/db"
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
      <LastUpdated at={list.updatedAt} live={live} />

      {list.error && <ResponseErrorPanel error={list.error} />}
      {/* Not the table's own spinner: it has no accessible name. */}
      {list.loading && !list.items && <LinearProgress aria-label="Loading requests" />}
      <section aria-label={view === 'pending' ? 'Pending requests' : 'Request history'}>
      <Table<EgressRequest>
        title={view === 'pending' ? 'Pending requests' : 'Request history'}
        columns={columns}
        data={rows}
        options={{ paging: true, pageSize: 10, pageSizeOptions: [10, 25, 50], search: true, padding: 'dense', draggable: false }}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            {view === 'pending' ? 'No requests waiting for a decision.' : 'No decided requests.'} Change the filters, or check
            again later.
          </Typography>
        }
      />
      </section>
      {list.hasMore && (
        <Button disabled={list.loading} onClick={list.loadMore} style={{ marginTop: 8 }}>
          Load older requests
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
