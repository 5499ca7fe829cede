import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { egressApiRef } from '../api/EgressApi';
import { PolicySummary } from '../api/types';

/**
 * The platform's policy summary from the backend (`GET /policy`), for the
 * form's choices and hints. Undefined while loading or when the backend does
 * not serve it; the preview's verdict still comes from the backend.
 */
export function usePolicySummary(): PolicySummary | undefined {
  const egressApi = useApi(egressApiRef);
  return useAsync(() => egressApi.getPolicy(), [egressApi]).value;
}
