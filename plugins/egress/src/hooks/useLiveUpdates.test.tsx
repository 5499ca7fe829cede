import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { useLiveUpdates } from './useLiveUpdates';

describe('useLiveUpdates', () => {
  afterEach(() => jest.useRealTimers());

  it('refreshes on the signals that concern the view, and never polls with signals', () => {
    jest.useFakeTimers();
    const subscribers: Array<(m: any) => void> = [];
    const signals = {
      subscribe: (channel: string, fn: (m: any) => void) => {
        expect(channel).toBe('egress:requests');
        subscribers.push(fn);
        return { unsubscribe: () => {} };
      },
    };
    const refresh = jest.fn();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[signalApiRef, signals]]}>{children}</TestApiProvider>
    );
    const { result } = renderHook(
      () => useLiveUpdates(refresh, { concerns: c => c.entityRef === 'component:default/a', pollMs: 1000 }),
      { wrapper },
    );
    expect(result.current.live).toBe(true);
    act(() => subscribers.forEach(fn => fn({ requestId: '1', entityRef: 'component:default/b', status: 'active', action: 'transition' })));
    expect(refresh).not.toHaveBeenCalled();
    act(() => subscribers.forEach(fn => fn({ requestId: '2', entityRef: 'component:default/a', status: 'active', action: 'transition' })));
    expect(refresh).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(5000));
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('polls without signals', () => {
    jest.useFakeTimers();
    const refresh = jest.fn();
    const wrapper = ({ children }: { children: ReactNode }) => <TestApiProvider apis={[]}>{children}</TestApiProvider>;
    const { result, unmount } = renderHook(() => useLiveUpdates(refresh, { pollMs: 1000 }), { wrapper });
    expect(result.current.live).toBe(false);
    act(() => jest.advanceTimersByTime(3500));
    expect(refresh).toHaveBeenCalledTimes(3);
    unmount();
    act(() => jest.advanceTimersByTime(3000));
    expect(refresh).toHaveBeenCalledTimes(3);
  });
});
