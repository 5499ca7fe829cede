import { InfoCard, WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import { EgressCluster, EgressRequest, NamespaceInventory } from '../../api/types';
import { formatTime } from '../common/format';
import { AllowedHostsTable, allowedHosts } from './AllowedHostsTable';
import { MeshModeBanner } from './MeshModeBanner';

/** A line of facts about the cluster: reachable, version, gateway, sync. */
const ClusterFacts = (props: { cluster?: EgressCluster; inventory: NamespaceInventory }) => {
  const { cluster, inventory } = props;
  const facts: string[] = [];
  if (cluster?.reachable === false) facts.push('API server not reachable');
  if (cluster?.kubernetesVersion) facts.push(`Kubernetes ${cluster.kubernetesVersion}`);
  if (cluster?.egressGateway) {
    const { service, exists } = cluster.egressGateway;
    facts.push(exists === false ? `egress gateway ${service} not found` : `egress gateway ${service}`);
  }
  facts.push(inventory.synced ? 'in sync' : 'not yet in sync');
  if (inventory.lastEventAt) facts.push(`last change seen ${formatTime(inventory.lastEventAt)}`);
  return (
    <Typography variant="body2" color="textSecondary" paragraph>
      {facts.join(' · ')}
    </Typography>
  );
};

/**
 * What the entity's workloads may reach in one target cluster. A cluster
 * error is shown here, above whatever (possibly stale) data there is.
 */
export const ClusterEgressCard = (props: {
  inventory: NamespaceInventory;
  cluster?: EgressCluster;
  requests: EgressRequest[];
  onOpenRequest: (id: string) => void;
  /** Shown below the allowed hosts (the traffic panel). */
  children?: ReactNode;
}) => {
  const { inventory, cluster, requests, onOpenRequest } = props;
  const title = cluster?.title ?? inventory.cluster;
  const error = inventory.error ?? cluster?.error;
  return (
    <InfoCard
      title={title}
      subheader={`Namespace ${inventory.namespace}`}
    >
      {error && (
        <WarningPanel severity="error" title={`Problem with cluster ${title}`} message={error} defaultExpanded />
      )}
      <ClusterFacts cluster={cluster} inventory={inventory} />
      <MeshModeBanner
        meshMode={inventory.meshMode ?? cluster?.meshMode}
        sidecarMode={inventory.sidecarMode}
        sidecarOverride={inventory.sidecarOverride}
      />
      <AllowedHostsTable
        cluster={title}
        hosts={allowedHosts(inventory.resources, requests)}
        onOpenRequest={onOpenRequest}
      />
      {props.children}
    </InfoCard>
  );
};
