import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { EgressRequest, RequestTarget } from '../../api/types';
import { destinationColumn } from '../common/Destinations';
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

/**
 * The service's egress requests in a Backstage table: search, a status
 * filter, sortable columns and pages, newest first; a host opens the request.
 */
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
  const columns: TableColumn<EgressRequest>[] = [
    destinationColumn('Hosts', onOpenRequest),
    { title: 'Ports', field: 'ports', sorting: false, render: r => formatPorts(r.ports) },
    { title: 'Clusters', field: 'clusters', sorting: false, render: r => r.clusters.join(', ') },
    { title: 'Status', field: 'status', render: r => (
        <RequestStatusChip
          status={r.status}
          displayState={r.displayState}
          istioError={istioReportsError(targets.get(r.id))}
        />
      ),
    },
    { title: 'Applied', sorting: false, render: r => <ApplyState targets={targets.get(r.id)} /> },
    {
      title: 'Requested',
      field: 'requestedAt',
      defaultSort: 'desc',
      render: r => `${formatTime(r.requestedAt)} by ${shortRef(r.requestedBy)}`,
    },
  ];
  return (
    <section aria-label="Request history">
    {/* The heading stands above the table: inside its toolbar, the status filter and the search cut it off. */}
    <Typography variant="h5" component="h2" gutterBottom>
      Requests
    </Typography>
    <Table<EgressRequest>
      columns={columns}
      data={requests}
      filters={[{ column: 'Status', type: 'multiple-select' }]}
      options={{ paging: requests.length > 10, pageSize: 10, pageSizeOptions: [10, 25, 50], search: true, padding: 'dense', draggable: false }}
    />
    </section>
  );
};
