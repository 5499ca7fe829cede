import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';

/** Header the demo sign-in page sends with the chosen user name. */
export const DEMO_USER_HEADER = 'x-egress-demo-user';

/** Config key that lets the demo sign-in run outside development (never in production). */
export const ALLOW_OUTSIDE_DEVELOPMENT = 'dangerouslyAllowOutsideDevelopment';

const USER_NAME = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/i;

/**
 * Whether the demo sign-in may issue tokens: only when the backend runs with
 * `NODE_ENV=development`, unless `auth.providers.demo.dangerouslyAllowOutsideDevelopment`
 * is `true` (the contract of Backstage's guest provider).
 */
export function demoSignInAllowed(
  providerConfig: { getOptionalBoolean(key: string): boolean | undefined },
  nodeEnv: string | undefined = process.env.NODE_ENV,
): boolean {
  return nodeEnv === 'development' || providerConfig.getOptionalBoolean(ALLOW_OUTSIDE_DEVELOPMENT) === true;
}

/**
 * Development-only sign-in: the caller names a user of the catalog and is
 * signed in as that user, with the user's group memberships as ownership.
 * The auth backend only enables it when `auth.providers.demo` is configured
 * (app-config.development.yaml); outside `NODE_ENV=development` it refuses
 * every sign-in unless `dangerouslyAllowOutsideDevelopment: true` is set.
 * Whenever it is on, it logs a warning.
 */
export const demoSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-sign-in',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint, logger: coreServices.logger },
      async init({ providers, logger }) {
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { userName: string }) => ({
                profile: { displayName: result.userName },
              }),
              initialize({ config }) {
                const allowed = demoSignInAllowed(config);
                if (!allowed) {
                  logger.warn(
                    `Demo sign-in is configured (auth.providers.demo) but NODE_ENV is '${process.env.NODE_ENV}': it refuses every sign-in. Remove it from production config.`,
                  );
                } else if (process.env.NODE_ENV !== 'development') {
                  logger.warn(
                    `Demo sign-in is ON outside development (auth.providers.demo.${ALLOW_OUTSIDE_DEVELOPMENT}): anyone can sign in as any catalog user.`,
                  );
                } else {
                  logger.warn('Demo sign-in is on (development): anyone can sign in as any catalog user.');
                }
                return { disabled: !allowed };
              },
              async authenticate({ req }, { disabled }) {
                if (disabled) {
                  throw new NotAllowedError(
                    `Demo sign-in only works in development (NODE_ENV=development) unless auth.providers.demo.${ALLOW_OUTSIDE_DEVELOPMENT} is true`,
                  );
                }
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
