import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the approvals page in apps on the legacy frontend system. */
export const legacyApprovalsRouteRef = createRouteRef({ id: 'egress:approvals' });
