export * from './types';
export { DefaultClusterService } from './ClusterService';
export type { DefaultClusterServiceOptions } from './ClusterService';
export { toClusterError, KubernetesApiError } from './errors';
export { FIELD_MANAGER, ServerSideApplyWriter } from './ServerSideApplyWriter';
