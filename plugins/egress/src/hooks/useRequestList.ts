import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EgressRequestStatus } from '@backstage-egress/plugin-egress-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useUpdatedAt } from './useLiveUpdates';
import { egressApiRef } from '../api/EgressApi';
import { EgressRequest } from '../api/types';

/**
 * The full ref of what an approver typed: `payments-api` and
 * `default/payments-api` mean the component `component:default/payments-api`.
 */
export function fullEntityRef(typed: string): string | undefined {
  const text = typed.trim();
  if (!text) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(text, { defaultKind: 'component', defaultNamespace: 'default' }));
  } catch {
    return text;
  }
}

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

  // Counts refreshes: an answer is shown only if no refresh started after its load did, so a
  // slow older answer never replaces a newer one.
  const refreshes = useRef(0);
  const load = useCallback(
    async (cursor?: string) => {
      const started = cursor ? refreshes.current : ++refreshes.current;
      const current = () => started === refreshes.current;
      setLoading(true);
      // A refresh (no cursor) keeps the rows shown until the new ones arrive.
      setError(undefined);
      try {
        const page = await egressApi.listRequests({
          status: statusKey.split(',') as EgressRequestStatus[],
          cluster: filters.cluster || undefined,
          entityRef: fullEntityRef(filters.entityRef),
          cursor,
          limit: 200,
        });
        if (!current()) return;
        setItems(prev => (cursor ? [...(prev ?? []), ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (e) {
        if (current()) setError(e as Error);
      } finally {
        if (current()) setLoading(false);
      }
    },
    [egressApi, statusKey, filters.cluster, filters.entityRef],
  );

  useEffect(() => {
    load();
  }, [load, generation]);

  const updatedAt = useUpdatedAt(items);
  return {
    items,
    updatedAt,
    loading,
    error,
    hasMore: Boolean(nextCursor),
    loadMore: () => load(nextCursor),
    retry: () => setGeneration(g => g + 1),
  };
}
