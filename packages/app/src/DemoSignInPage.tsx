import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import {
  configApiRef,
  IdentityApi,
  useApi,
} from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';

const STORAGE_KEY = 'egress-demo-user';

/** Shown when signing in as the chosen demo user fails. */
const SignInError = (props: { message: string; onBack: () => void }) => (
  <Page themeId="home">
    <Header title="Egress portal" subtitle="Development sign-in" />
    <Content>
      <InfoCard title="Sign-in failed">
        <Typography paragraph>{props.message}</Typography>
        <Button variant="contained" color="primary" onClick={props.onBack}>
          Choose another user
        </Button>
      </InfoCard>
    </Content>
  </Page>
);

/**
 * Development sign-in: pick one of the demo users of catalog-info.yaml. The
 * backend's `demo` provider signs the browser in as that catalog user.
 */
export const DemoSignInPage = (props: SignInPageProps) => {
  const configApi = useApi(configApiRef);
  const users =
    configApi.getOptionalConfigArray('app.demoSignIn.users')?.map(u => ({
      name: u.getString('name'),
      description: u.getOptionalString('description'),
    })) ?? [];
  const [user, setUser] = useState<string | null>(() =>
    window.localStorage.getItem(STORAGE_KEY),
  );

  if (user) {
    return (
      <ProxiedSignInPage
        provider="demo"
        headers={{ 'x-egress-demo-user': user }}
        onSignInSuccess={(identityApi: IdentityApi) =>
          props.onSignInSuccess(forgetUserOnSignOut(identityApi))
        }
        ErrorComponent={({ error }) => (
          <SignInError
            message={error?.message ?? 'Sign-in failed'}
            onBack={() => {
              window.localStorage.removeItem(STORAGE_KEY);
              setUser(null);
            }}
          />
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header title="Egress portal" subtitle="Development sign-in" />
      <Content>
        <InfoCard title="Sign in as a demo user">
          {users.length === 0 ? (
            <Typography>
              No demo users are configured. Set app.demoSignIn.users and
              auth.providers.demo in app-config.yaml (development only), or
              install a real sign-in provider.
            </Typography>
          ) : (
            <List>
              {users.map(u => (
                <ListItem
                  key={u.name}
                  button
                  onClick={() => {
                    window.localStorage.setItem(STORAGE_KEY, u.name);
                    setUser(u.name);
                  }}
                  aria-label={`Sign in as ${u.name}`}
                >
                  <ListItemText primary={u.name} secondary={u.description} />
                </ListItem>
              ))}
            </List>
          )}
        </InfoCard>
      </Content>
    </Page>
  );
};

function forgetUserOnSignOut(identityApi: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identityApi.getProfileInfo(),
    getBackstageIdentity: () => identityApi.getBackstageIdentity(),
    getCredentials: () => identityApi.getCredentials(),
    signOut: async () => {
      window.localStorage.removeItem(STORAGE_KEY);
      await identityApi.signOut();
    },
  };
}
