import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import { egressApiRef } from '../api/EgressApi';
import { PreviewResult, RequestDraftInput } from '../api/types';

/** Wait after the last keystroke before asking the backend. */
const DEBOUNCE_MS = 300;

/**
 * The backend's preview (verdict, risk flags, manifests) of a draft, asked
 * for shortly after the user stops typing and only while the draft passes the
 * browser-side validation (which is the backend's validator).
 */
export function usePreview(draft: RequestDraftInput, enabled: boolean) {
  const egressApi = useApi(egressApiRef);
  const [state, setState] = useState<{ value?: PreviewResult; loading: boolean; error?: Error }>({ loading: false });
  const key = JSON.stringify(draft);

  useEffect(() => {
    if (!enabled) {
      setState({ loading: false });
      return undefined;
    }
    let current = true;
    setState(prev => ({ ...prev, loading: true }));
    const timer = setTimeout(() => {
      egressApi
        .preview(JSON.parse(key))
        .then(value => current && setState({ value, loading: false }))
        .catch(error => current && setState({ error, loading: false }));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [egressApi, key, enabled]);

  return state;
}
