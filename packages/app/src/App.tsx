import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule, PageBlueprint } from '@backstage/frontend-plugin-api';
import { NavContentBlueprint, SignInPageBlueprint } from '@backstage/plugin-app-react';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import { Navigate } from 'react-router-dom';
import { AppNav } from './AppNav';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import egressPlugin from '@backstage-egress/plugin-egress/alpha';
import { DemoSignInPage } from './DemoSignInPage';

const signInPage = SignInPageBlueprint.make({
  params: { loader: async () => DemoSignInPage },
});

// After sign-in the app opens at `/`: send people to the catalog.
const homePage = PageBlueprint.make({
  name: 'home',
  params: { path: '/', noHeader: true, loader: async () => <Navigate to="/catalog" replace /> },
});

const nav = NavContentBlueprint.make({ params: { component: AppNav } });

export default createApp({
  features: [
    catalogPlugin,
    orgPlugin,
    egressPlugin,
    notificationsPlugin,
    signalsPlugin,
    createFrontendModule({ pluginId: 'app', extensions: [signInPage, homePage, nav] }),
  ],
});
