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
// Live updates to open pages and notifications to people: the egress
// backend publishes through both when they are installed.
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

backend.start();
