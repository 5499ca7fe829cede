import { BackendFeature, coreServices, createServiceFactory, PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { CatalogService, catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { demoPermissions, ENTITIES, NAMESPACE_OWNERS, USERS } from './fakes';
import { egressPlugin } from '../plugin';

/** One of the demo users, or nobody. */
export type Who = keyof typeof USERS | 'unauthenticated';

/** The Authorization header a test request carries for `who`. */
export const authHeader = (who: Who) =>
  who === 'unauthenticated' ? mockCredentials.none.header() : mockCredentials.user.header(USERS[who].ref);

/**
 * The real egress plugin in a test backend whose clusters cannot be reached
 * (requests are stored, applies fail and are retried hourly), so namespace
 * owners come from config rather than the Namespace objects. `egress` adds to
 * or overrides the plugin's config, `config` adds other top-level config,
 * `features` other plugins or services.
 */
export function startOfflineBackend(
  options: {
    clusters?: string[];
    egress?: Record<string, unknown>;
    config?: Record<string, unknown>;
    entities?: Entity[];
    knex?: Knex;
    /** The permission framework's answers; the demo policy by default. */
    permissions?: PermissionsService;
    /** The catalog; an in-memory one holding the test entities (and `entities`) by default. */
    catalog?: CatalogService;
    features?: BackendFeature[];
  } = {},
) {
  const { clusters = ['dev'], knex } = options;
  return startTestBackend({
    features: [
      egressPlugin,
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          egress: {
            clusters: clusters.map(name => ({ name, url: 'https://127.0.0.1:1', serviceAccountToken: 't' })),
            reconcileIntervalSeconds: 3600,
            namespaces: { ownership: 'config', owners: NAMESPACE_OWNERS },
            ...options.egress,
          },
        },
      }),
      ...(knex ? [mockServices.database.factory({ knex })] : []),
      options.catalog
        ? createServiceFactory({ service: catalogServiceRef, deps: {}, factory: () => options.catalog! })
        : catalogServiceMock.factory({ entities: [...ENTITIES, ...(options.entities ?? [])] }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => options.permissions ?? demoPermissions(),
      }),
      ...(options.features ?? []),
    ],
  });
}
