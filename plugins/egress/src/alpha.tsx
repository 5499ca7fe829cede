import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import CallMadeIcon from '@material-ui/icons/CallMade';
import { egressApiRef } from './api/EgressApi';
import { EgressClient } from './api/EgressClient';
import { isEgressAvailable } from './annotations';

/** Route of the approvals page. @alpha */
export const approvalsRouteRef = createRouteRef();

/** The egress API client. @alpha */
export const egressApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: egressApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EgressClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The entity "Egress" tab, only on entities that name their Kubernetes
 * namespace.
 * @alpha
 */
export const egressEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'egress',
    title: 'Egress',
    filter: isEgressAvailable,
    loader: () =>
      import('./components/EgressTab/EgressTab').then(m => <m.EgressTab />),
  },
});

/** The "Egress approvals" page, listed in the app's navigation. @alpha */
export const egressApprovalsPage = PageBlueprint.make({
  params: {
    path: '/egress-approvals',
    title: 'Egress approvals',
    icon: <CallMadeIcon fontSize="inherit" />,
    routeRef: approvalsRouteRef,
    loader: () =>
      import('./components/ApprovalsPage/ApprovalsPage').then(m => (
        <m.ApprovalsPage />
      )),
  },
});

/**
 * The egress plugin for the new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'egress',
  title: 'Egress',
  icon: <CallMadeIcon fontSize="inherit" />,
  routes: { approvals: approvalsRouteRef },
  extensions: [egressApi, egressEntityContent, egressApprovalsPage],
});
