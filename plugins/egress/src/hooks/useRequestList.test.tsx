import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { egressApiRef } from '../api/EgressApi';
import { useRequestList } from './useRequestList';

describe('useRequestList', () => {
  it('shows the newest refresh when an older one answers last', async () => {
    const answers: Array<(status: string) => void> = [];
    const listRequests = jest.fn(
      () => new Promise(resolve => answers.push(status => resolve({ items: [{ id: 'r1', status }] }))),
    );
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[egressApiRef, { listRequests } as any]]}>{children}</TestApiProvider>
    );
    const { result } = renderHook(() => useRequestList(['pending'], { cluster: '', entityRef: '' }), { wrapper });
    await waitFor(() => expect(listRequests).toHaveBeenCalledTimes(1));
    answers[0]('pending');
    await waitFor(() => expect(result.current.items?.[0].status).toBe('pending'));

    act(() => result.current.retry());
    await waitFor(() => expect(listRequests).toHaveBeenCalledTimes(2));
    act(() => result.current.retry());
    await waitFor(() => expect(listRequests).toHaveBeenCalledTimes(3));
    answers[2]('active');
    await waitFor(() => expect(result.current.items?.[0].status).toBe('active'));
    answers[1]('approved');
    await act(async () => {
      await new Promise(r => setTimeout(r, 50));
    });
    expect(result.current.items?.[0].status).toBe('active');
    expect(result.current.loading).toBe(false);
  });
});
