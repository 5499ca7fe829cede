import { catalogConditions, createCatalogConditionalDecision } from '@backstage/plugin-catalog-backend/alpha';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  KubernetesManifest,
  LOCKDOWN_SIDECAR_NAME,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
  egressRequestApprovePermission,
  egressRequestCreatePermission,
  egressRequestReadPermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';
import { BundleResult, ClusterWriters, EgressWriter } from '../kubernetes/types';

/** An in-memory cluster: what was applied, how often, and whether it is reachable. */
export class FakeCluster implements EgressWriter {
  readonly objects = new Map<string, KubernetesManifest>();
  applyCalls = 0;
  removeCalls = 0;
  removeLockdownCalls = 0;
  down = false;
  /** Delay of every call, to widen race windows. */
  delayMs = 0;

  constructor(readonly name: string) {}

  /** Applies that fail (the API server refuses them) while the cluster stays readable. */
  failNextApplies = 0;

  async apply(manifests: KubernetesManifest[]): Promise<BundleResult> {
    this.applyCalls++;
    await this.pause();
    if (this.failNextApplies > 0) {
      this.failNextApplies--;
      return { cluster: this.name, ok: false, outcomes: [], error: `Cluster '${this.name}': the API server refused the apply` };
    }
    if (this.down) {
      throw new Error(`connect ECONNREFUSED 127.0.0.1:6443 (cluster ${this.name})`);
    }
    const outcomes = manifests.map(m => {
      const key = keyOf(m);
      const existed = this.objects.has(key);
      this.objects.set(key, JSON.parse(JSON.stringify(m)));
      return { kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name, action: existed ? ('configured' as const) : ('created' as const) };
    });
    return { cluster: this.name, ok: true, outcomes };
  }

  async remove(options: { namespace: string; requestId: string }): Promise<BundleResult> {
    this.removeCalls++;
    await this.pause();
    if (this.down) {
      return { cluster: this.name, ok: false, outcomes: [], error: `Cluster '${this.name}': unreachable` };
    }
    const outcomes = this.ownedBy(options).map(m => {
      this.objects.delete(keyOf(m));
      return { kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name, action: 'deleted' as const };
    });
    return { cluster: this.name, ok: true, outcomes };
  }

  async removeLockdown(options: { namespace: string }): Promise<BundleResult> {
    this.removeLockdownCalls++;
    return this.removeShared({ kind: 'Sidecar', namespace: options.namespace, name: LOCKDOWN_SIDECAR_NAME });
  }

  async removeShared(options: { kind: string; namespace: string; name: string }): Promise<BundleResult> {
    await this.pause();
    if (this.down) {
      return { cluster: this.name, ok: false, outcomes: [], error: `Cluster '${this.name}': unreachable` };
    }
    const id = { kind: options.kind, namespace: options.namespace, name: options.name };
    const key = `${options.kind}/${options.namespace}/${options.name}`;
    const existing = this.objects.get(key);
    if (!existing) return { cluster: this.name, ok: true, outcomes: [{ ...id, action: 'absent' }] };
    if (existing.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
      const error = `Cluster '${this.name}': ${options.kind} ${options.namespace}/${options.name} is not managed by backstage-egress`;
      return { cluster: this.name, ok: false, error, outcomes: [{ ...id, action: 'failed', error, errorType: 'ConflictError' }] };
    }
    this.objects.delete(key);
    return { cluster: this.name, ok: true, outcomes: [{ ...id, action: 'deleted' }] };
  }

  /** False models a cache that has not synced (the cluster was down when it started). */
  synced = true;

  async observe(options: { namespace: string; requestId: string; shared?: Array<{ kind: string; namespace: string; name: string }> }) {
    const shared = (options.shared ?? []).map(s => this.objects.get(`${s.kind}/${s.namespace}/${s.name}`)).filter(m => !!m);
    return { synced: this.synced && !this.down, manifests: [...this.ownedBy(options), ...shared] };
  }

  ownedBy(options: { namespace: string; requestId: string }) {
    return [...this.objects.values()].filter(
      m =>
        m.metadata.namespace === options.namespace &&
        m.metadata.labels?.[REQUEST_ID_LABEL] === options.requestId &&
        m.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
    );
  }

  private async pause() {
    if (this.delayMs) await new Promise(r => setTimeout(r, this.delayMs));
  }
}

function keyOf(m: KubernetesManifest) {
  return `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;
}

export function fakeClusters(...names: string[]) {
  const clusters = Object.fromEntries(names.map(n => [n, new FakeCluster(n)]));
  const clients: ClusterWriters = { writer: name => clusters[name] };
  return { clusters, clients };
}

export const PLATFORM_TEAM = 'group:default/platform-team';

/** The demo organisation: who is in which group. */
export const USERS = {
  owner: { ref: 'user:default/alice', groups: ['group:default/payments-team'] },
  otherTeam: { ref: 'user:default/bob', groups: ['group:default/search-team'] },
  platform: { ref: 'user:default/paula', groups: [PLATFORM_TEAM] },
  platformOwner: { ref: 'user:default/pete', groups: [PLATFORM_TEAM, 'group:default/payments-team'] },
} as const;

export const ENTITY_REF = 'component:default/payments';

/** Who owns the namespaces of {@link ENTITIES} (the `config` namespace ownership). */
export const NAMESPACE_OWNERS = {
  payments: ['group:default/payments-team'],
  limited: ['group:default/payments-team'],
};

export const ENTITIES: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-namespace': 'payments' },
    },
    spec: { owner: 'group:default/payments-team', type: 'service', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'limited',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-namespace': 'limited',
        'egress.backstage.io/clusters': 'dev',
      },
    },
    spec: { owner: 'group:default/payments-team', type: 'service', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'no-namespace', namespace: 'default' },
    spec: { owner: 'group:default/payments-team', type: 'service', lifecycle: 'production' },
  },
];

function groupsOf(userRef: string): string[] {
  return Object.values(USERS).find(u => u.ref === userRef)?.groups.slice() ?? [];
}

function ownerOf(entityRef: string, entities: Entity[]): string | undefined {
  const name = entityRef.split('/').pop();
  const entity = entities.find(e => e.metadata.name === name);
  return entity?.spec?.owner as string | undefined;
}

/**
 * A permissions service deciding like the demo policy, with the catalog's
 * IS_ENTITY_OWNER condition resolved against {@link ENTITIES} and `extra`:
 * owners create and revoke for their entities, the platform team approves and
 * may revoke, signed-in users read.
 */
export function demoPermissions(extra: Entity[] = []) {
  const entities = [...ENTITIES, ...extra];
  return mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(r => {
        const principal = options?.credentials.principal as { type: string; userEntityRef?: string };
        const user = principal.type === 'user' ? principal.userEntityRef! : undefined;
        const groups = user ? groupsOf(user) : [];
        const resourceRef = (r as { resourceRef?: string }).resourceRef;
        const owns = !!resourceRef && groups.includes(ownerOf(resourceRef, entities) ?? '-');
        let allow = true;
        if (isPermission(r.permission, egressRequestCreatePermission)) allow = owns;
        else if (isPermission(r.permission, egressRequestRevokePermission)) allow = owns || groups.includes(PLATFORM_TEAM);
        else if (isPermission(r.permission, egressRequestApprovePermission)) allow = groups.includes(PLATFORM_TEAM);
        else if (isPermission(r.permission, egressRequestReadPermission)) allow = !!user;
        return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
      }),
    // Like the demo policy: create and revoke (for all but the platform team) are conditional on
    // owning the entity, decided by the catalog's isEntityOwner rule.
    authorizeConditional: async (queries, options) =>
      queries.map(q => {
        const principal = options?.credentials.principal as { type: string; userEntityRef?: string };
        const user = principal.type === 'user' ? principal.userEntityRef! : undefined;
        const claims = user ? [user, ...groupsOf(user)] : [];
        if (isPermission(q.permission, egressRequestRevokePermission) && claims.includes(PLATFORM_TEAM)) {
          return { result: AuthorizeResult.ALLOW };
        }
        if (isPermission(q.permission, egressRequestCreatePermission) || isPermission(q.permission, egressRequestRevokePermission)) {
          return createCatalogConditionalDecision(q.permission, catalogConditions.isEntityOwner({ claims }));
        }
        let allow = true;
        if (isPermission(q.permission, egressRequestApprovePermission)) allow = claims.includes(PLATFORM_TEAM);
        else if (isPermission(q.permission, egressRequestReadPermission)) allow = !!user;
        return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
      }),
  });
}

/** A valid draft for {@link ENTITY_REF}. */
export function draft(overrides: Record<string, unknown> = {}) {
  return {
    entityRef: ENTITY_REF,
    clusters: ['dev', 'prod'],
    hosts: ['api.stripe.com'],
    ports: [{ number: 443, protocol: 'TLS' }],
    viaEgressGateway: true,
    justification: 'Card payments go through Stripe',
    ...overrides,
  };
}
