import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { egressRequestReadPermission } from '@backstage-egress/plugin-egress-common';
import express from 'express';
import Router from 'express-promise-router';
import { ClusterDirectory } from '../clusters/ClusterDirectory';

/** Dependencies of the egress router. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: ClusterDirectory;
  logger: LoggerService;
}

/** Creates the egress plugin's HTTP API; handlers stay thin. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, clusters } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: egressRequestReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You are not allowed to read egress data');
    }
    res.json({ items: clusters.publicList() });
  });

  return router;
}
