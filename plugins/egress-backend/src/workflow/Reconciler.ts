import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterEgressSettingsInput,
  TargetSync,
  LOCKDOWN_SIDECAR_NAME,
  renderManifests,
} from '@backstage-egress/plugin-egress-common';
import { randomUUID } from 'node:crypto';
import {
  EgressStore,
  NewAuditEvent,
  RequestTarget,
  StoredEgressRequest,
} from '../database/EgressStore';
import { EgressAuditor } from './audit';
import { BundleResult, ClusterWriters } from '../kubernetes/types';
import { desiredHash, renderable } from './hashing';
import { EgressNotifier } from './notifier';
import { RenderedManifests } from './renderedManifests';
import { GRANTED_STATUSES } from '../lifecycle';

/** Actor of the audit events the reconciler writes. */
export const RECONCILER_ACTOR = 'reconciler';

/** Options of {@link Reconciler}. */
export interface ReconcilerOptions {
  store: EgressStore;
  clusters: ClusterWriters;
  /** Istio settings of a configured cluster, for rendering. */
  clusterSettings(name: string): ClusterEgressSettingsInput;
  logger: LoggerService;
  auditor: EgressAuditor;
  notifier: EgressNotifier;
  now?: () => Date;
  /** First retry delay; doubles per failed attempt up to `maxBackoffMs` (default 5 minutes). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a worker may hold a target before another may take it over. */
  leaseMs?: number;
}

/**
 * Makes the clusters match the requests: applies approved requests to every
 * target cluster (right after approval, and retried with backoff), re-applies
 * drifted resources, removes revoked and expired ones. Every attempt claims
 * its target with a lease in the database, so several backend replicas never
 * apply the same target at once.
 */
export class Reconciler {
  private readonly owner = randomUUID();
  private readonly now: () => Date;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly leaseMs: number;
  private readonly rendered: RenderedManifests;

  constructor(private readonly options: ReconcilerOptions) {
    this.rendered = new RenderedManifests(options.clusterSettings);
    this.now = options.now ?? (() => new Date());
    this.baseBackoffMs = options.baseBackoffMs ?? 15_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.leaseMs = options.leaseMs ?? 120_000;
  }

  /**
   * Brings one request's clusters in line with it, target by target: for a
   * granted request every target not applied is applied (when its backoff
   * has passed, or at once with `force`), and every applied target is
   * compared with what its cluster holds (from a synced cache only: an
   * unsynced cache is unknown, never drift) and re-applied on a difference.
   * A revoking request's targets are removed.
   */
  async reconcile(id: string, options: { force?: boolean } = {}): Promise<void> {
    const { store } = this.options;
    let request = await store.getRequest(id);
    if (!request) return;
    const force = options.force ?? false;
    if (GRANTED_STATUSES.includes(request.status)) {
      for (const target of await store.getTargets(id)) {
        await this.reconcileGranted(request, target, force);
      }
      request = (await store.getRequest(id))!;
      if (request.status === 'approved') {
        const targets = await store.getTargets(id);
        if (targets.every(t => t.status === 'applied')) {
          const active = await this.transition(request, 'active', {
            details: { clusters: targets.map(t => t.cluster) },
          });
          if (active) this.options.notifier.toRequester(active, 'is active');
        }
      }
    } else if (request.status === 'revoking') {
      await this.removeTargets(request, force);
      const targets = await store.getTargets(id);
      if (targets.every(t => t.status === 'removed')) {
        const ending = request.ending ?? 'revoked';
        const done = await this.transition(request, ending);
        if (done) this.options.notifier.toRequester(done, `was ${ending}`);
      }
    }
  }

  /**
   * One pass of the scheduled task: expiry, then every approved, active and
   * revoking request reconciled target by target. Safe to run on every
   * replica at once.
   */
  async tick(): Promise<void> {
    const { store, logger } = this.options;
    const now = this.now().toISOString();

    for (const id of await store.listIdsByStatus(['pending'], { expiringBefore: now })) {
      const request = await store.getRequest(id);
      const expired = request && (await this.transition(request, 'expired', { comment: 'expired before a decision' }));
      if (expired) this.options.notifier.toRequester(expired, 'expired');
    }
    for (const id of await store.listIdsByStatus([...GRANTED_STATUSES], { expiringBefore: now })) {
      const request = await store.getRequest(id);
      if (request) {
        await this.transition(request, 'revoking', { ending: 'expired', comment: 'access expired' });
      }
    }
    for (const id of await store.listIdsByStatus([...GRANTED_STATUSES, 'revoking'])) {
      await this.safely(id, () => this.reconcile(id));
    }
    logger.debug('Egress reconciler pass done');
  }

  /**
   * Whether a target's cluster holds what the stored request renders:
   * `unknown` when the cluster's cache has not synced (or cannot be read).
   */
  async observe(request: StoredEgressRequest, cluster: string): Promise<{ sync: TargetSync; desired: string; found?: string }> {
    const desired = this.rendered.of(request, cluster).hash;
    try {
      const observed = await this.options.clusters
        .writer(cluster)
        .observe({ namespace: request.namespace, requestId: request.id });
      if (!observed.synced) return { sync: 'unknown', desired };
      const found = desiredHash(observed.manifests);
      return { sync: found === desired ? 'in-sync' : 'drifted', desired, found };
    } catch {
      return { sync: 'unknown', desired };
    }
  }

  private async reconcileGranted(request: StoredEgressRequest, target: RequestTarget, force: boolean) {
    if (target.status !== 'applied') {
      // Never applied, or the last apply or repair failed: retried with backoff.
      if (!force && target.nextAttemptAt && target.nextAttemptAt > this.now().toISOString()) return;
      await this.applyTarget(request, target);
      return;
    }
    const { sync, desired, found } = await this.observe(request, target.cluster);
    if (sync !== 'drifted') return;
    await this.applyTarget(request, target, {
      action: 'drift',
      details: { expectedHash: desired, foundHash: found },
    });
  }

  private render(request: StoredEgressRequest, cluster: string) {
    return renderManifests(renderable(request), this.options.clusterSettings(cluster));
  }

  private async applyTarget(
    request: StoredEgressRequest,
    target: RequestTarget,
    drift?: { action: 'drift'; details: Record<string, unknown> },
  ) {
    const { store, clusters } = this.options;
    const claimed = await this.claim(target, async () => {
      // Re-read under the lease: another replica may have finished it already,
      // or the request may have been revoked meanwhile.
      const current = await store.getRequest(request.id);
      const fresh = (await store.getTargets(request.id)).find(t => t.cluster === target.cluster);
      if (!current || !fresh || !GRANTED_STATUSES.includes(current.status)) return undefined;
      if (!drift && fresh.status === 'applied') return undefined;
      if (drift && fresh.appliedHash !== target.appliedHash) return undefined;

      const manifests = this.render(current, target.cluster);
      const result = await this.call(target.cluster, () =>
        clusters.writer(target.cluster).apply(manifests),
      );
      const attempts = fresh.attempts + 1;
      const at = this.now().toISOString();
      const events: NewAuditEvent[] = [];
      if (drift) {
        events.push({ actor: RECONCILER_ACTOR, action: 'drift', cluster: target.cluster, details: drift.details, at });
      }
      if (result.ok) {
        events.push({ actor: RECONCILER_ACTOR, action: 'applied', cluster: target.cluster, details: summary(result), at });
        return {
          update: {
            status: 'applied' as const,
            attempts,
            lastError: null,
            appliedHash: desiredHash(manifests),
            appliedAt: at,
            nextAttemptAt: null,
          },
          events,
        };
      }
      const error = failure(result);
      events.push({ actor: RECONCILER_ACTOR, action: 'apply-failed', cluster: target.cluster, comment: error, details: summary(result), at });
      return {
        update: {
          status: 'failed' as const,
          attempts,
          lastError: error,
          nextAttemptAt: this.retryAt(attempts),
        },
        events,
        error,
      };
    });
    return claimed;
  }

  private async removeTargets(request: StoredEgressRequest, force: boolean) {
    const { store, clusters } = this.options;
    const now = this.now().toISOString();
    for (const target of await store.getTargets(request.id)) {
      if (target.status === 'removed') continue;
      if (!force && target.lastError && target.nextAttemptAt && target.nextAttemptAt > now) continue;
      await this.claim(target, async () => {
        const fresh = (await store.getTargets(request.id)).find(t => t.cluster === target.cluster);
        if (!fresh || fresh.status === 'removed') return undefined;
        const result = await this.call(target.cluster, () =>
          clusters.writer(target.cluster).remove({ namespace: request.namespace, requestId: request.id }),
        );
        const attempts = fresh.attempts + 1;
        const at = this.now().toISOString();
        if (result.ok) {
          const removed: NewAuditEvent = { actor: RECONCILER_ACTOR, action: 'removed', cluster: target.cluster, details: summary(result), at };
          const lockdown = await this.releaseLockdown(request, target.cluster);
          if (lockdown && !lockdown.result.ok && lockdown.result.outcomes[0]?.errorType !== 'ConflictError') {
            // The request's own resources are gone; retry the shared Sidecar with backoff.
            const error = failure(lockdown.result);
            return {
              update: { status: fresh.status, attempts, lastError: error, nextAttemptAt: this.retryAt(attempts) },
              events: [removed, lockdown.event],
              error,
            };
          }
          return {
            update: { status: 'removed' as const, attempts, lastError: null, nextAttemptAt: null },
            events: lockdown ? [removed, lockdown.event] : [removed],
            // An unmanaged Sidecar is left in place for good: reported, not retried.
            error: lockdown && !lockdown.result.ok ? failure(lockdown.result) : undefined,
          };
        }
        const error = failure(result);
        return {
          update: { status: fresh.status, attempts, lastError: error, nextAttemptAt: this.retryAt(attempts) },
          events: [{ actor: RECONCILER_ACTOR, action: 'remove-failed' as const, cluster: target.cluster, comment: error, details: summary(result), at }],
          error,
        };
      });
    }
  }

  /**
   * After a request asking for namespace lockdown left a cluster: deletes the
   * namespace's shared lockdown Sidecar there unless another approved or
   * active request of the namespace on that cluster still asks for lockdown.
   * The client deletes it only when it carries our managed-by label.
   * Undefined when there is nothing to do.
   */
  private async releaseLockdown(
    request: StoredEgressRequest,
    cluster: string,
  ): Promise<{ result: BundleResult; event: NewAuditEvent } | undefined> {
    if (!request.lockdownNamespace) return undefined;
    const { items } = await this.options.store.listRequests({
      namespace: request.namespace,
      cluster,
      status: [...GRANTED_STATUSES],
      limit: 1000,
    });
    const holder = items.find(r => r.id !== request.id && r.lockdownNamespace);
    if (holder) return undefined;
    const sidecar = `Sidecar ${request.namespace}/${LOCKDOWN_SIDECAR_NAME}`;
    const result = await this.call(cluster, () =>
      this.options.clusters.writer(cluster).removeLockdown({ namespace: request.namespace }),
    );
    const at = this.now().toISOString();
    const details = { ...summary(result), shared: LOCKDOWN_SIDECAR_NAME };
    const event: NewAuditEvent = result.ok
      ? {
          actor: RECONCILER_ACTOR,
          action: 'removed',
          cluster,
          comment: `shared lockdown ${sidecar} ${result.outcomes[0]?.action ?? 'deleted'}: no other approved or active request of the namespace asks for lockdown`,
          details,
          at,
        }
      : { actor: RECONCILER_ACTOR, action: 'remove-failed', cluster, comment: failure(result), details, at };
    return { result, event };
  }

  /** Runs `work` holding the target's lease; records its outcome and events. */
  private async claim(
    target: RequestTarget,
    work: () => Promise<
      | { update: Parameters<EgressStore['updateTarget']>[0]['update']; events: NewAuditEvent[]; error?: string }
      | undefined
    >,
  ): Promise<boolean> {
    const { store } = this.options;
    const now = this.now();
    const key = { requestId: target.requestId, cluster: target.cluster, owner: this.owner };
    const won = await store.claimTarget({
      ...key,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(),
    });
    if (!won) return false;
    let outcome;
    try {
      outcome = await work();
    } finally {
      // Without an outcome (nothing to do, or `work` threw) only the lease is
      // released, keeping the status as stored now.
      const update =
        outcome?.update ??
        { status: (await store.getTargets(target.requestId)).find(t => t.cluster === target.cluster)!.status };
      await store.updateTarget({ ...key, update });
    }
    if (outcome) {
      await store.appendEvents(target.requestId, outcome.events);
      for (const event of outcome.events) {
        await this.options.auditor.report(target.requestId, event, {
          error: event.action.endsWith('failed') ? outcome.error : undefined,
        });
      }
    }
    return true;
  }

  private async call(cluster: string, fn: () => Promise<BundleResult>): Promise<BundleResult> {
    try {
      return await fn();
    } catch (error) {
      return { cluster, ok: false, outcomes: [], error: `${cluster}: ${(error as Error)?.message ?? error}` };
    }
  }

  private async transition(
    request: StoredEgressRequest,
    to: StoredEgressRequest['status'],
    extra: { comment?: string; ending?: 'revoked' | 'expired'; details?: Record<string, unknown> } = {},
  ) {
    const done = await this.options.store.transition({
      id: request.id,
      from: request.status,
      to,
      actor: RECONCILER_ACTOR,
      at: this.now().toISOString(),
      ...extra,
    });
    if (done) {
      await this.options.auditor.report(request.id, {
        actor: RECONCILER_ACTOR,
        action: 'transition',
        from: request.status,
        to,
        comment: extra.comment,
      });
    }
    return done;
  }

  private retryAt(attempts: number): string {
    const delay = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
    return new Date(this.now().getTime() + delay).toISOString();
  }

  private async safely(id: string, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (error) {
      this.options.logger.warn(`Egress reconciler failed on request ${id}: ${error}`);
    }
  }
}

function failure(result: BundleResult): string {
  if (result.error) return result.error;
  const failed = result.outcomes.filter(o => o.action === 'failed');
  return failed.length > 0
    ? failed.map(o => `${o.kind} ${o.namespace}/${o.name}: ${o.error ?? 'failed'}`).join('; ')
    : `${result.cluster}: apply failed`;
}

function summary(result: BundleResult): Record<string, unknown> {
  return {
    outcomes: result.outcomes.map(o => ({
      kind: o.kind,
      name: o.name,
      action: o.action,
      ...(o.error ? { error: o.error } : {}),
    })),
  };
}
