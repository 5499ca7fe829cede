import { StartedBackend, demoSignIn, startBackend } from './__testUtils__/startBackend';

jest.setTimeout(180_000);

describe('backend package with the development config', () => {
  let backend: StartedBackend;
  let baseUrl: string;

  beforeAll(async () => {
    backend = await startBackend({
      configFiles: ['app-config.yaml', 'app-config.development.yaml'],
      nodeEnv: 'development',
    });
    baseUrl = backend.baseUrl;
  });

  const signIn = (user: string) => demoSignIn(baseUrl, user);

  afterAll(() => backend?.stop());

  it('serves the egress health check without credentials', async () => {
    const res = await fetch(`${baseUrl}/api/egress/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('signs in a demo user and serves the catalog and the clusters to them', async () => {
    // The catalog ingests catalog-info.yaml asynchronously after start, and
    // sign-in needs the user entity.
    let refresh = await signIn('alice');
    for (let i = 0; i < 120 && refresh.status === 404; i++) {
      await new Promise(r => setTimeout(r, 500));
      refresh = await signIn('alice');
    }
    expect(refresh.status).toBe(200);
    const session = await refresh.json();
    expect(session.profile.displayName).toBe('Alice Adams');
    expect(session.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/alice',
    );
    expect(session.backstageIdentity.identity.ownershipEntityRefs).toContain(
      'group:default/payments-team',
    );
    const auth = {
      Authorization: `Bearer ${session.backstageIdentity.token}`,
    };

    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/component/default/payments-api`,
      { headers: auth },
    );
    expect(res.status).toBe(200);
    const entity = await res.json();
    expect(entity.metadata.annotations['backstage.io/kubernetes-namespace']).toBe(
      'payments',
    );

    const clusters = await fetch(`${baseUrl}/api/egress/clusters`, {
      headers: auth,
    });
    expect(clusters.status).toBe(200);
    const body = await clusters.json();
    // Nothing listens on the configured URL: a per-cluster error, no secrets.
    expect(body.items).toEqual([
      expect.objectContaining({
        name: 'smoke',
        title: 'Smoke cluster',
        reachable: false,
        error: expect.stringContaining("Cluster 'smoke'"),
      }),
    ]);
    expect(JSON.stringify(body)).not.toContain('smoke-secret-token');
  });

  it('refuses demo sign-in for a user who is not in the catalog', async () => {
    expect((await signIn('alice')).status).toBe(200);
    const res = await signIn('mallory');
    expect(res.status).toBe(404);
  });

  it('refuses demo sign-in without a user name', async () => {
    const res = await fetch(`${baseUrl}/api/auth/demo/refresh`);
    expect(res.status).toBe(401);
  });

  it('refuses the clusters to an anonymous caller', async () => {
    const res = await fetch(`${baseUrl}/api/egress/clusters`);
    expect(res.status).toBe(401);
  });
});
