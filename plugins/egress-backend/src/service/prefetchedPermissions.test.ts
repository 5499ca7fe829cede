import { mockCredentials } from '@backstage/backend-test-utils';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  egressRequestApprovePermission,
  egressRequestReadPermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';
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
