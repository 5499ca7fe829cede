import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';

/** Header the demo sign-in page sends with the chosen user name. */
export const DEMO_USER_HEADER = 'x-egress-demo-user';

const USER_NAME = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/i;

/**
 * Development-only sign-in: the caller names a user of the catalog and is
 * signed in as that user, with the user's group memberships as ownership.
 * The auth backend only enables it when `auth.providers.demo` is configured.
 */
export const demoSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-sign-in',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { userName: string }) => ({
                profile: { displayName: result.userName },
              }),
              initialize: () => undefined,
              async authenticate({ req }) {
                const userName = req.header(DEMO_USER_HEADER) ?? '';
                if (!USER_NAME.test(userName)) {
                  throw new AuthenticationError(
                    `Demo sign-in needs a user name in the ${DEMO_USER_HEADER} header`,
                  );
                }
                return { result: { userName } };
              },
            }),
            profileTransform: async (result, ctx) => {
              const { entity } = await ctx.findCatalogUser({
                entityRef: { name: result.userName },
              });
              const profile = (entity.spec?.profile ?? {}) as {
                displayName?: string;
                email?: string;
                picture?: string;
              };
              return {
                profile: {
                  displayName: profile.displayName ?? result.userName,
                  email: profile.email,
                  picture: profile.picture,
                },
              };
            },
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              }),
          }),
        });
      },
    });
  },
});
