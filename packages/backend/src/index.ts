import { createBackend } from '@backstage/backend-defaults';
import { demoSignInModule } from './modules/demoSignIn';
import { egressDemoPolicyModule } from './modules/permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
// Registers the `demo` sign-in provider; it is only active when
// auth.providers.demo is configured (app-config.yaml, development only).
backend.add(demoSignInModule);
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(egressDemoPolicyModule);
backend.add(import('@backstage-egress/plugin-egress-backend'));
// Software templates, with the egress:request action (and the catalog's Template kind).
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage-egress/plugin-scaffolder-backend-module-egress'));
// MCP clients reach the actions of backend.actions.pluginSources (the egress actions) at /api/mcp-actions/v1.
backend.add(import('@backstage/plugin-mcp-actions-backend'));
// Live updates to open pages and notifications to people: the egress
// backend publishes through both when they are installed.
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

backend.start();
