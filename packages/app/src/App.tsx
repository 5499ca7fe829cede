import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import egressPlugin from '@backstage-egress/plugin-egress/alpha';
import { DemoSignInPage } from './DemoSignInPage';

const signInPage = SignInPageBlueprint.make({
  params: { loader: async () => DemoSignInPage },
});

export default createApp({
  features: [
    catalogPlugin,
    orgPlugin,
    egressPlugin,
    createFrontendModule({ pluginId: 'app', extensions: [signInPage] }),
  ],
});
