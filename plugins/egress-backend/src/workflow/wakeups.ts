import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Runs the reconciliation of one request in the background, at once, when
 * something wakes it (a decision in this process, or due work found in the
 * database). One run per request at a time: a wake-up during a run runs it
 * once more afterwards, so no decision is missed and none is applied twice
 * here (across replicas, target leases do that).
 */
export class Wakeups {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly run: (id: string) => Promise<void>,
    private readonly logger: LoggerService,
  ) {}

  /** Starts reconciling the request now, or once more after the run in progress. */
  wake(id: string): void {
    if (this.stopped) return;
    if (this.running.has(id)) {
      this.again.add(id);
      return;
    }
    const run = this.runOnce(id);
    this.running.set(id, run);
  }

  /** Whether the request's reconciliation is in progress here. */
  busy(id: string): boolean {
    return this.running.has(id);
  }

  private async runOnce(id: string): Promise<void> {
    try {
      await this.run(id);
    } catch (error) {
      this.logger.warn(`Egress reconciler failed on request ${id}: ${error}`);
    } finally {
      this.running.delete(id);
      if (this.again.delete(id)) this.wake(id);
    }
  }

  /** Resolves once no run is in progress (runs woken meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all(this.running.values());
    }
  }

  /** Takes no more wake-ups and waits for the runs in progress (at shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again.clear();
    await this.idle();
  }
}
