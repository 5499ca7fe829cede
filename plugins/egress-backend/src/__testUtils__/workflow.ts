import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_EGRESS_POLICY, EgressPolicy } from '@backstage-egress/plugin-egress-common';
import { Knex } from 'knex';
import { DatabaseEgressStore } from '../database/DatabaseEgressStore';
import { EgressAuditor } from '../workflow/audit';
import { ClusterWriters } from '../kubernetes/types';
import { EgressNotifier } from '../workflow/notifier';
import { EgressRequestService } from '../workflow/EgressRequestService';
import { Reconciler } from '../workflow/Reconciler';
import { RenderedManifests } from '../workflow/renderedManifests';
import { demoPermissions, ENTITIES, NAMESPACE_OWNERS } from './fakes';
import { EntityTargetResolver } from '../catalog/EntityTargets';

/** A controllable clock. */
export class Clock {
  constructor(public time = new Date('2030-01-01T00:00:00Z')) {}
  now = () => new Date(this.time);
  advance(ms: number) {
    this.time = new Date(this.time.getTime() + ms);
  }
}

/** The workflow wired as in plugin.ts, with fakes at our own interfaces. */
export async function createWorkflow(
  knex: Knex,
  options: { clients: ClusterWriters; clock?: Clock; policy?: EgressPolicy; skipMigrations?: boolean; reconcilerEnabled?: boolean },
) {
  const clock = options.clock ?? new Clock();
  const logger = mockServices.logger.mock();
  const store = await DatabaseEgressStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
    skipMigrations: options.skipMigrations,
  });
  const auditorService = mockServices.auditor.mock();
  const auditor = new EgressAuditor(auditorService, logger);
  const notifications = { send: jest.fn(async () => {}) };
  const notifier = new EgressNotifier(notifications, logger, { approvers: ['group:default/platform-team'] });
  const settings = (name: string) => ({ name });
  const rendered = new RenderedManifests(settings);
  const reconciler = new Reconciler({
    store,
    clusters: options.clients,
    clusterSettings: settings,
    rendered,
    logger,
    auditor,
    notifier,
    now: clock.now,
    enabled: options.reconcilerEnabled,
  });
  const catalog = catalogServiceMock({ entities: ENTITIES });
  const targets = new EntityTargetResolver({
    catalog,
    clusterNames: () => ['dev', 'prod'],
    clusterSettings: settings,
    readNamespace: async () => undefined,
    ownership: 'config',
    owners: NAMESPACE_OWNERS,
  });
  const service = new EgressRequestService({
    store,
    reconciler,
    permissions: demoPermissions(),
    targets,
    clusterNames: () => ['dev', 'prod'],
    clusterSettings: settings,
    rendered,
    inventory: (namespace, names) => options.clients.inventory?.(namespace, names) ?? [],
    policy: options.policy ?? DEFAULT_EGRESS_POLICY,
    auditor,
    notifier,
    now: clock.now,
  });
  return { store, reconciler, service, clock, notifications, auditorService };
}
