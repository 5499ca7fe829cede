import { AuthService, BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { NAMESPACE_ANNOTATION, annotatedClusters, entityNamespace } from './annotations';

/** Annotation on a Namespace object naming who owns it: entity or group refs, comma-separated. */
export const NAMESPACE_OWNER_ANNOTATION = 'egress.backstage.io/owner';

/** Namespaces that are never targets, whatever the configuration. */
export const BUILT_IN_RESERVED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Where the owner of a namespace comes from:
 * - `namespaceAnnotation` (default): the Namespace object's {@link NAMESPACE_OWNER_ANNOTATION},
 *   read with a `get` on namespaces in each target cluster;
 * - `config`: `egress.namespaces.owners` in the plugin's config;
 * - `entityAnnotation`: the entity's own namespace annotation is trusted (development only).
 */
export type NamespaceOwnership = 'namespaceAnnotation' | 'config' | 'entityAnnotation';

/** Reads the annotations of a Namespace in a cluster; undefined when the namespace does not exist. */
export type NamespaceAnnotationReader = (cluster: string, namespace: string) => Promise<Record<string, string> | undefined>;

/** An entity's namespace and target clusters, checked against the platform's trust rules. */
export interface EntityTargets {
  entityRef: string;
  entity: Entity;
  namespace: string;
  /** The clusters the entity may target: its clusters annotation, or every configured cluster. */
  clusters: string[];
}

export interface EntityTargetResolverOptions {
  catalog: CatalogService;
  clusterNames(): string[];
  /** Istio's root namespace and the egress gateway's Service host of a cluster. */
  clusterSettings(name: string): { name?: string; istioNamespace?: string; egressGateway?: { serviceHost?: string } };
  readNamespace: NamespaceAnnotationReader;
  ownership: NamespaceOwnership;
  /** Namespace → owner refs (the `config` ownership). */
  owners?: Record<string, string[]>;
  /** Extra namespaces that are never targets. */
  reserved?: string[];
  /**
   * The plugin's own credentials, for views that decide the caller's catalog read right in
   * their batched permission call (`resolve`'s `readAs`) and read the entity from a
   * short-lived cache instead of a catalog call per view.
   */
  auth?: AuthService;
  /** How long a view may reuse an entity read from the catalog (default 5 s). */
  entityCacheMs?: number;
}

/** Entities kept for views at most; the oldest entry goes first. */
const ENTITY_CACHE_LIMIT = 1000;

/**
 * The one place that turns an entity into its namespace and clusters, for
 * every route: the namespace must not be reserved (Istio's root namespace,
 * the egress gateway's, kube-*, the configured deny-list), must be claimed by
 * this entity alone (or be assigned to it by name), and must be owned — by a
 * source the platform controls — by the entity or the entity's owner.
 */
export class EntityTargetResolver {
  static fromConfig(config: Config, deps: Omit<EntityTargetResolverOptions, 'ownership' | 'owners' | 'reserved'>) {
    const block = config.getOptionalConfig('egress.namespaces');
    const ownership = (block?.getOptionalString('ownership') ?? 'namespaceAnnotation') as NamespaceOwnership;
    if (!['namespaceAnnotation', 'config', 'entityAnnotation'].includes(ownership)) {
      throw new Error(`egress.namespaces.ownership must be namespaceAnnotation, config or entityAnnotation, not ${ownership}`);
    }
    if (ownership === 'entityAnnotation' && process.env.NODE_ENV !== 'development') {
      throw new Error(
        'egress.namespaces.ownership: entityAnnotation trusts what entity owners write and is only allowed with NODE_ENV=development',
      );
    }
    const ownersConfig = block?.getOptionalConfig('owners');
    const owners = Object.fromEntries(
      (ownersConfig?.keys() ?? []).map(ns => {
        const value = ownersConfig!.get(ns);
        return [ns, parseOwners((Array.isArray(value) ? value : [value]).join(',')) ?? []];
      }),
    );
    return new EntityTargetResolver({ ...deps, ownership, owners, reserved: block?.getOptionalStringArray('reserved') ?? [] });
  }

  private readonly entities = new Map<string, { expires: number; entity: Promise<Entity | undefined> }>();

  constructor(private readonly options: EntityTargetResolverOptions) {}

  /** Whether views may read entities with the plugin's own credentials (see {@link cachedEntity}). */
  get readsEntitiesForViews(): boolean {
    return this.options.auth !== undefined;
  }

  /**
   * The entity's targets. Always refuses reserved namespaces; with
   * `verifyOwnership` (preview and create) also checks the claim and the
   * owner in each of `clusters` (default: all the entity's clusters).
   *
   * With `readAs` (a read-only view), the caller's right to read the entity is asked of
   * `readAs` as the catalog would ask it (catalog.entity.read on the entity, so the view can
   * decide it in its one batched permission call), and the entity comes from a cache of
   * at most a few seconds filled with the plugin's own credentials. Writes never pass
   * `readAs`: they read the entity from the catalog as the caller.
   */
  async resolve(
    entityRef: string,
    credentials: BackstageCredentials,
    options: {
      verifyOwnership: boolean;
      clusters?: string[];
      readAs?: PermissionsService;
      /** With `readAs`: the view's own read of {@link cachedEntity}, when it has one. */
      viewEntity?: () => Promise<Entity | undefined>;
    },
  ): Promise<EntityTargets> {
    const entity =
      options.readAs && this.options.auth && !options.verifyOwnership
        ? await this.entityForView(entityRef, credentials, options.readAs, options.viewEntity ?? (() => this.cachedEntity(entityRef)))
        : await this.options.catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`entityRef: ${entityRef} is not in the catalog`);
    const namespace = entityNamespace(entity);
    if (!namespace) {
      throw new InputError(`entityRef: ${entityRef} has no ${NAMESPACE_ANNOTATION} annotation, so it has no namespace to open egress for`);
    }
    const configured = this.options.clusterNames();
    const listed = annotatedClusters(entity);
    const clusters = listed && listed.length > 0 ? [...new Set(listed)] : configured;
    this.refuseReserved(entityRef, namespace, clusters.filter(c => configured.includes(c)));
    if (options.verifyOwnership) {
      const targets = (options.clusters ?? clusters).filter(c => configured.includes(c));
      await this.verifyOwnership(entity, entityRef, namespace, targets, credentials);
    }
    return { entityRef, entity, namespace, clusters };
  }

  private async entityForView(entityRef: string, credentials: BackstageCredentials, readAs: PermissionsService, read: () => Promise<Entity | undefined>) {
    const [decision] = await readAs.authorize([{ permission: catalogEntityReadPermission, resourceRef: entityRef }], { credentials });
    // Not allowed to read it answers like the catalog does: as if it were not there.
    if (decision.result !== AuthorizeResult.ALLOW) return undefined;
    return read();
  }

  /**
   * The entity as the plugin reads it with its own credentials, reused for up to
   * `entityCacheMs`: only for views that decided the caller's right to read it.
   */
  cachedEntity(entityRef: string): Promise<Entity | undefined> {
    const { auth } = this.options;
    if (!auth) return Promise.reject(new Error('EntityTargetResolver: cachedEntity needs the auth option'));
    const now = Date.now();
    const cached = this.entities.get(entityRef);
    if (cached && cached.expires > now) return cached.entity;
    const entity = auth
      .getOwnServiceCredentials()
      .then(own => this.options.catalog.getEntityByRef(entityRef, { credentials: own }));
    this.entities.delete(entityRef);
    this.entities.set(entityRef, { expires: now + (this.options.entityCacheMs ?? 5000), entity });
    if (this.entities.size > ENTITY_CACHE_LIMIT) this.entities.delete(this.entities.keys().next().value!);
    // A failed or empty read is not kept: the next view asks again.
    entity.then(
      found => {
        if (!found) this.forget(entityRef, entity);
      },
      () => this.forget(entityRef, entity),
    );
    return entity;
  }

  private forget(entityRef: string, entity: Promise<Entity | undefined>) {
    if (this.entities.get(entityRef)?.entity === entity) this.entities.delete(entityRef);
  }

  private refuseReserved(entityRef: string, namespace: string, clusters: string[]) {
    const why = new Map<string, string>(BUILT_IN_RESERVED_NAMESPACES.map(ns => [ns, 'a Kubernetes system namespace']));
    for (const ns of this.options.reserved ?? []) why.set(ns, 'reserved by the platform (egress.namespaces.reserved)');
    for (const cluster of clusters) {
      const settings = this.options.clusterSettings(cluster);
      const root = settings.istioNamespace ?? 'istio-system';
      why.set(root, `Istio's root namespace in cluster ${cluster}: config there applies to the whole mesh`);
      const gateway = settings.egressGateway?.serviceHost?.split('.')[1];
      if (gateway && !why.has(gateway)) why.set(gateway, `the egress gateway's namespace in cluster ${cluster}`);
    }
    if (clusters.length === 0) why.set('istio-system', "Istio's root namespace");
    const reason = why.get(namespace);
    if (reason) {
      throw new NotAllowedError(`${entityRef} names namespace ${namespace} (${NAMESPACE_ANNOTATION}), which is ${reason}; it is never an egress target`);
    }
  }

  private async verifyOwnership(entity: Entity, entityRef: string, namespace: string, clusters: string[], credentials: BackstageCredentials) {
    const { ownership } = this.options;
    if (ownership === 'entityAnnotation') return;
    const owners = ownership === 'config'
      ? [{ where: 'egress.namespaces.owners', refs: this.options.owners?.[namespace] }]
      : await Promise.all(clusters.map(async cluster => ({ where: `cluster ${cluster}`, refs: await this.annotatedOwners(cluster, namespace) })));
    const entityOwner = entityOwnerRef(entity);
    for (const { where, refs } of owners) {
      if (!refs || refs.length === 0) {
        throw new NotAllowedError(
          ownership === 'config'
            ? `Namespace ${namespace} has no owner in egress.namespaces.owners; the platform team must assign it before ${entityRef} can use it`
            : `Namespace ${namespace} in ${where} has no ${NAMESPACE_OWNER_ANNOTATION} annotation; the platform team must name its owner before ${entityRef} can use it`,
        );
      }
      if (!refs.includes(entityRef) && !(entityOwner && refs.includes(entityOwner))) {
        throw new NotAllowedError(
          `Namespace ${namespace} belongs to ${refs.join(', ')} (${where}), not to ${entityRef}${entityOwner ? ` or its owner ${entityOwner}` : ''}`,
        );
      }
    }
    await this.refuseSharedClaim(entityRef, namespace, owners.flatMap(o => o.refs ?? []), credentials);
  }

  /** Two entities claiming one namespace is an error unless the namespace's owner names this entity. */
  private async refuseSharedClaim(entityRef: string, namespace: string, owners: string[], credentials: BackstageCredentials) {
    if (owners.includes(entityRef)) return;
    const { items } = await this.options.catalog.getEntities(
      { filter: { [`metadata.annotations.${NAMESPACE_ANNOTATION}`]: namespace }, fields: ['kind', 'metadata.namespace', 'metadata.name'] },
      { credentials },
    );
    const claimants = [...new Set(items.map(e => stringifyEntityRef(e)))];
    if (claimants.length > 1) {
      throw new ConflictError(
        `Namespace ${namespace} is claimed by ${claimants.sort().join(' and ')} (${NAMESPACE_ANNOTATION}); name the one entity that owns it in the namespace's ${NAMESPACE_OWNER_ANNOTATION}`,
      );
    }
  }

  private async annotatedOwners(cluster: string, namespace: string): Promise<string[] | undefined> {
    let annotations: Record<string, string> | undefined;
    try {
      annotations = await this.options.readNamespace(cluster, namespace);
    } catch (e) {
      throw new ServiceUnavailableError(`Cannot verify who owns namespace ${namespace} in cluster ${cluster}: ${(e as Error).message}`);
    }
    if (annotations === undefined) {
      throw new InputError(`Namespace ${namespace} does not exist in cluster ${cluster}`);
    }
    return parseOwners(annotations[NAMESPACE_OWNER_ANNOTATION]);
  }
}

/** Owner refs from an annotation value, completed like catalog owners (kind group, namespace default). */
export function parseOwners(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  return value
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .map(ref => {
      try {
        return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' }));
      } catch {
        return ref;
      }
    });
}

function entityOwnerRef(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return undefined;
  return parseOwners(owner)?.[0];
}
