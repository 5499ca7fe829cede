import fs from 'node:fs';
import path from 'node:path';
import { StartedBackend, demoSignIn, repoRoot, startBackend } from './__testUtils__/startBackend';

jest.setTimeout(180_000);

describe('backend package started for production', () => {
  let backend: StartedBackend;

  beforeAll(async () => {
    // The worst case: the development file (demo sign-in, demo users) is
    // included by mistake, as app-config.yaml once carried it.
    backend = await startBackend({
      configFiles: ['app-config.yaml', 'app-config.development.yaml'],
      nodeEnv: 'production',
    });
  });

  afterAll(() => backend?.stop());

  it('refuses the demo sign-in and issues no token', async () => {
    // Before the catalog has ingested carol the answer would be 404 either
    // way; wait until it is not, so a token could have been issued.
    let res = await demoSignIn(backend.baseUrl, 'carol');
    for (let i = 0; i < 120 && res.status === 404; i++) {
      await new Promise(r => setTimeout(r, 500));
      res = await demoSignIn(backend.baseUrl, 'carol');
    }
    const body = await res.text();
    expect(res.status).toBe(403);
    expect(body).toContain('Demo sign-in only works in development');
    expect(body).not.toContain('token');
    expect(backend.output()).toMatch(/Demo sign-in is configured \(auth.providers.demo\) but NODE_ENV is 'production'/);
  });
});

describe('the repository config files', () => {
  const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), 'utf8');

  it('keep the demo sign-in, demo users and demo catalog out of what production uses', () => {
    for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
      const text = read(file);
      expect(text).not.toMatch(/^\s+demo:/m);
      expect(text).not.toContain('demoSignIn');
      expect(text).not.toContain('catalog-info.yaml');
      expect(text).not.toContain('dangerouslyAllowOutsideDevelopment: true');
    }
    expect(read('app-config.development.yaml')).toMatch(/^ {4}demo: \{\}$/m);
  });
});
