import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ClusterOrphans,
  OrphanResource,
  REQUEST_ID_LABEL,
  SHARED_GATEWAY,
  SHARED_LABEL,
  egressRequestApprovePermission,
  sharedGatewayName,
} from '@backstage-egress/plugin-egress-common';
import { Request } from 'express';
import { EgressStore, StoredEgressRequest } from '../database/EgressStore';
import { ManagedObject } from '../kubernetes/managedObjects';
import { ClusterService } from '../kubernetes/types';
import { LIVE_STATUSES } from '../lifecycle';
import { EgressAuditor } from './audit';
import { failure } from './bundleOutcome';
import { holderOf, NAMESPACE_SHARED } from './namespaceShared';
import { requireBasic } from './permissionChecks';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** An orphan, or why the object is not one. */
type Verdict = { orphan: Omit<OrphanResource, 'cluster' | 'kind' | 'namespace' | 'name' | 'createdAt'> } | { keep: string };

/** How a classification reads the database: a request by id, and who routes which host through the gateway of a cluster. */
type Lookups = {
  request(id: string): Promise<StoredEgressRequest | undefined>;
  /** Shared gateway object name → a request (approved, active or revoking) using that host through the gateway. */
  gatewayUsers(cluster: string): Promise<Map<string, StoredEgressRequest>>;
};

/** Statuses whose resources are still in place (pending has none yet). */
const HOLDING_STATUSES = LIVE_STATUSES.filter(s => s !== 'pending');

/**
 * Resources carrying our managed-by label that no live request accounts for:
 * listed per cluster for the platform team, removed one at a time by a
 * platform-team member (audited). Nothing is removed automatically.
 */
export class OrphanService {
  constructor(
    private readonly options: {
      store: EgressStore;
      clusters: Pick<ClusterService, 'managedObjects' | 'removeManaged'>;
      permissions: PermissionsService;
      auditor: EgressAuditor;
      now?: () => Date;
    },
  ) {}

  async list(credentials: UserCredentials): Promise<ClusterOrphans[]> {
    await this.requirePlatform(credentials, 'list orphaned egress resources');
    const requests = new Map<string, Promise<StoredEgressRequest | undefined>>();
    const users = new Map<string, Promise<Map<string, StoredEgressRequest>>>();
    const lookup: Lookups = {
      request: id => {
        if (!requests.has(id)) requests.set(id, this.options.store.getRequest(id));
        return requests.get(id)!;
      },
      gatewayUsers: c => {
        if (!users.has(c)) users.set(c, this.gatewayUsers(c));
        return users.get(c)!;
      },
    };
    return Promise.all(
      this.options.clusters.managedObjects().map(async ({ cluster, objects, synced, lastEventAt, error }) => {
        const orphans: OrphanResource[] = [];
        for (const object of objects) {
          const verdict = await this.classify(cluster, object, lookup);
          if ('orphan' in verdict) {
            orphans.push({
              cluster,
              kind: object.kind,
              namespace: object.namespace,
              name: object.name,
              ...verdict.orphan,
              ...(object.createdAt ? { createdAt: object.createdAt } : {}),
            });
          }
        }
        return { cluster, synced, ...(lastEventAt ? { lastEventAt } : {}), ...(error ? { error } : {}), orphans };
      }),
    );
  }

  /**
   * Deletes one orphan after checking it again against the cluster (live
   * read) and the database: ConflictError when it is not an orphan (or not
   * ours), NotFoundError when it is gone. The removal is audited.
   */
  async remove(
    input: { cluster: string; kind: string; namespace: string; name: string; comment?: string },
    credentials: UserCredentials,
    httpRequest?: Request,
  ): Promise<OrphanResource> {
    await this.requirePlatform(credentials, 'remove orphaned egress resources');
    const { cluster, kind, namespace, name } = input;
    const actor = credentials.principal.userEntityRef;
    let orphan: OrphanResource | undefined;
    const result = await this.options.clusters.removeManaged(cluster, { kind, namespace, name }, async labels => {
      const verdict = await this.classify(cluster, { kind: kind as ManagedObject['kind'], namespace, name, labels }, {
        request: id => this.options.store.getRequest(id),
        gatewayUsers: c => this.gatewayUsers(c),
      });
      if ('keep' in verdict) return verdict.keep;
      orphan = { cluster, kind: kind as ManagedObject['kind'], namespace, name, ...verdict.orphan };
      return undefined;
    });
    const outcome = result.outcomes[0];
    const meta = { actor, cluster, kind, namespace, name, requestId: orphan?.requestId, reason: orphan?.reason ?? 'not-an-orphan', comment: input.comment };
    if (!result.ok) {
      const error = failure(result);
      await this.options.auditor.reportOrphanRemoval(meta, { request: httpRequest, error });
      if (outcome?.errorType === 'ConflictError') throw new ConflictError(error);
      if (outcome?.errorType === 'InputError') throw new InputError(error);
      throw new Error(error);
    }
    if (outcome?.action === 'absent' || !orphan) {
      throw new NotFoundError(`Cluster '${cluster}': ${kind} ${namespace}/${name} does not exist`);
    }
    await this.options.store.recordOrphanRemoval({ ...meta, reason: orphan.reason, at: (this.options.now?.() ?? new Date()).toISOString() });
    await this.options.auditor.reportOrphanRemoval(meta, { request: httpRequest });
    return orphan;
  }

  private async classify(
    cluster: string,
    object: Pick<ManagedObject, 'kind' | 'namespace' | 'name' | 'labels'>,
    lookup: Lookups,
  ): Promise<Verdict> {
    if (object.labels[SHARED_LABEL] === SHARED_GATEWAY) {
      // Shared per external host: in use while any request holding resources routes that host through the gateway.
      const user = (await lookup.gatewayUsers(cluster)).get(object.name);
      if (user) return { keep: `request ${user.id} (${user.status}) routes its host through the egress gateway` };
      return {
        orphan: {
          reason: 'no-gateway-user',
          message: `no approved, active or revoking request on cluster ${cluster} routes its host through the egress gateway`,
        },
      };
    }
    if (object.labels[SHARED_LABEL]) {
      // A namespace's shared object (lockdown Sidecar, NetworkPolicy) belongs to every live request of its namespace asking for it.
      const shared = NAMESPACE_SHARED.find(o => o.kind === object.kind) ?? NAMESPACE_SHARED[0];
      const holder = await holderOf(this.options.store, shared, { namespace: object.namespace, cluster, statuses: HOLDING_STATUSES });
      if (holder) return { keep: `request ${holder.id} (${holder.status}) asks for ${shared.what} of namespace ${object.namespace}` };
      return {
        orphan: {
          reason: shared.orphanReason,
          message: `no approved, active or revoking request of namespace ${object.namespace} on cluster ${cluster} asks for ${shared.what}`,
        },
      };
    }
    const requestId = object.labels[REQUEST_ID_LABEL];
    if (!requestId) {
      return { orphan: { reason: 'unknown-request', message: `it has no ${REQUEST_ID_LABEL} label` } };
    }
    const request = await lookup.request(requestId);
    if (!request) {
      return { orphan: { requestId, reason: 'unknown-request', message: `request ${requestId} is not in the database` } };
    }
    if (LIVE_STATUSES.includes(request.status)) return { keep: `request ${requestId} is ${request.status}` };
    return {
      orphan: { requestId, requestStatus: request.status, reason: 'request-ended', message: `request ${requestId} is ${request.status}` },
    };
  }

  /** Shared gateway object name → a request holding resources on `cluster` that routes that host through the gateway. */
  private async gatewayUsers(cluster: string): Promise<Map<string, StoredEgressRequest>> {
    const out = new Map<string, StoredEgressRequest>();
    let cursor: string | undefined;
    do {
      const page = await this.options.store.listRequests({ cluster, status: [...HOLDING_STATUSES], limit: 500, cursor });
      for (const r of page.items) {
        if (!r.viaEgressGateway) continue;
        for (const host of r.hosts ?? []) if (!out.has(sharedGatewayName(host))) out.set(sharedGatewayName(host), r);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  private requirePlatform(credentials: UserCredentials, what: string) {
    return requireBasic(this.options.permissions, egressRequestApprovePermission, credentials, what);
  }
}
