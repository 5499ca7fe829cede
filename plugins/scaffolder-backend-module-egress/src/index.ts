/**
 * Scaffolder module with the `egress:request` action: software templates
 * request outbound access for the services they create, under the egress
 * plugin's policy and permissions.
 * @packageDocumentation
 */
export { scaffolderModuleEgress as default } from './module';
export { createEgressRequestAction } from './actions/egressRequest';
export type { EgressRequestActionOptions } from './actions/egressRequest';
