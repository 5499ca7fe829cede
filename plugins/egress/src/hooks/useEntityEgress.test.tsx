import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { egressApiRef } from '../api/EgressApi';
import { useEntityEgress } from './useEntityEgress';

describe('useEntityEgress', () => {
  it('loads again when refreshed during a load, and shows the newer answer', async () => {
    // Each getEntity waits until the test answers it.
    const answers: Array<(status: string) => void> = [];
    const getEntity = jest.fn(
      () =>
        new Promise(resolve => {
          answers.push(status =>
            resolve({
              entityRef: 'component:default/a', namespace: 'a', clusters: [], inventory: [],
              requests: [{ id: 'r1', status, entityRef: 'component:default/a', hosts: ['x.example.com'] }], targets: [],
            }),
          );
        }),
    );
    const api = { getEntity, listClusters: async () => [] };
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[egressApiRef, api as any]]}>{children}</TestApiProvider>
    );
    const { result } = renderHook(() => useEntityEgress('component:default/a'), { wrapper });
    await waitFor(() => expect(getEntity).toHaveBeenCalledTimes(1));
    answers[0]('pending');
    await waitFor(() => expect(result.current.value?.requests[0].status).toBe('pending'));

    // A change is announced: the view loads; another change is announced while it loads.
    act(() => result.current.retry());
    await waitFor(() => expect(getEntity).toHaveBeenCalledTimes(2));
    act(() => result.current.retry());
    await waitFor(() => expect(getEntity).toHaveBeenCalledTimes(3));
    // The later load answers first, the earlier one last: the later answer stays.
    answers[2]('active');
    await waitFor(() => expect(result.current.value?.requests[0].status).toBe('active'));
    answers[1]('approved');
    await act(async () => {
      await new Promise(r => setTimeout(r, 50));
    });
    expect(result.current.value?.requests[0].status).toBe('active');
    expect(result.current.loading).toBe(false);
  });
});
