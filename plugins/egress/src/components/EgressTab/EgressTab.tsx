import {
  Content,
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import {
  isEgressAvailable,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '../../annotations';
import { useEntityEgress } from '../../hooks/useEntityEgress';
import { useEntityTraffic } from '../../hooks/useEntityTraffic';
import type { TrafficWindow } from '../../api/types';
import { ClusterTrafficPanel } from '../Traffic/ClusterTrafficPanel';
import { RequestAccessButton } from '../EgressRequestForm/RequestAccessButton';
import { RequestDetailDialog } from '../RequestDetail/RequestDetailDialog';
import { ClusterEgressCard } from './ClusterEgressCard';
import { RequestHistory } from './RequestHistory';

/** Shown instead of the tab's content when the entity has no namespace annotation. */
export const MissingNamespaceAnnotation = () => (
  <EmptyState
    missing="field"
    title="No Kubernetes namespace for this entity"
    description={`Add the ${KUBERNETES_NAMESPACE_ANNOTATION} annotation to the entity's catalog-info.yaml to manage which external hosts its workloads may reach.`}
  />
);

const EgressTabContent = (props: { entityRef: string; namespace: string }) => {
  const { entityRef, namespace } = props;
  const { value, loading, error, retry } = useEntityEgress(entityRef);
  const [openRequest, setOpenRequest] = useState<string>();
  const [trafficWindow, setTrafficWindow] = useState<TrafficWindow>('1h');
  const traffic = useEntityTraffic(entityRef, trafficWindow);

  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;

  const choices = value.entity.clusters.map(name => ({
    name,
    title: value.clusters.get(name)?.title ?? name,
  }));

  return (
    <Content>
      <ContentHeader title="Egress">
        <RequestAccessButton
          entityRef={entityRef}
          namespace={namespace}
          clusters={choices}
          onCreated={() => retry()}
        />
      </ContentHeader>
      <Typography variant="body1" paragraph>
        Outbound access for workloads in namespace <code>{value.entity.namespace}</code>.
      </Typography>
      {value.entity.inventory.length === 0 ? (
        <EmptyState
          missing="data"
          title="No target clusters"
          description="No clusters are configured for egress, or this entity's egress.backstage.io/clusters annotation names none."
        />
      ) : (
        <Grid container spacing={3}>
          {value.entity.inventory.map(inventory => (
            <Grid item xs={12} key={inventory.cluster}>
              <ClusterEgressCard
                inventory={inventory}
                cluster={value.clusters.get(inventory.cluster)}
                requests={value.requests}
                onOpenRequest={setOpenRequest}
              >
                <ClusterTrafficPanel
                  cluster={value.clusters.get(inventory.cluster)?.title ?? inventory.cluster}
                  namespace={inventory.namespace}
                  traffic={traffic.value?.clusters.find(c => c.cluster === inventory.cluster)}
                  error={traffic.error}
                  loading={traffic.loading}
                  window={trafficWindow}
                  onWindowChange={setTrafficWindow}
                  unusedAfterDays={traffic.value?.unusedAfterDays}
                  kialiUrl={value.clusters.get(inventory.cluster)?.kialiUrl}
                  onOpenRequest={setOpenRequest}
                />
              </ClusterEgressCard>
            </Grid>
          ))}
        </Grid>
      )}
      <Typography variant="h5" component="h2" style={{ marginTop: 24 }} gutterBottom>
        Requests
      </Typography>
      <RequestHistory
        requests={value.requests}
        targets={value.targets}
        onOpenRequest={setOpenRequest}
      />
      <RequestDetailDialog
        requestId={openRequest}
        onClose={() => setOpenRequest(undefined)}
        onChanged={() => retry()}
      />
    </Content>
  );
};

/** The entity's Egress tab: where its workloads may reach, per target cluster. */
export const EgressTab = () => {
  const { entity } = useEntity();
  if (!isEgressAvailable(entity)) {
    return <MissingNamespaceAnnotation />;
  }
  return (
    <EgressTabContent
      entityRef={stringifyEntityRef(entity)}
      namespace={entity.metadata.annotations![KUBERNETES_NAMESPACE_ANNOTATION].trim()}
    />
  );
};
