import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { egressApiRef } from '../api/EgressApi';
import type { TrafficWindow } from '../api/types';

/**
 * The entity's traffic per target cluster over a window (GET /traffic). Kept
 * apart from the inventory: Prometheus is slower, and its failure must not
 * hide the rest of the tab.
 */
export function useEntityTraffic(entityRef: string, window: TrafficWindow) {
  const egressApi = useApi(egressApiRef);
  return useAsyncRetry(() => egressApi.getTraffic(entityRef, window), [egressApi, entityRef, window]);
}
