import {
  AuditorService,
  DatabaseService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { parseEgressPolicy } from '@backstage-egress/plugin-egress-common';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { DatabaseEgressStore } from '../database/DatabaseEgressStore';
import { EgressAuditor } from './audit';
import { ClusterService, ClusterWriters } from '../kubernetes/types';
import { OrphanService } from './OrphanService';
import { EgressNotifier } from './notifier';
import { RequestChanges } from './requestChanges';
import { EgressRequestService } from './EgressRequestService';
import { Reconciler } from './Reconciler';
import { RenderedManifests } from './renderedManifests';

/** Approvers notified of new requests when `egress.approvers` is not set. */
export const DEFAULT_APPROVERS = ['group:default/platform-team'];

/**
 * Builds the request workflow (store, reconciler, service) and schedules the
 * reconciler as a global task: one replica runs each pass, and every state
 * change is compare-and-set anyway.
 */
export async function createEgressWorkflow(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  auditor?: AuditorService;
  notifications?: NotificationService;
  signals?: SignalsService;
  permissions: PermissionsService;
  clusters: ClusterDirectory;
  clusterWriters: ClusterWriters;
  /** The managed objects of the clusters, for orphans; without it there is no orphan service. */
  managedObjects?: Pick<ClusterService, 'managedObjects' | 'removeManaged'>;
  targets: EntityTargetResolver;
}) {
  const { config, logger, clusters } = deps;
  const policy = parseEgressPolicy(config.getOptional('egress.policy'));
  const store = await DatabaseEgressStore.create({ database: deps.database });
  const notifier = new EgressNotifier(deps.notifications, logger, {
    approvers: config.getOptionalStringArray('egress.approvers') ?? DEFAULT_APPROVERS,
  });
  const changes = new RequestChanges({ store, notifier, logger, signals: deps.signals });
  const auditor = new EgressAuditor(deps.auditor, logger, (id, event) => changes.changed(id, event));
  const clusterSettings = (name: string) => {
    const c = clusters.get(name);
    return { name, istioNamespace: c?.istioNamespace, egressGateway: c?.egressGateway };
  };
  // One memory of rendered requests for the reconciler and the read side: both render the same requests.
  const rendered = new RenderedManifests(clusterSettings);
  const reconciler = new Reconciler({
    store,
    clusters: deps.clusterWriters,
    clusterSettings,
    rendered,
    logger,
    auditor,
    notifier,
    leaseMs: (config.getOptionalNumber('egress.applyLeaseSeconds') ?? 120) * 1000,
  });
  const service = new EgressRequestService({
    store,
    reconciler,
    permissions: deps.permissions,
    targets: deps.targets,
    clusterNames: () => clusters.list().map(c => c.name),
    clusterSettings,
    rendered,
    inventory: (namespace, names) => deps.clusterWriters.inventory?.(namespace, names) ?? [],
    istioVerdict: (cluster, manifests) => deps.clusterWriters.istioVerdict?.(cluster, manifests),
    policy,
    auditor,
    notifier,
  });
  const seconds = config.getOptionalNumber('egress.reconcileIntervalSeconds') ?? 30;
  await deps.scheduler.scheduleTask({
    id: 'egress-reconciler',
    scope: 'global',
    frequency: { seconds },
    timeout: { minutes: 5 },
    initialDelay: { seconds: Math.min(seconds, 10) },
    fn: () => reconciler.tick(),
  });
  const orphans =
    deps.managedObjects &&
    new OrphanService({ store, clusters: deps.managedObjects, permissions: deps.permissions, auditor });
  return { store, reconciler, service, policy, orphans };
}
