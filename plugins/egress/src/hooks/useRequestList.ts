import { useApi } from '@backstage/core-plugin-api';
import { EgressRequestStatus } from '@backstage-egress/plugin-egress-common';
import { useCallback, useEffect, useState } from 'react';
import { egressApiRef } from '../api/EgressApi';
import { EgressRequest } from '../api/types';

/** Filters the approvers can set; empty strings mean "any". */
export interface QueueFilters {
  cluster: string;
  entityRef: string;
}

/**
 * Requests in the given statuses, a page at a time (the backend's cursor);
 * `loadMore` appends the next page.
 */
export function useRequestList(statuses: EgressRequestStatus[], filters: QueueFilters) {
  const egressApi = useApi(egressApiRef);
  const [items, setItems] = useState<EgressRequest[]>();
  const [nextCursor, setNextCursor] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [generation, setGeneration] = useState(0);
  const statusKey = statuses.join(',');

  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await egressApi.listRequests({
          status: statusKey.split(',') as EgressRequestStatus[],
          cluster: filters.cluster || undefined,
          entityRef: filters.entityRef.trim() || undefined,
          cursor,
        });
        setItems(prev => (cursor ? [...(prev ?? []), ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (e) {
        setError(e as Error);
      } finally {
        setLoading(false);
      }
    },
    [egressApi, statusKey, filters.cluster, filters.entityRef],
  );

  useEffect(() => {
    load();
  }, [load, generation]);

  return {
    items,
    loading,
    error,
    hasMore: Boolean(nextCursor),
    loadMore: () => load(nextCursor),
    retry: () => setGeneration(g => g + 1),
  };
}
