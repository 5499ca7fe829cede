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
export type { EgressApi, EgressCluster } from './api/EgressApi';
export { EgressClient } from './api/EgressClient';
export { isEgressAvailable, KUBERNETES_NAMESPACE_ANNOTATION } from './annotations';
