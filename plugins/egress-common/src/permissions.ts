import {
  createPermission,
  type Permission,
} from '@backstage/plugin-permission-common';

/** Resource type of the resource permissions: catalog entities, so catalog rules such as IS_ENTITY_OWNER apply. @public */
export const EGRESS_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/**
 * Request outbound access for an entity. Resource permission on the catalog
 * entity the request is for.
 * @public
 */
export const egressRequestCreatePermission = createPermission({
  name: 'egress.request.create',
  attributes: { action: 'create' },
  resourceType: EGRESS_ENTITY_RESOURCE_TYPE,
});

/**
 * Revoke active outbound access of an entity. Resource permission on the
 * catalog entity.
 * @public
 */
export const egressRequestRevokePermission = createPermission({
  name: 'egress.request.revoke',
  attributes: { action: 'delete' },
  resourceType: EGRESS_ENTITY_RESOURCE_TYPE,
});

/**
 * Approve or reject egress requests. Basic permission; the requester can never
 * decide their own request, whatever the policy says.
 * @public
 */
export const egressRequestApprovePermission = createPermission({
  name: 'egress.request.approve',
  attributes: { action: 'update' },
});

/**
 * Read egress requests, inventory and cluster state. Basic permission.
 * @public
 */
export const egressRequestReadPermission = createPermission({
  name: 'egress.request.read',
  attributes: { action: 'read' },
});

/** All egress permissions, for registration with the permissions registry. @public */
export const egressPermissions: Permission[] = [
  egressRequestCreatePermission,
  egressRequestRevokePermission,
  egressRequestApprovePermission,
  egressRequestReadPermission,
];
