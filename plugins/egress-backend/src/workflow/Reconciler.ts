import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterEgressSettingsInput, KubernetesManifest, SHARED_GATEWAY, SHARED_LABEL, TargetSync } from '@backstage-egress/plugin-egress-common';
import { EgressStore, RequestTarget, StoredEgressRequest } from '../database/EgressStore';
import { EgressAuditor } from './audit';
import { ClusterWriters } from '../kubernetes/types';
import { desiredHash } from './hashing';
import { EgressNotifier } from './notifier';
import { RenderedManifests } from './renderedManifests';
import { GRANTED_STATUSES } from '../lifecycle';
import { GatewayUsageReader } from './sharedGateway';
import { RECONCILER_ACTOR, TargetApplier } from './TargetApplier';
import { TargetLeases } from './targetLease';
import { Wakeups } from './wakeups';

/** Options of {@link Reconciler}. */
export interface ReconcilerOptions {
  store: EgressStore;
  clusters: ClusterWriters;
  /** Istio settings of a configured cluster, for rendering. */
  clusterSettings(name: string): ClusterEgressSettingsInput;
  /** Rendered requests remembered, shared with the read side (one made here by default). */
  rendered?: RenderedManifests;
  logger: LoggerService;
  auditor: EgressAuditor;
  notifier: EgressNotifier;
  now?: () => Date;
  /** First retry delay; doubles per failed attempt up to `maxBackoffMs` (default 5 minutes). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a worker may hold a target before another may take it over. */
  leaseMs?: number;
  /**
   * False on a replica that serves the API only: wake-ups are ignored here,
   * and the replicas that reconcile pick the decisions up from the database.
   */
  enabled?: boolean;
}

/**
 * Makes the clusters match the requests: applies approved requests to every
 * target cluster (woken right after approval, and retried with backoff), re-applies
 * drifted resources, removes revoked and expired ones. Every attempt claims
 * its target with a lease in the database, so several backend replicas never
 * apply the same target at once.
 */
export class Reconciler {
  private readonly now: () => Date;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly targets: TargetApplier;
  private readonly rendered: RenderedManifests;
  private readonly wakeups: Wakeups;

  constructor(private readonly options: ReconcilerOptions) {
    this.rendered = options.rendered ?? new RenderedManifests(options.clusterSettings);
    this.now = options.now ?? (() => new Date());
    this.baseBackoffMs = options.baseBackoffMs ?? 15_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    const leases = new TargetLeases({
      store: options.store,
      auditor: options.auditor,
      now: this.now,
      leaseMs: options.leaseMs ?? 120_000,
    });
    this.targets = new TargetApplier({
      store: options.store,
      clusters: options.clusters,
      clusterSettings: options.clusterSettings,
      leases,
      now: this.now,
      retryAt: attempts => this.retryAt(attempts),
    });
    this.wakeups = new Wakeups(id => this.reconcile(id), options.logger);
    if (options.enabled === false) void this.wakeups.stop();
  }

  /**
   * Reconciles the request in the background, starting now: what a decision
   * does instead of calling the clusters inside the HTTP request.
   */
  wake(id: string): void {
    this.wakeups.wake(id);
  }

  /**
   * Wakes every request with target work due now and unleased, as the
   * database says: how a decision made on another replica (or a retry whose
   * time has come) is picked up without waiting for the next pass.
   */
  async wakeDue(): Promise<void> {
    for (const id of await this.options.store.listDueIds({ now: this.now().toISOString() })) {
      if (!this.wakeups.busy(id)) this.wakeups.wake(id);
    }
  }

  /** Resolves once no woken reconciliation is in progress. */
  idle(): Promise<void> {
    return this.wakeups.idle();
  }

  /** Takes no more wake-ups and waits for those in progress (at shutdown). */
  stop(): Promise<void> {
    return this.wakeups.stop();
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
      // Clusters are independent (each target has its own lease): all at once.
      const granted = request;
      await Promise.all((await store.getTargets(id)).map(target => this.reconcileGranted(granted, target, force)));
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
  async observe(
    request: StoredEgressRequest,
    cluster: string,
    usage?: GatewayUsageReader,
  ): Promise<{ sync: TargetSync; desired: string; found?: string }> {
    // Through the egress gateway the request shares objects whose content depends on the other
    // requests using the host: remembered per request content and the others' use of its hosts.
    const gateway = request.viaEgressGateway
      ? this.rendered.of(request, cluster, await this.targets.othersUsing(request, cluster, usage))
      : undefined;
    const desired = (gateway ?? this.rendered.of(request, cluster)).hash;
    const shared = (gateway?.manifests ?? [])
      .filter(m => m.metadata.labels[SHARED_LABEL] === SHARED_GATEWAY)
      .map(m => ({ kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name }));
    try {
      const observed = await this.options.clusters
        .writer(cluster)
        .observe({ namespace: request.namespace, requestId: request.id, shared });
      if (!observed.synced) return { sync: 'unknown', desired };
      const found = observedHash(observed.manifests);
      return { sync: found === desired ? 'in-sync' : 'drifted', desired, found };
    } catch {
      return { sync: 'unknown', desired };
    }
  }

  /**
   * {@link observe} for the targets of one view (a page of requests): the
   * egress gateway's use is read once per cluster for all of them.
   */
  observerForOneView(): (request: StoredEgressRequest, cluster: string) => ReturnType<Reconciler['observe']> {
    const usage = this.targets.sharing.forOneView();
    return (request, cluster) => this.observe(request, cluster, usage);
  }

  private async reconcileGranted(request: StoredEgressRequest, target: RequestTarget, force: boolean) {
    if (target.status !== 'applied') {
      // Never applied, or the last apply or repair failed: retried with backoff.
      if (!force && target.nextAttemptAt && target.nextAttemptAt > this.now().toISOString()) return;
      await this.targets.apply(request, target);
      return;
    }
    const { sync, desired, found } = await this.observe(request, target.cluster);
    if (sync !== 'drifted') return;
    await this.targets.apply(request, target, {
      action: 'drift',
      details: { expectedHash: desired, foundHash: found },
    });
  }

  private async removeTargets(request: StoredEgressRequest, force: boolean) {
    const now = this.now().toISOString();
    for (const target of await this.options.store.getTargets(request.id)) {
      if (target.status === 'removed') continue;
      if (!force && target.lastError && target.nextAttemptAt && target.nextAttemptAt > now) continue;
      await this.targets.remove(request, target);
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

/**
 * Hashes of observed bundles, by bundle: a writer answers the same array while the cluster's
 * objects are unchanged, so views hash each observation once.
 */
const observedHashes = new WeakMap<KubernetesManifest[], string>();

function observedHash(manifests: KubernetesManifest[]): string {
  let hash = observedHashes.get(manifests);
  if (hash === undefined) {
    hash = desiredHash(manifests);
    observedHashes.set(manifests, hash);
  }
  return hash;
}
