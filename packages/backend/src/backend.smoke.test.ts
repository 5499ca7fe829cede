import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@backstage-egress/testenv';

jest.setTimeout(180_000);

const repoRoot = path.resolve(__dirname, '../../..');


async function waitForHealth(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`backend exited with ${child.exitCode}:\n${log()}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`backend did not become healthy:\n${log()}`);
}

describe('backend package with app-config.yaml', () => {
  let child: ChildProcess;
  let baseUrl: string;
  let output = '';

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const overrides = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'egress-smoke-')),
      'app-config.smoke.yaml',
    );
    fs.writeFileSync(
      overrides,
      [
        'backend:',
        `  baseUrl: ${baseUrl}`,
        '  listen:',
        `    port: ${port}`,
        'egress:',
        '  clusters:',
        '    - name: smoke',
        '      title: Smoke cluster',
        '      url: https://127.0.0.1:1',
        '      serviceAccountToken: smoke-secret-token',
        '',
      ].join('\n'),
    );
    child = spawn(
      process.execPath,
      [
        require.resolve('@backstage/cli/bin/backstage-cli'),
        'package',
        'start',
        '--config',
        path.join(repoRoot, 'app-config.yaml'),
        '--config',
        overrides,
      ],
      {
        cwd: path.join(repoRoot, 'packages/backend'),
        env: { ...process.env, NODE_ENV: 'development' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', d => (output += d));
    child.stderr!.on('data', d => (output += d));
    await waitForHealth(`${baseUrl}/api/egress/health`, child, () => output);
  });

  function signIn(user: string) {
    return fetch(`${baseUrl}/api/auth/demo/refresh`, {
      headers: { 'x-egress-demo-user': user },
    });
  }

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

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
