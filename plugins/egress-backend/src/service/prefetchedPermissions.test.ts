import { mockCredentials } from '@backstage/backend-test-utils';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  egressRequestApprovePermission,
  egressRequestReadPermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';
import { catalogConditions } from '@backstage/plugin-catalog-backend/alpha';
import { prefetchPermissions } from './prefetchedPermissions';

/** Allows read and revoke on component:default/a only; counts the calls. */
function countingPermissions() {
  const calls: string[][] = [];
  const service = {
    authorize: jest.fn(async (requests: any[]) => {
      calls.push(requests.map(r => `${r.permission.name}${r.resourceRef ? ` ${r.resourceRef}` : ''}`));
      return requests.map(r => ({
        result:
          r.permission.name === egressRequestReadPermission.name ||
          (r.permission.name === egressRequestRevokePermission.name && r.resourceRef === 'component:default/a')
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    }),
    authorizeConditional: jest.fn(),
  };
  return { service: service as unknown as PermissionsService, calls };
}

describe('prefetchPermissions', () => {
  const credentials = mockCredentials.user('user:default/alice');

  it('asks every decision in one call, then answers those from memory and asks only what is new', async () => {
    const { service, calls } = countingPermissions();
    const decided = await prefetchPermissions(service, credentials, [
      { permission: egressRequestReadPermission },
      { permission: egressRequestApprovePermission },
      { permission: egressRequestRevokePermission, resourceRef: 'component:default/a' },
    ]);
    expect(calls).toHaveLength(1);
    const answers = await decided.authorize(
      [{ permission: egressRequestRevokePermission, resourceRef: 'component:default/a' }, { permission: egressRequestApprovePermission }],
      { credentials },
    );
    expect(answers.map(a => a.result)).toEqual([AuthorizeResult.ALLOW, AuthorizeResult.DENY]);
    expect(calls).toHaveLength(1);

    const more = await decided.authorize(
      [{ permission: egressRequestReadPermission }, { permission: egressRequestRevokePermission, resourceRef: 'component:default/b' }],
      { credentials },
    );
    expect(more.map(a => a.result)).toEqual([AuthorizeResult.ALLOW, AuthorizeResult.DENY]);
    expect(calls).toEqual([
      [egressRequestReadPermission.name, egressRequestApprovePermission.name, `${egressRequestRevokePermission.name} component:default/a`],
      [`${egressRequestRevokePermission.name} component:default/b`],
    ]);
  });

  it('never answers another caller from memory', async () => {
    const { service, calls } = countingPermissions();
    const decided = await prefetchPermissions(service, credentials, [{ permission: egressRequestReadPermission }]);
    await decided.authorize([{ permission: egressRequestReadPermission }], { credentials: mockCredentials.user('user:default/bob') });
    expect(calls).toHaveLength(2);
  });
});

describe('prefetchPermissions with the entity in hand', () => {
  const credentials = mockCredentials.user('user:default/alice');
  const owned = (owner: string) => ({
    apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
    metadata: { name: 'a', namespace: 'default' },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  });
  const asked = [
    { permission: egressRequestReadPermission },
    { permission: egressRequestApprovePermission },
    { permission: egressRequestRevokePermission, resourceRef: 'component:default/a' },
  ];

  function policy(conditions: object) {
    const authorize = jest.fn(async (requests: any[]): Promise<Array<{ result: AuthorizeResult }>> => requests.map(() => ({ result: AuthorizeResult.DENY })));
    const authorizeConditional = jest.fn(async (queries: any[]) =>
      queries.map(q =>
        q.permission.name === egressRequestRevokePermission.name
          ? { result: AuthorizeResult.CONDITIONAL, pluginId: 'catalog', resourceType: 'catalog-entity', conditions }
          : { result: q.permission.name === egressRequestReadPermission.name ? AuthorizeResult.ALLOW : AuthorizeResult.DENY },
      ),
    );
    return { service: { authorize, authorizeConditional } as unknown as PermissionsService, authorize, authorizeConditional };
  }
  const ownerCondition = catalogConditions.isEntityOwner({ claims: ['group:default/payments'] });

  it('evaluates the catalog conditions on the entity with the catalog rules: one call, no apply-conditions', async () => {
    for (const [owner, expected] of [['group:default/payments', AuthorizeResult.ALLOW], ['group:default/other', AuthorizeResult.DENY]] as const) {
      const { service, authorize, authorizeConditional } = policy(ownerCondition);
      const load = jest.fn(async () => owned(owner));
      const decided = await prefetchPermissions(service, credentials, asked, { ref: 'component:default/a', load });
      const answers = await decided.authorize(asked, { credentials });
      expect(answers.map(a => a.result)).toEqual([AuthorizeResult.ALLOW, AuthorizeResult.DENY, expected]);
      expect(authorizeConditional).toHaveBeenCalledTimes(1);
      expect(authorizeConditional.mock.calls[0][0].every((q: any) => !('resourceRef' in q))).toBe(true);
      expect(authorize).not.toHaveBeenCalled();
    }
  });

  it('denies a conditional decision on an entity that is not there', async () => {
    const { service, authorize } = policy(ownerCondition);
    const decided = await prefetchPermissions(service, credentials, asked, { ref: 'component:default/a', load: async () => undefined });
    expect((await decided.authorize([asked[2]], { credentials }))[0].result).toBe(AuthorizeResult.DENY);
    expect(authorize).not.toHaveBeenCalled();
  });

  it('asks the framework with the resource ref for a rule the catalog was given elsewhere', async () => {
    const { service, authorize } = policy({ rule: 'IS_IN_MY_TEAM_LIST', resourceType: 'catalog-entity', params: {} });
    authorize.mockImplementation(async (requests: any[]) => requests.map(() => ({ result: AuthorizeResult.ALLOW })));
    const decided = await prefetchPermissions(service, credentials, asked, { ref: 'component:default/a', load: async () => owned('group:default/payments') });
    expect((await decided.authorize([asked[2]], { credentials }))[0].result).toBe(AuthorizeResult.ALLOW);
    expect(authorize).toHaveBeenCalledTimes(1);
    expect(authorize.mock.calls[0][0]).toEqual([asked[2]]);
  });
});
