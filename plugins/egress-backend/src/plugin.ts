import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { egressPermissions } from '@backstage-egress/plugin-egress-common';
import { ClusterDirectory } from './clusters/ClusterDirectory';
import { currentKubeconfigClusterName } from './clusters/kubeconfig';
import { createRouter } from './service/router';

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
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
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
        httpRouter.use(
          await createRouter({ httpAuth, permissions, clusters, logger }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
