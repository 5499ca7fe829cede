/**
 * An adopter's install: the publishable tarballs (`npm run build:packages`),
 * not workspace links, installed with npm into a minimal Backstage backend
 * outside this repository, started with the config an adopter would write
 * (PostgreSQL, one cluster with a service-account token, permissions on) and
 * checked from outside: health, the egress migrations in the database, and
 * the authenticated API.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '@backstage-egress/testenv';

// Plain CommonJS scripts shared with `npm test`.
/* eslint-disable @typescript-eslint/no-require-imports */
const { packAll } = require('../../../scripts/pack');
const postgres = require('../../../scripts/postgres');
/* eslint-enable @typescript-eslint/no-require-imports */

jest.setTimeout(30 * 60_000);

const repoRoot = path.resolve(__dirname, '../../..');

/** The version of a Backstage package this repository is locked to, so the adopter gets the same release. */
function lockedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
}

describe('the packed plugins in an adopter backend', () => {
  let dir: string;
  let backend: ChildProcess;
  let baseUrl: string;
  let database: string;
  let pgUrl: string;
  let output = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-adopter-'));
    const tarballs: string[] = packAll(path.join(dir, 'tarballs'), () => undefined);
    expect(tarballs.map(t => path.basename(t)).sort()).toEqual([
      'backstage-egress-plugin-egress-0.1.0.tgz',
      'backstage-egress-plugin-egress-backend-0.1.0.tgz',
      'backstage-egress-plugin-egress-common-0.1.0.tgz',
      'backstage-egress-plugin-scaffolder-backend-module-egress-0.1.0.tgz',
    ]);

    const app = path.join(dir, 'backend');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'adopter-backend', private: true }));
    fs.writeFileSync(
      path.join(app, 'index.js'),
      [
        "const { createBackend } = require('@backstage/backend-defaults');",
        'const backend = createBackend();',
        "backend.add(require('@backstage/plugin-catalog-backend'));",
        "backend.add(require('@backstage/plugin-permission-backend'));",
        "backend.add(require('@backstage/plugin-permission-backend-module-allow-all-policy'));",
        "backend.add(require('@backstage-egress/plugin-egress-backend'));",
        'backend.start();',
        '',
      ].join('\n'),
    );
    const backstage = [
      '@backstage/backend-defaults',
      '@backstage/plugin-catalog-backend',
      '@backstage/plugin-permission-backend',
    ].map(name => `${name}@${lockedVersion(name)}`);
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        ...tarballs.filter(t => !t.includes('plugin-egress-0.1.0')),
        ...backstage,
        // The release of the locked permission backend.
        '@backstage/plugin-permission-backend-module-allow-all-policy@0.2.25',
        'pg',
      ],
      { cwd: app, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_loglevel: 'error' } },
    );
    // Installed from the tarballs, not linked to this repository.
    const installed = path.join(app, 'node_modules/@backstage-egress/plugin-egress-backend');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).main).toBe('dist/index.cjs.js');

    pgUrl = process.env[postgres.ENV_VAR] || (await postgres.start());
    database = `egress_adopter_${process.pid}`;
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const url = new URL(pgUrl);
    fs.writeFileSync(
      path.join(app, 'app-config.yaml'),
      [
        'app:',
        '  baseUrl: http://localhost:3000',
        'backend:',
        `  baseUrl: ${baseUrl}`,
        `  listen: { port: ${port} }`,
        '  auth:',
        '    externalAccess:',
        '      - type: static',
        '        options:',
        '          token: ${ADOPTER_STATIC_TOKEN}',
        '          subject: adopter-ci',
        '  database:',
        '    client: pg',
        '    pluginDivisionMode: schema',
        '    connection:',
        `      host: ${url.hostname}`,
        `      port: ${url.port}`,
        `      user: ${decodeURIComponent(url.username)}`,
        `      password: \${ADOPTER_PG_PASSWORD}`,
        `      database: ${database}`,
        'permission:',
        '  enabled: true',
        'catalog:',
        '  locations: []',
        'egress:',
        '  clusters:',
        '    - name: prod-eu',
        '      title: Production (EU)',
        '      url: https://127.0.0.1:1',
        '      authProvider: serviceAccount',
        '      serviceAccountToken: ${EGRESS_PROD_EU_TOKEN}',
        '  policy:',
        '    deniedHosts: [pastebin.com]',
        '',
      ].join('\n'),
    );
    backend = spawn(process.execPath, ['index.js', '--config', 'app-config.yaml'], {
      cwd: app,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        ADOPTER_STATIC_TOKEN: 'adopter-static-token-0123456789',
        ADOPTER_PG_PASSWORD: decodeURIComponent(url.password),
        EGRESS_PROD_EU_TOKEN: 'adopter-secret-token',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    backend.stdout!.on('data', d => (output += d));
    backend.stderr!.on('data', d => (output += d));
    await waitFor('the adopter backend', async () => (await fetch(`${baseUrl}/api/egress/health`)).ok, {
      timeoutMs: 180_000,
      intervalMs: 1000,
      abort: () => {
        if (backend.exitCode !== null) throw new Error(`adopter backend exited with ${backend.exitCode}:\n${output}`);
      },
    });
  });

  afterAll(async () => {
    if (backend?.pid && backend.exitCode === null) {
      const exited = new Promise(r => backend.once('exit', r));
      process.kill(-backend.pid, 'SIGTERM');
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('packs the frontend plugin with every entry point it declares', () => {
    const tarball = path.join(dir, 'tarballs/backstage-egress-plugin-egress-0.1.0.tgz');
    const files = new Set(
      execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
        .split('\n')
        .map(f => f.replace(/^package\//, '')),
    );
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    const entries = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.exports as Record<string, string | Record<string, string>>).flatMap(e =>
        typeof e === 'string' ? [e] : [e.import, e.types].filter(Boolean),
      ),
    ].map((f: string) => f.replace(/^\.\//, ''));
    expect(entries).toEqual(expect.arrayContaining(['dist/index.esm.js', 'dist/alpha.esm.js', 'dist/alpha.d.ts']));
    expect(entries.filter(f => !files.has(f))).toEqual([]);
  });

  it('answers the health check without credentials', async () => {
    const res = await fetch(`${baseUrl}/api/egress/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('ran the egress migrations in the database', () => {
    const psql = (sql: string) =>
      execFileSync('psql', [pgUrl.replace(/\/[^/]*$/, `/${database}`), '-Atc', sql], { encoding: 'utf8' }).trim();
    const tables = psql("select table_name from information_schema.tables where table_schema = 'egress' order by 1").split('\n');
    expect(tables).toEqual(expect.arrayContaining(['egress_requests', 'egress_request_targets', 'egress_audit_events']));
    const migrations = fs.readdirSync(path.join(dir, 'backend/node_modules/@backstage-egress/plugin-egress-backend/migrations'));
    expect(migrations.length).toBeGreaterThan(0);
    const applied = psql('select name from egress.knex_migrations order by id').split('\n');
    expect(applied.sort()).toEqual(migrations.sort());
  });

  it('serves its API to signed-in users only', async () => {
    // The adopter's static token is a service principal: refused like an anonymous caller.
    const asService = await fetch(`${baseUrl}/api/egress/clusters`, {
      headers: { Authorization: 'Bearer adopter-static-token-0123456789' },
    });
    expect(asService.status).toBe(403);
    expect(JSON.stringify(await asService.json())).not.toContain('adopter-secret-token');
    expect((await fetch(`${baseUrl}/api/egress/clusters`)).status).toBe(401);
  });
});
