import { DependencyList, useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * Like react-use's useAsyncRetry, except that `retry` while a load is in flight starts another
 * load, whose answer wins (an older answer arriving later is dropped), instead of doing nothing:
 * a change announced while a view loads is never lost. The value shown stays until the new one
 * arrives.
 */
export function useReloadable<T>(fn: () => Promise<T>, deps: DependencyList) {
  const [attempt, setAttempt] = useState(0);
  // The caller's deps, and each retry.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(fn, [...deps, attempt]);
  const retry = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, retry };
}
