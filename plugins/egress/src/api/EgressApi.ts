import { createApiRef } from '@backstage/core-plugin-api';
import {
  EgressCluster,
  EgressRequest,
  EntityEgress,
  PolicySummary,
  EntityTraffic,
  TrafficWindow,
  PreviewResult,
  RequestDetail,
  RequestDraftInput,
  RequestFilters,
  RequestPage,
  ClusterOrphans,
  OrphanRemovalInput,
  OrphanResource,
} from './types';

export type { EgressCluster } from './types';

/** Client of the egress backend. @public */
export interface EgressApi {
  /** The target clusters with their state (reachable, mesh mode, gateway, sync). */
  listClusters(): Promise<EgressCluster[]>;
  /** The platform's policy as the form may know it: protocols, ports, expiry and justification rules. */
  getPolicy(): Promise<PolicySummary>;
  /** The entity's namespace in each of its target clusters: inventory, mesh mode, Sidecar override. */
  getEntity(entityRef: string): Promise<EntityEgress>;
  /** Per target cluster, from its Prometheus: traffic per host, blocked and unregistered attempts, unused grants. */
  getTraffic(entityRef: string, window: TrafficWindow): Promise<EntityTraffic>;
  /**
   * Validation, policy verdict, risk flags and manifests of a draft; stores
   * nothing. With the draft's `id`, the manifests carry the names and labels
   * the request created under that id will get.
   */
  preview(draft: RequestDraftInput): Promise<PreviewResult>;
  /**
   * Requests outbound access; the answer is pending, or approved when the
   * policy auto-approves. Safe to retry with the same draft and `id`: the
   * backend returns the request it already stored.
   */
  createRequest(draft: RequestDraftInput): Promise<EgressRequest>;
  /** Requests, newest first. */
  listRequests(filters?: RequestFilters): Promise<RequestPage>;
  /** One request with per-cluster state, audit trail and manifests. */
  getRequest(id: string): Promise<RequestDetail>;
  approve(id: string, comment?: string): Promise<EgressRequest>;
  /** A comment is required. */
  reject(id: string, comment: string): Promise<EgressRequest>;
  cancel(id: string, comment?: string): Promise<EgressRequest>;
  revoke(id: string, comment?: string): Promise<EgressRequest>;
  /** Platform team: per cluster, resources with the plugin's label that no live request accounts for. */
  listOrphans(): Promise<ClusterOrphans[]>;
  /** Platform team: deletes one orphaned resource (checked again by the backend; audited). */
  removeOrphan(input: OrphanRemovalInput): Promise<OrphanResource>;
}

/** Reference to the {@link EgressApi}. @public */
export const egressApiRef = createApiRef<EgressApi>({
  id: 'plugin.egress.api',
});
