/**
 * The install path's Node support, read from package-lock.json the way npm
 * checks it at install: every package `npm ci` installs (optional ones are
 * skipped silently when their engines do not match) must admit the Node
 * release, or npm prints an EBADENGINE warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const repoRoot = path.resolve(__dirname, '../../..');

interface LockedPackage {
  version?: string;
  optional?: boolean;
  hasInstallScript?: boolean;
  link?: boolean;
  engines?: { node?: string } | string[];
}

const lock: { packages: Record<string, LockedPackage> } = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'),
);
// Plain CommonJS shared with `npm run build:packages`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PUBLISHABLE } = require('../../../scripts/pack');

const nodeEngines = (dir: string): string | undefined =>
  JSON.parse(fs.readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8')).engines?.node;

/** `name@version` of each installed package whose `engines.node` refuses `nodeVersion`. */
function refusing(nodeVersion: string): string[] {
  return Object.entries(lock.packages)
    .filter(([, pkg]) => !pkg.optional)
    .filter(([, pkg]) => {
      const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
      return range !== undefined && !semver.satisfies(nodeVersion, range);
    })
    .map(([where, pkg]) => `${where.replace(/^.*node_modules\//, '')}@${pkg.version}`)
    .sort();
}

describe('npm ci', () => {
  it('admits the Node majors 20, 22 and 24 at the root and in every publishable package', () => {
    for (const dir of ['.', ...PUBLISHABLE]) {
      const range = nodeEngines(dir);
      expect({ dir, range }).toEqual({ dir, range: expect.any(String) });
      for (const version of ['20.20.2', '22.23.5', '24.11.0']) expect({ dir, version, admitted: semver.satisfies(version, range!) }).toEqual({ dir, version, admitted: true });
      expect({ dir, admitsNode18: semver.satisfies('18.20.0', range!) }).toEqual({ dir, admitsNode18: false });
    }
  });

  it('installs nothing that refuses Node 22, the recommended release', () => {
    expect(refusing('22.23.5')).toEqual([]);
  });

  it('installs nothing that refuses Node 24', () => {
    expect(refusing('24.11.0')).toEqual([]);
  });

  it('on Node 20 warns only about nunjitsu, the scaffolder\'s template engine, which requires Node 22 in every release', () => {
    // nunjitsu: the template engine of @backstage/plugin-scaffolder-common and -backend since
    // scaffolder-backend 4.1 (^0.7.0 now; every nunjitsu release declares Node 22, and the
    // scaffolder releases before it used nunjucks). It runs on Node 20 in this suite.
    expect(refusing('20.20.2')).toEqual(['nunjitsu@0.7.0']);
  });

  it('installs the config schema generator in a release that admits Node 20 (a root override)', () => {
    // @backstage/config-loader asks for ts-json-schema-generator ^2.9.0, whose releases since 2.5
    // declare Node 22 (the code still supports 20). 2.4.0 admits Node 18+ and produces the same
    // schemas for this repository's config.d.ts files (config.schema.test.ts in the backend).
    const rootPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const generators = Object.entries(lock.packages).filter(([where]) => where.endsWith('node_modules/ts-json-schema-generator'));
    expect(generators.map(([, pkg]) => pkg.version)).toEqual([rootPackage.overrides['ts-json-schema-generator']]);
    expect(generators.every(([, pkg]) => semver.satisfies('20.20.2', (pkg.engines as { node: string }).node))).toBe(true);
  });

  it('has a decision in allowScripts for every installed package with an install script (npm 12 runs only the allowed ones)', () => {
    const allowScripts: Record<string, boolean> = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'),
    ).allowScripts;
    const withScripts = Object.entries(lock.packages)
      .filter(([where, pkg]) => pkg.hasInstallScript && !pkg.link && where.includes('node_modules/'))
      .map(([where]) => where.replace(/^.*node_modules\//, ''));
    const undecided = [...new Set(withScripts)].filter(name => !(name in allowScripts)).sort();
    expect(undecided).toEqual([]);
    // The native SQLite driver of development and the tests must build.
    expect(allowScripts['better-sqlite3']).toBe(true);
  });
});
