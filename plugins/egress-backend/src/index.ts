/**
 * Backend plugin for Istio egress control.
 * @packageDocumentation
 */
export { egressPlugin as default } from './plugin';
