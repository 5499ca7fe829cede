import { Link, Table, TableColumn } from '@backstage/core-components';
import { EgressCluster } from '../../api/EgressApi';

const columns: TableColumn<EgressCluster>[] = [
  { title: 'Cluster', field: 'title' },
  { title: 'Name', field: 'name' },
  {
    title: 'Kiali',
    render: cluster =>
      cluster.kialiUrl ? <Link to={cluster.kialiUrl}>Open Kiali</Link> : '—',
  },
];

/** The clusters egress access can be requested in. */
export const ClusterList = (props: { clusters: EgressCluster[] }) => (
  <Table<EgressCluster>
    title="Target clusters"
    options={{ paging: false, search: false, padding: 'dense' }}
    columns={columns}
    data={props.clusters}
    emptyContent="No clusters are configured for egress."
  />
);
