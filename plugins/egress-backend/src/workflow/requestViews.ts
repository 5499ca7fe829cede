import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EgressRequestRecord,
  RequestTarget,
  egressRequestApprovePermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';
import { ActionCaller, displayState, requestActions } from '../lifecycle';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * The caller's standing for each entity: approve (basic) and revoke (per
 * entity) decided in one permission call.
 */
export async function actionCallers(
  permissions: PermissionsService,
  credentials: UserCredentials,
  entityRefs: string[],
): Promise<(entityRef: string) => ActionCaller> {
  const refs = [...new Set(entityRefs)];
  const decisions = await permissions.authorize(
    [
      { permission: egressRequestApprovePermission },
      ...refs.map(resourceRef => ({ permission: egressRequestRevokePermission, resourceRef })),
    ],
    { credentials },
  );
  const mayApprove = decisions[0].result === AuthorizeResult.ALLOW;
  const mayRevoke = new Map(refs.map((ref, i) => [ref, decisions[i + 1].result === AuthorizeResult.ALLOW]));
  const userEntityRef = credentials.principal.userEntityRef;
  return entityRef => ({ userEntityRef, mayApprove, mayRevoke: mayRevoke.get(entityRef) ?? false });
}

/**
 * Requests as the API answers them: each with the caller's `actions` and the
 * `displayState` derived from its targets.
 */
export async function withViews(
  permissions: PermissionsService,
  credentials: UserCredentials,
  requests: EgressRequestRecord[],
  targets: RequestTarget[],
): Promise<EgressRequestRecord[]> {
  if (requests.length === 0) return [];
  const callerFor = await actionCallers(permissions, credentials, requests.map(r => r.entityRef));
  return requests.map(request => ({
    ...request,
    actions: requestActions(request, callerFor(request.entityRef)),
    displayState: displayState(request, targets.filter(t => t.requestId === request.id)),
  }));
}
