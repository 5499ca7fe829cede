import {
  Content,
  ContentHeader,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useClusters } from '../../hooks/useClusters';
import { ClusterList } from '../EgressTab/ClusterList';

/** The platform team's page for deciding egress requests. */
export const ApprovalsPage = () => {
  const { value: clusters, loading, error } = useClusters();
  return (
    <Content>
      <ContentHeader title="Egress approvals" />
      <Typography variant="body1" paragraph>
        Requests for outbound access wait here for a platform-team decision.
      </Typography>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {clusters && <ClusterList clusters={clusters} />}
    </Content>
  );
};
