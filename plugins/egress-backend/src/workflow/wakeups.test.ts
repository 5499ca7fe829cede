import { mockServices } from '@backstage/backend-test-utils';
import { Wakeups } from './wakeups';

describe('Wakeups', () => {
  const logger = mockServices.logger.mock();

  /** A run per request that waits until released, recording each start. */
  function gatedRuns() {
    const started: string[] = [];
    const releases: Array<() => void> = [];
    const run = async (id: string) => {
      started.push(id);
      await new Promise<void>(r => releases.push(r));
    };
    const releaseAll = () => releases.splice(0).forEach(r => r());
    return { started, run, releaseAll };
  }

  it('runs a woken request at once, and a wake-up during its run once more afterwards', async () => {
    const { started, run, releaseAll } = gatedRuns();
    const wakeups = new Wakeups(run, logger);
    wakeups.wake('a');
    wakeups.wake('b');
    expect(started).toEqual(['a', 'b']);
    expect(wakeups.busy('a')).toBe(true);
    // Three wake-ups while a runs: one more run, not three, and never two at once.
    wakeups.wake('a');
    wakeups.wake('a');
    wakeups.wake('a');
    expect(started).toEqual(['a', 'b']);
    releaseAll();
    await new Promise(r => setImmediate(r));
    expect(started).toEqual(['a', 'b', 'a']);
    releaseAll();
    await wakeups.idle();
    expect(started).toEqual(['a', 'b', 'a']);
    expect(wakeups.busy('a')).toBe(false);
  });

  it('logs a failed run and keeps going', async () => {
    const ran: string[] = [];
    const wakeups = new Wakeups(async id => {
      ran.push(id);
      if (id === 'bad') throw new Error('boom');
    }, logger);
    wakeups.wake('bad');
    await wakeups.idle();
    expect(logger.warn).toHaveBeenCalledWith('Egress reconciler failed on request bad: Error: boom');
    expect(wakeups.busy('bad')).toBe(false);
    wakeups.wake('good');
    wakeups.wake('bad');
    await wakeups.idle();
    expect(ran).toEqual(['bad', 'good', 'bad']);
  });

  it('takes no wake-ups once stopped, after the runs in progress end', async () => {
    const { started, run, releaseAll } = gatedRuns();
    const wakeups = new Wakeups(run, logger);
    wakeups.wake('a');
    wakeups.wake('a');
    const stopped = wakeups.stop();
    releaseAll();
    await stopped;
    wakeups.wake('b');
    expect(started).toEqual(['a']);
    expect(wakeups.busy('b')).toBe(false);
  });
});
