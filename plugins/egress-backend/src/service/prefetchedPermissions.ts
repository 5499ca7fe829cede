import {
  BackstageCredentials,
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  AuthorizeResult,
  QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import { decideOnEntity } from './entityConditions';

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
  /**
   * The one catalog entity the requests' resource refs name, when the caller can read it: the
   * decisions are then asked without resource refs and conditions on the entity are evaluated
   * here with the catalog's rules (see decideOnEntity), instead of the permission backend
   * asking the catalog to apply them.
   */
  entity?: { ref: string; load(): Promise<Entity | undefined> },
): Promise<PermissionsService> {
  const decisions = new Map<string, AuthorizePermissionResponse>();
  const answers = entity
    ? await decideHere(permissions, credentials, requests, entity)
    : await permissions.authorize(requests, { credentials });
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

async function decideHere(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  requests: AuthorizePermissionRequest[],
  entity: { ref: string; load(): Promise<Entity | undefined> },
): Promise<AuthorizePermissionResponse[]> {
  // The framework's query form: a resource permission's decision without its resource.
  const queries = requests.map(r => ({ permission: r.permission })) as QueryPermissionRequest[];
  const policy = await permissions.authorizeConditional(queries, { credentials });
  const answers: Array<AuthorizePermissionResponse | undefined> = [];
  for (const [i, r] of requests.entries()) {
    const ref = 'resourceRef' in r ? r.resourceRef : undefined;
    const decision = policy[i];
    if (decision.result !== AuthorizeResult.CONDITIONAL) answers.push({ result: decision.result });
    else if (ref !== entity.ref) answers.push(undefined);
    else {
      const result = decideOnEntity(decision, await entity.load());
      answers.push(result ? { result } : undefined);
    }
  }
  // What cannot be decided here is asked as before, in one call.
  const rest = requests.filter((_, i) => !answers[i]);
  if (rest.length > 0) {
    const more = await permissions.authorize(rest, { credentials });
    let j = 0;
    answers.forEach((a, i) => {
      if (!a) answers[i] = more[j++];
    });
  }
  return answers as AuthorizePermissionResponse[];
}
