import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  egressRequestApprovePermission,
  egressRequestCreatePermission,
  egressRequestReadPermission,
  egressRequestRevokePermission,
} from '@backstage-egress/plugin-egress-common';
import { EgressDemoPolicy, PLATFORM_TEAM } from './permissionPolicy';

function user(ref: string, groups: string[]) {
  return {
    identity: {
      type: 'user' as const,
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...groups],
    },
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
    token: 'token',
    credentials: {} as any,
  };
}

const owner = user('user:default/alice', ['group:default/payments-team']);
const platform = user('user:default/carol', [PLATFORM_TEAM]);
const policy = new EgressDemoPolicy();

describe('EgressDemoPolicy', () => {
  it('lets only entity owners create, as a catalog is-entity-owner condition', async () => {
    const decision = await policy.handle(
      { permission: egressRequestCreatePermission },
      owner as any,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: owner.info.ownershipEntityRefs },
      },
    });
  });

  it('lets the platform team revoke anything and owners revoke their own', async () => {
    expect(
      await policy.handle({ permission: egressRequestRevokePermission }, platform as any),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      (await policy.handle({ permission: egressRequestRevokePermission }, owner as any))
        .result,
    ).toBe(AuthorizeResult.CONDITIONAL);
  });

  it('lets only the platform team approve', async () => {
    expect(
      await policy.handle({ permission: egressRequestApprovePermission }, platform as any),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: egressRequestApprovePermission }, owner as any),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets signed-in users read and nobody else', async () => {
    expect(
      await policy.handle({ permission: egressRequestReadPermission }, owner as any),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: egressRequestReadPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});
