import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EgressStore, NewAuditEvent, RequestTarget } from '../database/EgressStore';
import { EgressAuditor } from './audit';

/** What one piece of work on a target did: the target's new state, its audit events and error. */
export type TargetOutcome = {
  update: Parameters<EgressStore['updateTarget']>[0]['update'];
  events: NewAuditEvent[];
  error?: string;
};

/**
 * Work on one (request, cluster) target under a lease in the database, so
 * several backend replicas never apply or remove the same target at once.
 */
export class TargetLeases {
  /**
   * This process's lease owner id: process id and host (which replica holds a target, for
   * operators), then a random part; at most 64 characters (the column's width).
   */
  private readonly owner = `${process.pid}@${hostname().slice(0, 16)}/${randomUUID()}`;

  constructor(
    private readonly options: {
      store: EgressStore;
      auditor: EgressAuditor;
      now: () => Date;
      /** How long a worker may hold a target before another may take it over. */
      leaseMs: number;
    },
  ) {}

  /**
   * Runs `work` holding the target's lease and records its outcome and events.
   * False when another worker holds the lease. When the lease expired during
   * `work` and another worker took the target over, the late outcome and its
   * events are dropped: the other worker's stand.
   */
  async withLease(target: RequestTarget, work: () => Promise<TargetOutcome | undefined>): Promise<boolean> {
    const { store, auditor } = this.options;
    const now = this.options.now();
    const key = { requestId: target.requestId, cluster: target.cluster, owner: this.owner };
    const won = await store.claimTarget({
      ...key,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + this.options.leaseMs).toISOString(),
    });
    if (!won) return false;
    let outcome;
    let recorded = false;
    try {
      outcome = await work();
    } finally {
      // Without an outcome (nothing to do, or `work` threw) only the lease is
      // released, keeping the status as stored now.
      const update =
        outcome?.update ??
        { status: (await store.getTargets(target.requestId)).find(t => t.cluster === target.cluster)!.status };
      recorded = await store.updateTarget({ ...key, update });
    }
    if (outcome && recorded) {
      await store.appendEvents(target.requestId, outcome.events);
      for (const event of outcome.events) {
        await auditor.report(target.requestId, event, {
          error: event.action.endsWith('failed') ? outcome.error : undefined,
        });
      }
    }
    return true;
  }
}
