import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { egressApiRef } from './api/EgressApi';
import { EgressClient } from './api/EgressClient';
import { legacyApprovalsRouteRef } from './routes';

/**
 * The egress plugin for apps on the legacy frontend system. Apps on the new
 * frontend system use the default export of `@backstage-egress/plugin-egress/alpha`.
 * @public
 */
export const egressPlugin = createPlugin({
  id: 'egress',
  apis: [
    createApiFactory({
      api: egressApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EgressClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { approvals: legacyApprovalsRouteRef },
});

/**
 * The entity Egress tab content (legacy frontend system). Shows a short how-to
 * on entities without the `backstage.io/kubernetes-namespace` annotation.
 * @public
 */
export const EntityEgressContent = egressPlugin.provide(
  createComponentExtension({
    name: 'EntityEgressContent',
    component: {
      lazy: () =>
        import('./components/EgressTab/EgressTab').then(m => m.EgressTab),
    },
  }),
);

/** The Egress approvals page (legacy frontend system). @public */
export const EgressApprovalsPage = egressPlugin.provide(
  createRoutableExtension({
    name: 'EgressApprovalsPage',
    component: () =>
      import('./components/ApprovalsPage/ApprovalsPage').then(
        m => m.ApprovalsPage,
      ),
    mountPoint: legacyApprovalsRouteRef,
  }),
);
