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
import { EGRESS_SCOPE, useAccessibleStyles } from '../common/accessibleStyles';
import {
  isEgressAvailable,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '../../annotations';
import { EgressRequest } from '../../api/types';
import { useEntityEgress } from '../../hooks/useEntityEgress';
import { useLiveUpdates, useUpdatedAt } from '../../hooks/useLiveUpdates';
import { LastUpdated } from '../common/LastUpdated';
import Snackbar from '@material-ui/core/Snackbar';
import Alert from '@material-ui/lab/Alert';
import { destinationsOf } from '../common/Destinations';
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

/**
 * The confirmation after a submit: what was requested and what happens next,
 * following the request as it moves on so it never contradicts the table.
 */
export function submittedText(request: EgressRequest, byPolicy = false): string {
  const what = destinationsOf(request).join(', ');
  const approved = byPolicy ? 'approved by policy' : 'approved';
  switch (request.status) {
    case 'pending':
      return `Request for ${what} sent: it waits for a platform-team decision. You will be notified.`;
    case 'approved':
      return `Request for ${what} ${approved}: it is being applied to ${request.clusters.join(', ')}.`;
    case 'active':
      return `Request for ${what} was ${approved} and is active on ${request.clusters.join(', ')}.`;
    default:
      return `Request for ${what} is now ${request.status}.`;
  }
}

const EgressTabContent = (props: { entityRef: string; namespace: string }) => {
  useAccessibleStyles();
  const { entityRef, namespace } = props;
  const { value, loading, error, retry } = useEntityEgress(entityRef);
  const { live } = useLiveUpdates(retry, { concerns: change => change.entityRef === entityRef });
  const updatedAt = useUpdatedAt(value);
  const [openRequest, setOpenRequest] = useState<string>();
  const [created, setCreated] = useState<EgressRequest>();
  const [trafficWindow, setTrafficWindow] = useState<TrafficWindow>('1h');
  const traffic = useEntityTraffic(entityRef, trafficWindow);

  if (loading && !value) return <Progress />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (!value) return null;

  const choices = value.entity.clusters.map(name => ({
    name,
    title: value.clusters.get(name)?.title ?? name,
  }));

  return (
    <Content>
      <div id="egress-tab" className={EGRESS_SCOPE}>
      <ContentHeader title="Egress">
        <RequestAccessButton
          entityRef={entityRef}
          namespace={namespace}
          clusters={choices}
          onCreated={request => {
            setCreated(request);
            retry();
          }}
        />
      </ContentHeader>
      <LastUpdated at={updatedAt} live={live} />
      <Snackbar
        open={Boolean(created)}
        autoHideDuration={10_000}
        onClose={(_e, reason) => reason !== 'clickaway' && setCreated(undefined)}
      >
        <Alert severity="success" onClose={() => setCreated(undefined)} role="status">
          {created &&
            submittedText(value.requests.find(r => r.id === created.id) ?? created, created.status !== 'pending')}
        </Alert>
      </Snackbar>
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
      <div style={{ marginTop: 24 }} />
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
      </div>
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
