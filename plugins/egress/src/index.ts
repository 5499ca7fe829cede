/**
 * Frontend plugin for Istio egress control: the entity Egress tab and the
 * approvals page. Legacy frontend system exports; the new frontend system
 * plugin is the default export of `@backstage-egress/plugin-egress/alpha`.
 * @packageDocumentation
 */
export {
  egressPlugin,
  EntityEgressContent,
  EgressApprovalsPage,
} from './plugin';
export { egressApiRef } from './api/EgressApi';
export type { EgressApi } from './api/EgressApi';
export type {
  AuditEvent,
  CacheFreshness,
  ClusterManifests,
  EgressCluster,
  EgressRequest,
  EntityEgress,
  InventoryResource,
  IstioKind,
  MeshMode,
  NamespaceInventory,
  PreviewResult,
  RequestDetail,
  RequestDraftInput,
  RequestFilters,
  OrphanRemovalInput,
  RequestPage,
  RequestTarget,
} from './api/types';
export { EgressClient } from './api/EgressClient';
export { isEgressAvailable, KUBERNETES_NAMESPACE_ANNOTATION } from './annotations';
