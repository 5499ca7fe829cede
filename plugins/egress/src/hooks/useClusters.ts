import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { egressApiRef } from '../api/EgressApi';

/** The clusters egress requests can target, with loading and error state. */
export function useClusters() {
  const egressApi = useApi(egressApiRef);
  return useAsyncRetry(() => egressApi.listClusters(), [egressApi]);
}
