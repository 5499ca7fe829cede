import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  EgressRequestStatus,
  NormalizedDraft,
} from '@backstage-egress/plugin-egress-common';
import { Knex } from 'knex';
import {
  EgressStore,
  NewAuditEvent,
  OrphanRemovalRecord,
  RequestAuditEvent,
  RequestFilter,
  RequestTarget,
  StoredEgressRequest,
  TargetUpdate,
  TransitionInput,
} from './EgressStore';
import { assertTransition } from '../lifecycle';
import { claimGatewayHosts, claimNamespace } from './claims';
import { dueRequestIds } from './dueWork';
import { EventRow, RequestRow, TargetRow, decodeCursor, encodeCursor, toEvent, toOrphanRemoval, toRequest, toTarget } from './rows';

const migrationsDir = resolvePackagePath(
  '@backstage-egress/plugin-egress-backend',
  'migrations',
);

const REQUESTS = 'egress_requests';
const TARGETS = 'egress_request_targets';
const EVENTS = 'egress_audit_events';
const ORPHAN_REMOVALS = 'egress_orphan_removals';

/** The knex implementation of {@link EgressStore} (SQLite and PostgreSQL). */
export class DatabaseEgressStore implements EgressStore {
  /** Connects to the plugin's database and runs the migrations unless skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseEgressStore> {
    const client = await options.database.getClient();
    const skip =
      options.skipMigrations ?? options.database.migrations?.skip ?? false;
    if (!skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseEgressStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async createRequest(input: {
    id: string;
    draft: NormalizedDraft;
    status: EgressRequestStatus;
    requestedBy: string;
    requestedAt: string;
    events: NewAuditEvent[];
    conflicts?: (live: StoredEgressRequest[]) => string | undefined;
    gatewayConflicts?: (live: StoredEgressRequest[]) => string | undefined;
  }): Promise<StoredEgressRequest> {
    const { id, draft, requestedAt } = input;
    await this.db.transaction(async tx => {
      if (input.gatewayConflicts && draft.viaEgressGateway && draft.hosts.length > 0) {
        const conflict = input.gatewayConflicts(await claimGatewayHosts(tx, draft.clusters, draft.hosts, requestedAt));
        if (conflict) throw new ConflictError(conflict);
      }
      if (input.conflicts) {
        const conflict = input.conflicts(await claimNamespace(tx, draft.namespace, requestedAt));
        if (conflict) throw new ConflictError(conflict);
      }
      await tx(REQUESTS).insert({
        id,
        entity_ref: draft.entityRef,
        namespace: draft.namespace,
        status: input.status,
        draft: JSON.stringify(draft),
        network_policy: draft.namespaceNetworkPolicy === true,
        gateway_mode: draft.gatewayMode ?? null,
        requested_by: input.requestedBy,
        requested_at: requestedAt,
        expires_at: draft.expiresAt
          ? new Date(draft.expiresAt).toISOString()
          : null,
        updated_at: requestedAt,
        ...(input.status === 'approved'
          ? { decided_by: 'policy', decided_at: requestedAt }
          : {}),
      });
      await tx(TARGETS).insert(
        draft.clusters.map(cluster => ({
          request_id: id,
          cluster,
          status: 'pending',
          attempts: 0,
        })),
      );
      await insertEvents(tx, id, input.events, requestedAt);
    });
    return (await this.getRequest(id))!;
  }

  async getRequest(id: string): Promise<StoredEgressRequest | undefined> {
    const row = await this.db<RequestRow>(REQUESTS).where({ id }).first();
    return row ? toRequest(row) : undefined;
  }

  async listRequests(
    filter: RequestFilter,
  ): Promise<{ items: StoredEgressRequest[]; nextCursor?: string }> {
    const query = this.db<RequestRow>(REQUESTS)
      .select(`${REQUESTS}.*`)
      .orderBy('seq', 'desc')
      .limit(filter.limit + 1);
    if (filter.status?.length) query.whereIn('status', filter.status);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.namespace) query.where('namespace', filter.namespace);
    if (filter.requestedBy) query.where('requested_by', filter.requestedBy);
    if (filter.networkPolicy !== undefined) query.where('network_policy', filter.networkPolicy);
    if (filter.cluster) {
      const cluster = filter.cluster;
      query.whereExists(function targets() {
        this.select('*')
          .from(TARGETS)
          .whereRaw(`${TARGETS}.request_id = ${REQUESTS}.id`)
          .andWhere(`${TARGETS}.cluster`, cluster);
      });
    }
    if (filter.cursor) query.where('seq', '<', decodeCursor(filter.cursor));
    const rows = await query;
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map(toRequest),
      nextCursor:
        rows.length > filter.limit
          ? encodeCursor(Number(page[page.length - 1].seq))
          : undefined,
    };
  }

  async transition(
    input: TransitionInput,
  ): Promise<StoredEgressRequest | undefined> {
    assertTransition(input.from, input.to, input.id);
    const won = await this.db.transaction(async tx => {
      const count = await tx(REQUESTS)
        .where({ id: input.id, status: input.from })
        .update({
          status: input.to,
          updated_at: input.at,
          ...(input.decision
            ? {
                decided_by: input.actor,
                decided_at: input.at,
                decision_comment: input.comment ?? null,
              }
            : {}),
          ...(input.ending !== undefined ? { ending: input.ending } : {}),
        });
      if (count !== 1) return false;
      await insertEvents(
        tx,
        input.id,
        [
          {
            actor: input.actor,
            action: 'transition',
            from: input.from,
            to: input.to,
            comment: input.comment,
            details: input.details,
          },
        ],
        input.at,
      );
      return true;
    });
    return won ? this.getRequest(input.id) : undefined;
  }

  async getTargets(requestId: string): Promise<RequestTarget[]> {
    const rows = await this.db<TargetRow>(TARGETS)
      .where({ request_id: requestId })
      .orderBy('cluster');
    return rows.map(toTarget);
  }

  async getTargetsOf(requestIds: string[]): Promise<RequestTarget[]> {
    if (requestIds.length === 0) return [];
    const rows = await this.db<TargetRow>(TARGETS)
      .whereIn('request_id', requestIds)
      .orderBy(['request_id', 'cluster']);
    return rows.map(toTarget);
  }

  async claimTarget(options: {
    requestId: string;
    cluster: string;
    owner: string;
    now: string;
    leaseUntil: string;
  }): Promise<boolean> {
    const count = await this.db(TARGETS)
      .where({ request_id: options.requestId, cluster: options.cluster })
      .andWhere(q =>
        q.whereNull('lease_until').orWhere('lease_until', '<', options.now),
      )
      .update({ lease_owner: options.owner, lease_until: options.leaseUntil });
    return count === 1;
  }

  async updateTarget(options: {
    requestId: string;
    cluster: string;
    owner: string;
    update: TargetUpdate;
  }): Promise<boolean> {
    const u = options.update;
    const patch: Record<string, unknown> = {
      status: u.status,
      lease_owner: null,
      lease_until: null,
    };
    if (u.lastError !== undefined) patch.last_error = u.lastError;
    if (u.attempts !== undefined) patch.attempts = u.attempts;
    if (u.appliedHash !== undefined) patch.applied_hash = u.appliedHash;
    if (u.appliedAt !== undefined) patch.applied_at = u.appliedAt;
    if (u.nextAttemptAt !== undefined) patch.next_attempt_at = u.nextAttemptAt;
    const count = await this.db(TARGETS)
      .where({
        request_id: options.requestId,
        cluster: options.cluster,
        lease_owner: options.owner,
      })
      .update(patch);
    return count === 1;
  }

  async appendEvents(requestId: string, events: NewAuditEvent[]) {
    await insertEvents(this.db, requestId, events, new Date().toISOString());
  }

  async listEvents(requestId: string): Promise<RequestAuditEvent[]> {
    const rows = await this.db<EventRow>(EVENTS)
      .where({ request_id: requestId })
      .orderBy('seq', 'asc');
    return rows.map(toEvent);
  }

  async listIdsByStatus(
    statuses: EgressRequestStatus[],
    options: { expiringBefore?: string; limit?: number } = {},
  ): Promise<string[]> {
    const query = this.db<RequestRow>(REQUESTS)
      .select('id')
      .whereIn('status', statuses)
      .orderBy('seq', 'asc')
      .limit(options.limit ?? 500);
    if (options.expiringBefore) {
      query
        .whereNotNull('expires_at')
        .andWhere('expires_at', '<=', options.expiringBefore);
    }
    return (await query).map(r => r.id);
  }

  listDueIds(options: { now: string; limit?: number }): Promise<string[]> {
    return dueRequestIds(this.db, options.now, options.limit ?? 100);
  }

  async recordOrphanRemoval(record: OrphanRemovalRecord): Promise<void> {
    await this.db(ORPHAN_REMOVALS).insert({
      at: record.at,
      actor: record.actor,
      cluster: record.cluster,
      kind: record.kind,
      namespace: record.namespace,
      name: record.name,
      request_id: record.requestId ?? null,
      reason: record.reason,
      comment: record.comment ?? null,
    });
  }

  async listOrphanRemovals(options: { limit: number }): Promise<OrphanRemovalRecord[]> {
    const rows = await this.db(ORPHAN_REMOVALS).orderBy('seq', 'desc').limit(options.limit);
    return rows.map(toOrphanRemoval);
  }
}

async function insertEvents(
  db: Knex | Knex.Transaction,
  requestId: string,
  events: NewAuditEvent[],
  defaultAt: string,
) {
  if (events.length === 0) return;
  await db(EVENTS).insert(
    events.map(e => ({
      request_id: requestId,
      at: e.at ?? defaultAt,
      actor: e.actor,
      action: e.action,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      cluster: e.cluster ?? null,
      comment: e.comment ?? null,
      details: e.details ? JSON.stringify(e.details) : null,
    })),
  );
}
