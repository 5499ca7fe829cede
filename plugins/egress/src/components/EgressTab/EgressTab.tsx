import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  isEgressAvailable,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '../../annotations';
import { useClusters } from '../../hooks/useClusters';
import { ClusterList } from './ClusterList';

/** The entity's Egress tab: where its workloads may reach, per target cluster. */
export const EgressTab = () => {
  const { entity } = useEntity();
  if (!isEgressAvailable(entity)) {
    return <MissingNamespaceAnnotation />;
  }
  return <EgressTabContent namespace={entity.metadata.annotations![KUBERNETES_NAMESPACE_ANNOTATION]} />;
};

const EgressTabContent = (props: { namespace: string }) => {
  const { value: clusters, loading, error } = useClusters();
  return (
    <Content>
      <Typography variant="body1" paragraph>
        Outbound access for workloads in namespace <code>{props.namespace}</code>.
      </Typography>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {clusters && <ClusterList clusters={clusters} />}
    </Content>
  );
};

/** Shown instead of the tab's content when the entity has no namespace annotation. */
export const MissingNamespaceAnnotation = () => (
  <EmptyState
    missing="field"
    title="No Kubernetes namespace for this entity"
    description={`Add the ${KUBERNETES_NAMESPACE_ANNOTATION} annotation to the entity's catalog-info.yaml to manage which external hosts its workloads may reach.`}
  />
);
