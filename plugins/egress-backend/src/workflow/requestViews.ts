import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EgressRequestRecord,
  RequestTarget,
  TargetSync,
  egressRequestApprovePermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';
import { ActionCaller, GRANTED_STATUSES, displayState, requestActions } from '../lifecycle';

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

/** Whether a target's cluster holds what its request renders (the reconciler's observation). */
export type ObserveTarget = (request: EgressRequestRecord, cluster: string) => Promise<{ sync: TargetSync }>;

/**
 * The targets with `sync` filled for applied targets of granted requests,
 * from the clusters' caches (`unknown` while a cache has not synced).
 */
export async function withSync(
  requests: EgressRequestRecord[],
  targets: RequestTarget[],
  observe?: ObserveTarget,
): Promise<RequestTarget[]> {
  if (!observe) return targets;
  const byId = new Map(requests.map(r => [r.id, r]));
  return Promise.all(
    targets.map(async target => {
      const request = byId.get(target.requestId);
      if (!request || !GRANTED_STATUSES.includes(request.status) || target.status !== 'applied') return target;
      return { ...target, sync: (await observe(request, target.cluster)).sync };
    }),
  );
}

/**
 * Requests as the API answers them: each with the caller's `actions` and the
 * `displayState` derived from its targets (pass them through
 * {@link withSync} first).
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
