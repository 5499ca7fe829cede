import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { egressApiRef } from '../api/EgressApi';

/** One request with per-cluster state, audit trail and manifests. */
export function useRequestDetail(id: string) {
  const egressApi = useApi(egressApiRef);
  return useAsyncRetry(() => egressApi.getRequest(id), [egressApi, id]);
}
