import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  egressRequestApprovePermission,
  egressRequestCreatePermission,
  egressRequestReadPermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';

/** The group whose members approve egress requests in the demo organisation. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/**
 * The demo organisation's policy: owners request and revoke egress for their
 * entities, the platform team approves (and may revoke anything), signed-in
 * users read. Everything else is allowed, as in a default Backstage app.
 * The egress backend itself refuses self-approval whatever this says.
 */
export class EgressDemoPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isPlatform = claims.includes(PLATFORM_TEAM);

    if (isPermission(request.permission, egressRequestCreatePermission)) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (isPermission(request.permission, egressRequestRevokePermission)) {
      if (isPlatform) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (isPermission(request.permission, egressRequestApprovePermission)) {
      return {
        result: isPlatform ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (isPermission(request.permission, egressRequestReadPermission)) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link EgressDemoPolicy} as the permission backend's policy. */
export const egressDemoPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'egress-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new EgressDemoPolicy());
      },
    });
  },
});
