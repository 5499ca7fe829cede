import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createEgressRequestAction } from './actions/egressRequest';

/**
 * Adds the `egress:request` action to the scaffolder.
 * @public
 */
export const scaffolderModuleEgress = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'egress',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, auth, discovery, config }) {
        scaffolder.addActions(
          createEgressRequestAction({ auth, discovery, appBaseUrl: config.getOptionalString('app.baseUrl') ?? '' }),
        );
      },
    });
  },
});
