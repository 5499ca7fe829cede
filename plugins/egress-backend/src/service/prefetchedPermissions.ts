import {
  BackstageCredentials,
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
} from '@backstage/plugin-permission-common';

const keyOf = (r: AuthorizePermissionRequest) =>
  `${r.permission.name}\n${'resourceRef' in r && r.resourceRef ? r.resourceRef : ''}`;

/**
 * The decisions one HTTP request needs, asked in one call to the permission
 * framework (a loopback HTTP call per `authorize`), then answered from
 * memory for the same caller while the request is served. Decisions not asked
 * up front are still asked, in one call per `authorize`. Lives only as long
 * as the request: permissions stay exact.
 */
export async function prefetchPermissions(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  requests: AuthorizePermissionRequest[],
): Promise<PermissionsService> {
  const decisions = new Map<string, AuthorizePermissionResponse>();
  const answers = await permissions.authorize(requests, { credentials });
  requests.forEach((r, i) => decisions.set(keyOf(r), answers[i]));
  return {
    async authorize(asked: AuthorizePermissionRequest[], options: PermissionsServiceRequestOptions) {
      if (options.credentials !== credentials) return permissions.authorize(asked, options);
      const missing = asked.filter(r => !decisions.has(keyOf(r)));
      if (missing.length > 0) {
        const more = await permissions.authorize(missing, options);
        missing.forEach((r, i) => decisions.set(keyOf(r), more[i]));
      }
      return asked.map(r => decisions.get(keyOf(r))!);
    },
    authorizeConditional: (asked, options) => permissions.authorizeConditional(asked, options),
  };
}
