import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { egressPermissions } from '@backstage-egress/plugin-egress-common';
import { ClusterDirectory } from './clusters/ClusterDirectory';
import { currentKubeconfigClusterName } from './clusters/kubeconfig';
import { createRouter } from './service/router';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { DefaultClusterService } from './kubernetes';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createEgressWorkflow } from './workflow/createWorkflow';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { registerEgressActions } from './actions/egressActions';
import { TrafficService } from './traffic/TrafficService';
import { EntityTargetResolver } from './catalog/EntityTargets';

/**
 * The egress backend plugin: requests, approvals, and egress resources in the
 * configured clusters. Routes are served under `/api/egress`.
 * @public
 */
export const egressPlugin = createBackendPlugin({
  pluginId: 'egress',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auditor: coreServices.auditor,
        notifications: notificationService,
        auth: coreServices.auth,
        actionsRegistry: actionsRegistryServiceRef,
        signals: signalsServiceRef,
        cache: coreServices.cache,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        lifecycle,
        catalog,
        database,
        scheduler,
        auditor,
        notifications,
        auth,
        actionsRegistry,
        signals,
        cache,
      }) {
        permissionsRegistry.addPermissions(egressPermissions);
        const clusters = ClusterDirectory.fromConfig(config, {
          defaultClusterName: currentKubeconfigClusterName,
        });
        logger.info(
          `Egress clusters: ${clusters
            .list()
            .map(c => c.name)
            .join(', ')}`,
        );
        const clusterService = new DefaultClusterService({ clusters, logger });
        // Caches fill in the background: startup never waits on a cluster.
        clusterService.start().catch(e => logger.error(`Egress cluster caches failed to start: ${e}`));
        lifecycle.addShutdownHook(() => clusterService.stop());
        // The benchmark's uncached comparison (npm run bench:entity), never a product setting.
        const uncachedInventory = process.env.EGRESS_BENCH_UNCACHED_INVENTORY === '1';
        if (uncachedInventory) {
          logger.warn('EGRESS_BENCH_UNCACHED_INVENTORY=1: GET /entity reads every inventory from the clusters (benchmark only)');
        }
        const targets = EntityTargetResolver.fromConfig(config, {
          catalog,
          auth,
          clusterNames: () => clusters.list().map(c => c.name),
          clusterSettings: name => clusters.get(name) ?? {},
          readNamespace: (cluster, namespace) => clusterService.readNamespace(cluster, namespace),
        });
        const workflow = await createEgressWorkflow({
          targets,
          config,
          logger,
          database,
          scheduler,
          lifecycle,
          auditor,
          notifications,
          signals,
          permissions,
          clusters,
          clusterWriters: clusterService,
          managedObjects: clusterService,
        });
        const traffic = new TrafficService({
          clusters,
          cache,
          settings: {
            unusedAfterDays: config.getOptionalNumber('egress.traffic.unusedAfterDays') ?? 30,
            cacheSeconds: Math.max(15, config.getOptionalNumber('egress.traffic.cacheSeconds') ?? 15),
          },
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            clusters,
            logger,
            clusterService,
            targets,
            requests: workflow.service,
            policy: workflow.policy,
            traffic,
            orphans: workflow.orphans,
            uncachedInventory: uncachedInventory
              ? (namespace, names) => clusterService.liveInventory(namespace, names)
              : undefined,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        registerEgressActions({
          actionsRegistry,
          auth,
          requests: workflow.service,
          appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
        });
      },
    });
  },
});
