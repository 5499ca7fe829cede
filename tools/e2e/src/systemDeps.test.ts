/**
 * The Debian programs the repository runs (`/usr/bin/<name>` in its scripts, test
 * environment, tests and benchmarks) are the ones `npm test` and `npm run dev` install when
 * missing (scripts/system-deps.js): a fresh machine gets every one of them, not an error
 * half-way through the suite.
 */
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');
// Plain CommonJS shared with `npm test` and `npm run dev`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PACKAGES } = require('../../../scripts/system-deps');

const SOURCE_DIRS = ['scripts', 'tools', 'packages', 'plugins'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'dist-types', '.git'].includes(entry.name) ? [] : sourceFiles(full);
    return /\.(js|cjs|mjs|ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

describe('system packages', () => {
  const used = new Map<string, string>();
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(path.join(repoRoot, dir))) {
      for (const [, name] of fs.readFileSync(file, 'utf8').matchAll(/['"`]\/usr\/bin\/([a-z0-9_.-]+)['"`]/g)) {
        if (!used.has(name)) used.set(name, path.relative(repoRoot, file));
      }
    }
  }

  it('finds the programs the repository runs from /usr/bin', () => {
    expect([...used.keys()]).toEqual(expect.arrayContaining(['chromium', 'prometheus']));
  });

  it.each([...used.entries()])('installs /usr/bin/%s (used in %s) when it is missing', name => {
    const entry = (PACKAGES as Array<{ pkg: string; present: () => boolean }>).find(
      p => p.pkg === name || String(p.present).includes(`/usr/bin/${name}`),
    );
    expect(entry).toBeDefined();
  });
});
