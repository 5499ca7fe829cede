import { egressRequestApprovePermission, egressRequestCreatePermission, egressRequestRevokePermission } from '@backstage-egress/plugin-egress-common';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ReactElement } from 'react';
// usePermission caches decisions in SWR's global cache; a fresh cache per render keeps tests independent.
import { SWRConfig } from 'swr';
import { EgressApi, egressApiRef } from '../api/EgressApi';
import { entity, ownerGroup } from './fixtures';

/** Which egress permissions the signed-in user has; all by default. */
export interface Grants {
  create?: boolean;
  approve?: boolean;
  revoke?: boolean;
}

/** Renders inside a test app with the fake egress API, permissions and identity. */
export function renderWithApis(
  element: ReactElement,
  options: {
    api: EgressApi;
    grants?: Grants;
    user?: string;
    config?: any;
    /** The app's signals; without it the views poll. */
    signals?: SignalApi;
  },
) {
  const { create = true, approve = true, revoke = true } = options.grants ?? {};
  const allowed: Record<string, boolean> = {
    [egressRequestCreatePermission.name]: create,
    [egressRequestApprovePermission.name]: approve,
    [egressRequestRevokePermission.name]: revoke,
  };
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </SWRConfig>,
    {
    config: options.config,
    // Entity links (EntityRefLink) resolve against the catalog's entity page.
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [egressApiRef, options.api],
      mockApis.permission({
        authorize: req =>
          allowed[req.permission.name] === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      }),
      mockApis.identity({ userEntityRef: options.user ?? 'user:default/pat' }),
      [catalogApiRef, catalogApiMock({ entities: [entity, ownerGroup] })],
      ...(options.signals ? [[signalApiRef, options.signals] as const] : []),
    ],
  });
}
