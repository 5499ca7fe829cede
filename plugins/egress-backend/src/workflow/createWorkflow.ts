import {
  AuditorService,
  DatabaseService,
  LifecycleService,
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

/** Seconds between two looks of a replica for due work in the database (decisions made elsewhere, retries). */
const WAKE_POLL_SECONDS = 1;

/**
 * The reconciler's schedule: the full pass (expiry, drift, retries) as a
 * global task, run by one replica at a time, and on every replica a cheap
 * look for due work in the database, which picks up a decision made on
 * another replica within about a second.
 */
async function scheduleReconciler(scheduler: SchedulerService, reconciler: Reconciler, seconds: number) {
  await scheduler.scheduleTask({
    id: 'egress-reconciler',
    scope: 'global',
    frequency: { seconds },
    timeout: { minutes: 5 },
    initialDelay: { seconds: Math.min(seconds, 10) },
    fn: () => reconciler.tick(),
  });
  await scheduler.scheduleTask({
    id: 'egress-reconciler-wake',
    scope: 'local',
    frequency: { seconds: WAKE_POLL_SECONDS },
    timeout: { minutes: 1 },
    fn: () => reconciler.wakeDue(),
  });
}

/**
 * Builds the request workflow (store, reconciler, service) and schedules the
 * reconciler (unless `egress.reconcilerEnabled` is false on this replica).
 * Decisions wake the reconciler in-process at once; every state change is
 * compare-and-set and every cluster write holds its target's lease.
 */
export async function createEgressWorkflow(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  /** Stops the reconciler's background work at shutdown. */
  lifecycle?: LifecycleService;
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
  const enabled = config.getOptionalBoolean('egress.reconcilerEnabled') ?? true;
  const reconciler = new Reconciler({
    store,
    clusters: deps.clusterWriters,
    clusterSettings,
    rendered,
    logger,
    auditor,
    notifier,
    leaseMs: (config.getOptionalNumber('egress.applyLeaseSeconds') ?? 120) * 1000,
    enabled,
  });
  deps.lifecycle?.addShutdownHook(() => reconciler.stop());
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
  if (enabled) await scheduleReconciler(deps.scheduler, reconciler, config.getOptionalNumber('egress.reconcileIntervalSeconds') ?? 30);
  const orphans =
    deps.managedObjects &&
    new OrphanService({ store, clusters: deps.managedObjects, permissions: deps.permissions, auditor });
  return { store, reconciler, service, policy, orphans };
}
