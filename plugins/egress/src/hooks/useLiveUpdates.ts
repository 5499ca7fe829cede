import {
  EGRESS_SIGNAL_CHANNEL,
  RequestChangedSignal,
} from '@backstage-egress/plugin-egress-common';
import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useRef, useState } from 'react';

/** How often views poll when the app has no signals API. */
export const POLL_INTERVAL_MS = 10_000;

/**
 * Keeps a view current: calls `refresh` when the backend announces a change
 * of a request the view shows (Backstage signals), or every
 * {@link POLL_INTERVAL_MS} when the app has no signals. `concerns` decides
 * which announced changes matter to the view (all when absent).
 */
export function useLiveUpdates(
  refresh: () => void,
  options: { concerns?: (change: RequestChangedSignal) => boolean; pollMs?: number } = {},
) {
  const { lastSignal, isSignalsAvailable } = useSignal<RequestChangedSignal>(EGRESS_SIGNAL_CHANNEL);
  // The latest callbacks, without re-subscribing when they change identity.
  const latest = useRef({ refresh, concerns: options.concerns });
  latest.current = { refresh, concerns: options.concerns };

  useEffect(() => {
    if (!lastSignal) return;
    const { concerns } = latest.current;
    if (!concerns || concerns(lastSignal)) latest.current.refresh();
  }, [lastSignal]);

  const pollMs = options.pollMs ?? POLL_INTERVAL_MS;
  useEffect(() => {
    if (isSignalsAvailable) return undefined;
    const timer = setInterval(() => latest.current.refresh(), pollMs);
    return () => clearInterval(timer);
  }, [isSignalsAvailable, pollMs]);

  return { live: isSignalsAvailable };
}

/** When `value` last changed identity (a load finished), for "Updated <time>". */
export function useUpdatedAt(value: unknown): Date | undefined {
  const [at, setAt] = useState<Date>();
  useEffect(() => {
    if (value !== undefined) setAt(new Date());
  }, [value]);
  return at;
}
