import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const backendDir = path.resolve(__dirname, '../..');
const cli = require.resolve('@backstage/cli/bin/backstage-cli');

/**
 * The backend as production runs it: `backstage-cli package build` of
 * packages/backend (the backend bundled, the workspace plugins it uses built
 * and packed as for publishing into `dist/bundle.tar.gz`), unpacked into
 * `packages/backend/dist/bundle`. The packed plugins are linked into the
 * bundle's node_modules; every other dependency resolves from the
 * repository's installed node_modules, as a production image installs them.
 * Returns the entry point to run with node.
 */
export function buildProductionBackend(log: (line: string) => void = () => {}): string {
  log('[production] backstage-cli package build (packages/backend and the workspace plugins it uses)');
  // The CLI copies the root yarn.lock into the bundle (for `yarn install` in an image); this
  // workspace uses npm and package-lock.json, so an empty one stands in during the build.
  const yarnLock = path.join(backendDir, '../../yarn.lock');
  const madeLock = !fs.existsSync(yarnLock);
  if (madeLock) fs.writeFileSync(yarnLock, '');
  try {
    execFileSync(process.execPath, [cli, 'package', 'build'], { cwd: backendDir, stdio: ['ignore', 'pipe', 'inherit'] });
  } finally {
    if (madeLock) fs.rmSync(yarnLock);
  }
  const bundle = path.join(backendDir, 'dist/bundle');
  fs.rmSync(bundle, { recursive: true, force: true });
  fs.mkdirSync(bundle, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(backendDir, 'dist/bundle.tar.gz'), '-C', bundle]);
  for (const dir of fs.readdirSync(path.join(bundle, 'plugins'))) {
    const packageDir = path.join(bundle, 'plugins', dir);
    const { name } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    const link = path.join(bundle, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(packageDir, link, 'dir');
  }
  const entry = path.join(bundle, 'packages/backend');
  log(`[production] built: node ${path.relative(process.cwd(), entry)}`);
  return entry;
}
