import {
  ClusterEgressSettingsInput,
  GatewayUsage,
  SHARED_GATEWAY,
  renderManifests,
} from '@backstage-egress/plugin-egress-common';
import { EgressStore, NewAuditEvent, RequestTarget, StoredEgressRequest } from '../database/EgressStore';
import { BundleResult, ClusterWriters } from '../kubernetes/types';
import { GRANTED_STATUSES } from '../lifecycle';
import { callWriter, failure, summary } from './bundleOutcome';
import { desiredHash, renderable } from './hashing';
import { holderOf, NAMESPACE_SHARED } from './namespaceShared';
import { GatewaySharing, GatewayUsageReader } from './sharedGateway';
import { TargetLeases } from './targetLease';

/** Actor of the audit events the reconciler writes. */
export const RECONCILER_ACTOR = 'reconciler';

/** A drift repair: the hashes expected and found, for the audit event. */
export type DriftRepair = { action: 'drift'; details: Record<string, unknown> };

/**
 * Applies and removes one request on one cluster, each attempt under the
 * target's lease, recording the outcome on the target (status, attempts,
 * error, next attempt with backoff) and in the audit trail.
 */
export class TargetApplier {
  readonly sharing: GatewaySharing;

  constructor(
    private readonly options: {
      store: EgressStore;
      clusters: ClusterWriters;
      clusterSettings(name: string): ClusterEgressSettingsInput;
      leases: TargetLeases;
      now: () => Date;
      /** When the next attempt after `attempts` failed ones is due. */
      retryAt(attempts: number): string;
    },
  ) {
    this.sharing = new GatewaySharing(options.store);
  }

  /**
   * The request's resources as rendered for one cluster, with the objects it
   * shares per external host rendered for every user of the egress gateway
   * (read from the store, or from `usage` read once for a whole view).
   */
  async render(request: StoredEgressRequest, cluster: string, usage: GatewayUsageReader = this.sharing) {
    return renderManifests(renderable(request), this.options.clusterSettings(cluster), await this.othersUsing(request, cluster, usage));
  }

  /** The other granted requests' use of the egress gateway on `cluster`, as the request's rendering takes it. */
  async othersUsing(request: StoredEgressRequest, cluster: string, usage: GatewayUsageReader = this.sharing): Promise<GatewayUsage> {
    return request.viaEgressGateway ? usage.othersUsing(cluster, request.id, request.hosts ?? []) : {};
  }

  /** Applies the request on the target's cluster (a first apply, a retry, or a drift repair). */
  async apply(request: StoredEgressRequest, target: RequestTarget, drift?: DriftRepair): Promise<boolean> {
    const { store, clusters, retryAt } = this.options;
    return this.options.leases.withLease(target, async () => {
      // Re-read under the lease: another replica may have finished it already,
      // or the request may have been revoked meanwhile.
      const current = await store.getRequest(request.id);
      const fresh = (await store.getTargets(request.id)).find(t => t.cluster === target.cluster);
      if (!current || !fresh || !GRANTED_STATUSES.includes(current.status)) return undefined;
      if (!drift && fresh.status === 'applied') return undefined;
      if (drift && fresh.appliedHash !== target.appliedHash) return undefined;

      const manifests = await this.render(current, target.cluster);
      const result = await callWriter(target.cluster, () => clusters.writer(target.cluster).apply(manifests));
      const attempts = fresh.attempts + 1;
      const at = this.options.now().toISOString();
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
        update: { status: 'failed' as const, attempts, lastError: error, nextAttemptAt: retryAt(attempts) },
        events,
        error,
      };
    });
  }

  /** Removes the request's resources from the target's cluster, then the namespace's shared objects if no one needs them. */
  async remove(request: StoredEgressRequest, target: RequestTarget): Promise<boolean> {
    const { store, clusters, retryAt } = this.options;
    return this.options.leases.withLease(target, async () => {
      const fresh = (await store.getTargets(request.id)).find(t => t.cluster === target.cluster);
      if (!fresh || fresh.status === 'removed') return undefined;
      const result = await callWriter(target.cluster, () =>
        clusters.writer(target.cluster).remove({ namespace: request.namespace, requestId: request.id }),
      );
      const attempts = fresh.attempts + 1;
      const at = this.options.now().toISOString();
      if (!result.ok) {
        const error = failure(result);
        return {
          update: { status: fresh.status, attempts, lastError: error, nextAttemptAt: retryAt(attempts) },
          events: [{ actor: RECONCILER_ACTOR, action: 'remove-failed' as const, cluster: target.cluster, comment: error, details: summary(result), at }],
          error,
        };
      }
      const removed: NewAuditEvent = { actor: RECONCILER_ACTOR, action: 'removed', cluster: target.cluster, details: summary(result), at };
      const gateway = await this.releaseGateway(request, target.cluster);
      if (gateway && !gateway.result.ok) {
        // The request's own resources are gone; retry the shared gateway objects with backoff.
        const error = failure(gateway.result);
        return {
          update: { status: fresh.status, attempts, lastError: error, nextAttemptAt: retryAt(attempts) },
          events: [removed, gateway.event],
          error,
        };
      }
      const before = [removed, ...(gateway ? [gateway.event] : [])];
      const shared = await this.releaseNamespaceShared(request, target.cluster);
      // An unmanaged object of the same name is left in place for good: reported, not retried.
      const retry = shared.filter(s => !s.result.ok && s.result.outcomes[0]?.errorType !== 'ConflictError');
      if (retry.length > 0) {
        // The request's own resources are gone; retry the namespace's shared objects with backoff.
        const error = retry.map(s => failure(s.result)).join('; ');
        return {
          update: { status: fresh.status, attempts, lastError: error, nextAttemptAt: retryAt(attempts) },
          events: [...before, ...shared.map(s => s.event)],
          error,
        };
      }
      const conflicts = shared.filter(s => !s.result.ok);
      return {
        update: { status: 'removed' as const, attempts, lastError: null, nextAttemptAt: null },
        events: [...before, ...shared.map(s => s.event)],
        error: conflicts.length > 0 ? conflicts.map(s => failure(s.result)).join('; ') : undefined,
      };
    });
  }

  /**
   * After a request routed through the egress gateway left a cluster: the
   * objects it shared per external host, applied again for the remaining
   * users or deleted with the last one. Undefined when there is nothing to do.
   */
  private async releaseGateway(
    request: StoredEgressRequest,
    cluster: string,
  ): Promise<{ result: BundleResult; event: NewAuditEvent } | undefined> {
    const writer = this.options.clusters.writer(cluster);
    const result = await callWriter(cluster, async () =>
      (await this.sharing.release(request, cluster, writer, this.options.clusterSettings(cluster))) ??
      { cluster, ok: true, outcomes: [] },
    );
    if (result.ok && result.outcomes.length === 0) return undefined;
    const at = this.options.now().toISOString();
    const details = { ...summary(result), shared: SHARED_GATEWAY };
    const deleted = result.outcomes.filter(o => o.action === 'deleted').map(o => `${o.kind} ${o.namespace}/${o.name}`);
    const event: NewAuditEvent = result.ok
      ? {
          actor: RECONCILER_ACTOR,
          action: 'removed',
          cluster,
          comment:
            deleted.length > 0
              ? `shared egress gateway objects deleted with their last user: ${deleted.join(', ')}`
              : 'shared egress gateway objects kept for the other requests using the host, without this namespace',
          details,
          at,
        }
      : { actor: RECONCILER_ACTOR, action: 'remove-failed', cluster, comment: failure(result), details, at };
    return { result, event };
  }

  /**
   * After a request left a cluster: deletes the namespace's shared objects it
   * asked for (lockdown Sidecar, NetworkPolicy) there unless another approved
   * or active request of the namespace on that cluster still asks for them.
   * The client deletes one only when it carries our managed-by label.
   */
  private async releaseNamespaceShared(
    request: StoredEgressRequest,
    cluster: string,
  ): Promise<Array<{ result: BundleResult; event: NewAuditEvent }>> {
    const out: Array<{ result: BundleResult; event: NewAuditEvent }> = [];
    for (const object of NAMESPACE_SHARED.filter(o => o.asks(request))) {
      const holder = await holderOf(this.options.store, object, {
        namespace: request.namespace,
        cluster,
        statuses: GRANTED_STATUSES,
        exceptId: request.id,
      });
      if (holder) continue;
      const what = `${object.title} ${request.namespace}/${object.name}`;
      const result = await callWriter(cluster, () =>
        object.kind === 'Sidecar'
          ? this.options.clusters.writer(cluster).removeLockdown({ namespace: request.namespace })
          : this.options.clusters.writer(cluster).removeShared({ kind: object.kind, namespace: request.namespace, name: object.name }),
      );
      const at = this.options.now().toISOString();
      const details = { ...summary(result), shared: object.name };
      out.push({
        result,
        event: result.ok
          ? {
              actor: RECONCILER_ACTOR,
              action: 'removed',
              cluster,
              comment: `shared ${what} ${result.outcomes[0]?.action ?? 'deleted'}: no other approved or active request of the namespace asks for ${object.what}`,
              details,
              at,
            }
          : { actor: RECONCILER_ACTOR, action: 'remove-failed', cluster, comment: failure(result), details, at },
      });
    }
    return out;
  }
}
