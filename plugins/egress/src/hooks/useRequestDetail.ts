import { useApi } from '@backstage/core-plugin-api';
import { useReloadable } from './useReloadable';
import { egressApiRef } from '../api/EgressApi';

/** One request with per-cluster state, audit trail and manifests. */
export function useRequestDetail(id: string) {
  const egressApi = useApi(egressApiRef);
  return useReloadable(() => egressApi.getRequest(id), [egressApi, id]);
}
