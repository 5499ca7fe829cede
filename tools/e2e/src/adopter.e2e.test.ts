/**
 * An adopter's install: the publishable tarballs (`npm run build:packages`),
 * not workspace links, installed with npm into a minimal Backstage project
 * outside this repository (backend and app, see adopterProject.ts), the app
 * built for production and served by the backend, started with the config an
 * adopter would write (PostgreSQL, one real test cluster reached with the
 * plugin's service-account token and CA, permissions on, guest sign-in) and
 * checked from outside: health, the egress migrations in the database, the
 * authenticated API, and in Chromium the entity's Egress tab with the
 * cluster's inventory and a request sent from its form.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterInfo, ensureBinaries, freePort, startCluster, stopCluster, waitFor } from '@backstage-egress/testenv';
import { Browser, chromium } from 'playwright-core';
import { installAndBuild, writeAdopterProject } from './adopterProject';

// Plain CommonJS scripts shared with `npm test`.
/* eslint-disable @typescript-eslint/no-require-imports */
const { packAll } = require('../../../scripts/pack');
const postgres = require('../../../scripts/postgres');
/* eslint-enable @typescript-eslint/no-require-imports */

jest.setTimeout(40 * 60_000);

const CLUSTER = 't-adopter';
const NAMESPACE = 'payments';
const ENTITY = 'component:default/payments-api';

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: adopter
spec:
  memberOf: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  annotations:
    backstage.io/kubernetes-namespace: ${NAMESPACE}
spec:
  type: service
  lifecycle: production
  owner: user:default/adopter
`;

describe('the packed plugins in an adopter backend and app', () => {
  let dir: string;
  let project: string;
  let backend: ChildProcess;
  let baseUrl: string;
  let database: string;
  let pgUrl: string;
  let cluster: ClusterInfo;
  let output = '';
  const started = Date.now();
  const log = (line: string) => (output += `${line}\n`);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-adopter-'));
    const tarballs: string[] = packAll(path.join(dir, 'tarballs'), () => undefined);
    expect(tarballs.map(t => path.basename(t)).sort()).toEqual([
      'backstage-egress-plugin-egress-0.1.0.tgz',
      'backstage-egress-plugin-egress-backend-0.1.0.tgz',
      'backstage-egress-plugin-egress-common-0.1.0.tgz',
      'backstage-egress-plugin-scaffolder-backend-module-egress-0.1.0.tgz',
    ]);
    log(`[adopter] packed: ${Math.round((Date.now() - started) / 1000)} s`);

    // The platform team's side: the cluster, and the namespace naming its owner.
    const { kubectl } = await ensureBinaries();
    cluster = await startCluster({ name: CLUSTER, seed: true });
    execFileSync(kubectl, ['--kubeconfig', cluster.kubeconfigPath, 'annotate', 'namespace', NAMESPACE, `egress.backstage.io/owner=${ENTITY}`, '--overwrite']);

    pgUrl = process.env[postgres.ENV_VAR] || (await postgres.start());
    database = `egress_adopter_${process.pid}`;
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const url = new URL(pgUrl);

    project = path.join(dir, 'adopter');
    writeAdopterProject(project, tarballs);
    fs.writeFileSync(path.join(project, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(
      path.join(project, 'app-config.yaml'),
      [
        'app:',
        '  title: Adopter portal',
        `  baseUrl: ${baseUrl}`,
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
        'auth:',
        '  environment: production',
        '  providers:',
        // A test has no identity provider to send people to: Backstage's guest provider, signing
        // everyone in as the catalog user adopter, allowed outside development on purpose.
        '    guest:',
        '      userEntityRef: user:default/adopter',
        '      dangerouslyAllowOutsideDevelopment: true',
        'permission:',
        '  enabled: true',
        'catalog:',
        '  locations:',
        `    - type: file`,
        `      target: ${path.join(project, 'catalog-info.yaml')}`,
        '      rules:',
        '        - allow: [User, Component]',
        'egress:',
        '  clusters:',
        '    - name: prod-eu',
        '      title: Production (EU)',
        `      url: ${cluster.server}`,
        '      authProvider: serviceAccount',
        '      serviceAccountToken: ${EGRESS_PROD_EU_TOKEN}',
        '      caData: ${EGRESS_PROD_EU_CA}',
        '  policy:',
        '    deniedHosts: [pastebin.com]',
        '',
      ].join('\n'),
    );
    const config = [path.join(project, 'app-config.yaml')];
    installAndBuild(project, config, log);

    const app = path.join(project, 'packages/backend');
    backend = spawn(process.execPath, ['index.js', ...config.flatMap(c => ['--config', c])], {
      cwd: app,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        ADOPTER_STATIC_TOKEN: 'adopter-static-token-0123456789',
        ADOPTER_PG_PASSWORD: decodeURIComponent(url.password),
        EGRESS_PROD_EU_TOKEN: cluster.tokens['backstage-egress'],
        EGRESS_PROD_EU_CA: cluster.caData,
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
    log(`[adopter] ready: ${Math.round((Date.now() - started) / 1000)} s`);

    // The catalog reads catalog-info.yaml in its own processing loop, after the backend answers:
    // the entity page shows its tabs only once the entity is there.
    await waitFor(
      'the catalog to hold the entity',
      async () =>
        (
          await fetch(`${baseUrl}/api/catalog/entities/by-name/component/default/payments-api`, {
            headers: { Authorization: 'Bearer adopter-static-token-0123456789' },
          })
        ).ok,
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    log(`[adopter] entity in the catalog: ${Math.round((Date.now() - started) / 1000)} s`);
  });

  afterAll(async () => {
    const stopping = Date.now();
    if (backend?.pid && backend.exitCode === null) {
      const exited = new Promise(r => backend.once('exit', r));
      process.kill(-backend.pid, 'SIGTERM');
      await exited;
    }
    log(`[adopter] backend stopped: ${Math.round((Date.now() - stopping) / 1000)} s`);
    await stopCluster(CLUSTER);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    log(`[adopter] cluster stopped, project removed: ${Math.round((Date.now() - stopping) / 1000)} s`);
    // eslint-disable-next-line no-console
    console.log(`${output.split('\n').filter(l => l.startsWith('[adopter]')).join('\n')}\n[adopter] whole test: ${Math.round((Date.now() - started) / 1000)} s`);
  });

  it('installed the plugins from their tarballs, not linked to this repository', () => {
    for (const pkg of ['plugin-egress', 'plugin-egress-backend', 'plugin-egress-common']) {
      const installed = path.join(project, 'node_modules/@backstage-egress', pkg);
      expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
      expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).main).toMatch(/^dist\/index\.(cjs|esm)\.js$/);
    }
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

  const psql = (sql: string) =>
    execFileSync('psql', [pgUrl.replace(/\/[^/]*$/, `/${database}`), '-Atc', sql], { encoding: 'utf8' }).trim();

  it('ran the egress migrations in the database', () => {
    const tables = psql("select table_name from information_schema.tables where table_schema = 'egress' order by 1").split('\n');
    expect(tables).toEqual(expect.arrayContaining(['egress_requests', 'egress_request_targets', 'egress_audit_events']));
    const migrations = fs.readdirSync(path.join(project, 'node_modules/@backstage-egress/plugin-egress-backend/migrations'));
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
    expect(JSON.stringify(await asService.json())).not.toContain(cluster.tokens['backstage-egress']);
    expect((await fetch(`${baseUrl}/api/egress/clusters`)).status).toBe(401);
  });

  describe('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("shows the entity's Egress tab with the cluster's hosts, and sends a request from its form", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(90_000);
      const page = await context.newPage();
      try {
        // The app is the production bundle served by the backend; the guest signs in there.
        await page.goto(`${baseUrl}/catalog/default/component/payments-api`);
        await page.getByRole('button', { name: 'Enter' }).click();
        await page.getByRole('navigation', { name: 'Content navigation' }).getByRole('link', { name: 'Egress', exact: true }).click();
        await page.waitForURL(/\/egress$/);
        expect(new URL(page.url()).pathname).toBe('/catalog/default/component/payments-api/egress');

        // The inventory the backend read from the cluster: the seeded, hand-made ServiceEntry.
        await page.getByRole('table', { name: 'Allowed hosts in Production (EU)' }).getByText('api.github.com').first().waitFor();

        await page.getByRole('button', { name: 'Request outbound access' }).click();
        const form = page.getByRole('dialog');
        await form.getByLabel('Hosts', { exact: true }).fill('api.stripe.com');
        await form.getByLabel('Port', { exact: true }).fill('443');
        await form.getByLabel('Protocol', { exact: true }).selectOption('TLS');
        await form.getByLabel('Production (EU)', { exact: true }).check();
        await form.getByLabel('Justification', { exact: true }).fill('Card payments go to Stripe');
        await form.getByLabel('YAML for cluster prod-eu').getByText('kind: ServiceEntry', { exact: false }).waitFor();
        await form.getByRole('button', { name: 'Submit request' }).click();
        await page.getByRole('status').getByText(/^Request for api\.stripe\.com /).waitFor();
        await page.getByRole('button', { name: 'api.stripe.com' }).first().waitFor();

        const stored = psql("select entity_ref || ' ' || requested_by from egress.egress_requests");
        expect(stored).toBe(`${ENTITY} user:default/adopter`);
      } catch (e) {
        const file = path.join(os.tmpdir(), 'egress-adopter-page.png');
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        const text = await page.locator('body').innerText({ timeout: 5000 }).catch(() => '(no page text)');
        // eslint-disable-next-line no-console
        console.log(`adopter: the page said:\n${text.slice(0, 2000)}`);
        // eslint-disable-next-line no-console
        console.log(`${output.split('\n').slice(-60).join('\n')}\nadopter: page ${page.url()} -> ${file}`);
        throw e;
      } finally {
        await context.close();
      }
    });
  });
});
