/**
 * The Backstage project an adopter has (the layout `@backstage/create-app`
 * makes): an npm workspace with `packages/app` (new frontend system) and
 * `packages/backend` (new backend system, serving the built app through
 * `@backstage/plugin-app-backend`), set up as the README's "Using the plugins
 * in your Backstage" says, with the egress plugins installed from their
 * tarballs and every Backstage package from the npm registry (or npm's cache)
 * at the release this repository is locked to.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

/** The version of a package this repository is locked to, so the adopter gets the same release. */
export function lockedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Packages of the same Backstage release that this repository does not install itself. */
const SAME_RELEASE: Record<string, string> = {
  '@backstage/plugin-permission-backend-module-allow-all-policy': '0.2.25',
  '@backstage/plugin-auth-backend-module-guest-provider': '0.2.25',
  '@backstage/plugin-app-backend': '0.5.20',
};

function versions(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map(n => [n, SAME_RELEASE[n] ?? lockedVersion(n)]));
}

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The tarball of one of the egress packages, as an npm `file:` dependency. */
function tarball(tarballs: string[], pkg: string): string {
  const file = tarballs.find(t => path.basename(t) === `backstage-egress-${pkg}-0.1.0.tgz`);
  if (!file) throw new Error(`no tarball for ${pkg} in ${tarballs.join(', ')}`);
  return `file:${file}`;
}

const APP_TSX = `import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { SignInPage } from '@backstage/core-components';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import egressPlugin from '@backstage-egress/plugin-egress/alpha';

const signInPage = SignInPageBlueprint.make({
  params: { loader: async () => props => <SignInPage {...props} providers={['guest']} /> },
});

export default createApp({
  features: [
    catalogPlugin,
    egressPlugin,
    createFrontendModule({ pluginId: 'app', extensions: [signInPage] }),
  ],
});
`;

const INDEX_TSX = `import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import app from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
`;

const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title><%= config.getString('app.title') %></title>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

const BACKEND_INDEX = `const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(require('@backstage/plugin-app-backend'));
backend.add(require('@backstage/plugin-auth-backend'));
backend.add(require('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(require('@backstage/plugin-permission-backend'));
backend.add(require('@backstage/plugin-permission-backend-module-allow-all-policy'));
backend.add(require('@backstage-egress/plugin-egress-backend'));
backend.start();
`;

/**
 * Writes the project into `dir` (root, `packages/app`, `packages/backend`).
 * `@backstage-egress/plugin-egress-common` is not on the registry: its tarball
 * is listed at the root so npm resolves the plugins' dependency on it there.
 */
export function writeAdopterProject(dir: string, tarballs: string[]) {
  const common = tarball(tarballs, 'plugin-egress-common');
  write(
    path.join(dir, 'package.json'),
    json({
      name: 'adopter-root',
      private: true,
      workspaces: ['packages/*'],
      dependencies: { '@backstage-egress/plugin-egress-common': common },
    }),
  );
  // Without it npm stops with ERESOLVE on Backstage's own peer ranges (see the README).
  write(path.join(dir, '.npmrc'), 'legacy-peer-deps=true\nfund=false\naudit=false\n');

  write(
    path.join(dir, 'packages/app/package.json'),
    json({
      name: 'app',
      version: '0.1.0',
      private: true,
      bundled: true,
      backstage: { role: 'frontend' },
      dependencies: {
        '@backstage-egress/plugin-egress': tarball(tarballs, 'plugin-egress'),
        ...versions([
          '@backstage/cli',
          '@backstage/core-components',
          '@backstage/frontend-defaults',
          '@backstage/frontend-plugin-api',
          '@backstage/plugin-app-react',
          '@backstage/plugin-catalog',
          '@backstage/ui',
          'react',
          'react-dom',
          'react-router-dom',
        ]),
      },
      browserslist: { production: ['>0.2%', 'not dead', 'not op_mini all'] },
    }),
  );
  write(path.join(dir, 'packages/app/public/index.html'), INDEX_HTML);
  write(path.join(dir, 'packages/app/src/index.tsx'), INDEX_TSX);
  write(path.join(dir, 'packages/app/src/App.tsx'), APP_TSX);

  write(
    path.join(dir, 'packages/backend/package.json'),
    json({
      name: 'backend',
      version: '0.1.0',
      private: true,
      main: 'index.js',
      dependencies: {
        app: '0.1.0',
        '@backstage-egress/plugin-egress-backend': tarball(tarballs, 'plugin-egress-backend'),
        ...versions([
          '@backstage/backend-defaults',
          '@backstage/plugin-app-backend',
          '@backstage/plugin-auth-backend',
          '@backstage/plugin-auth-backend-module-guest-provider',
          '@backstage/plugin-catalog-backend',
          '@backstage/plugin-permission-backend',
          '@backstage/plugin-permission-backend-module-allow-all-policy',
          'pg',
        ]),
      },
    }),
  );
  write(path.join(dir, 'packages/backend/index.js'), BACKEND_INDEX);
}

/** `npm install` at the root (npm's cache first), then the app's production build. */
export function installAndBuild(dir: string, config: string[], log: (line: string) => void) {
  const env = { ...process.env, npm_config_loglevel: 'error' };
  const run = (what: string, cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}) => {
    const started = Date.now();
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, ...extraEnv } });
    log(`[adopter] ${what}: ${Math.round((Date.now() - started) / 1000)} s`);
  };
  run('npm install', 'npm', ['install', '--prefer-offline'], dir);
  // Jest runs with NODE_ENV=test; the bundle is built as an adopter's CI builds it.
  run(
    'app build',
    process.execPath,
    [path.join(dir, 'node_modules/@backstage/cli/bin/backstage-cli'), 'package', 'build', ...config.flatMap(c => ['--config', c])],
    path.join(dir, 'packages/app'),
    { NODE_ENV: 'production' },
  );
}
