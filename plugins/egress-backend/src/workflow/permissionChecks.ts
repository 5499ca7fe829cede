import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** Throws NotAllowedError unless the caller holds the basic permission. */
export async function requireBasic(
  permissions: PermissionsService,
  permission: BasicPermission,
  credentials: UserCredentials,
  what: string,
) {
  const [decision] = await permissions.authorize([{ permission }], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`You are not allowed to ${what}`);
  }
}

/** Throws NotAllowedError unless the caller holds the permission on the entity. */
export async function requireForEntity(
  permissions: PermissionsService,
  permission: ResourcePermission,
  entityRef: string,
  credentials: UserCredentials,
  what: string,
) {
  const [decision] = await permissions.authorize([{ permission, resourceRef: entityRef }], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`You are not allowed to ${what} ${entityRef}`);
  }
}
