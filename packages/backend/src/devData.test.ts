/**
 * The development database through the real backend started as `npm run dev`
 * starts it (scripts/stack.js: app-config.yaml + app-config.development.yaml,
 * a real test cluster): requests are SQLite files in a folder that survives a
 * restart of the backend, and deleting that folder (the documented reset)
 * starts over with an empty database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { freePort } from '@backstage-egress/testenv';
import { signInDemoUser } from './__testUtils__/demoSession';

// scripts/stack.js is plain CommonJS shared with `npm run dev`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStack } = require('../../../scripts/stack');

jest.setTimeout(600_000);

const repoRoot = path.resolve(__dirname, '../../..');
const PAYMENTS = 'component:default/payments-api';

describe('the development database', () => {
  let dataDir: string;
  let stack: { backendUrl: string; stop(): Promise<void> } | undefined;

  /** Starts the dev backend (no app, no istiod, no traffic) on the given data folder; returns alice's headers. */
  async function startBackend() {
    stack = await startStack({
      cluster: 'devdata',
      // One demo cluster is enough to create a request for payments-api.
      clusters: ['dev-eu'],
      seed: false,
      istiod: false,
      traffic: false,
      app: false,
      backendPort: await freePort(),
      appPort: await freePort(),
      dataDir,
      // Quiet: a failed start throws with the servers' last lines.
      log: () => undefined,
    });
    return { Authorization: `Bearer ${await signInDemoUser(stack!.backendUrl, 'alice')}` };
  }

  async function stopBackend() {
    await stack?.stop();
    stack = undefined;
  }

  async function requestIds(headers: Record<string, string>): Promise<string[]> {
    const res = await fetch(`${stack!.backendUrl}/api/egress/entity?entityRef=${encodeURIComponent(PAYMENTS)}`, { headers });
    expect(res.status).toBe(200);
    return ((await res.json()).requests as Array<{ id: string }>).map(r => r.id);
  }

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-dev-data-'));
  });

  afterAll(async () => {
    await stopBackend();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is a SQLite folder in the gitignored data/ by default', () => {
    const config = parse(fs.readFileSync(path.join(repoRoot, 'app-config.development.yaml'), 'utf8'));
    expect(config.backend.database.client).toBe('better-sqlite3');
    // The backend runs in packages/backend, so the relative directory is resolved from there.
    const directory = path.resolve(repoRoot, 'packages/backend', config.backend.database.connection.directory);
    expect(directory).toBe(path.join(repoRoot, 'data'));
    // The root .gitignore lists the folder (read as text: CI's second leg runs in a copy without .git).
    const ignored = fs.readFileSync(path.join(repoRoot, '.gitignore'), 'utf8').split('\n').map(line => line.trim());
    expect(ignored.some(line => ['data', 'data/', '/data', '/data/'].includes(line))).toBe(true);
  });

  it('keeps requests across a restart of the backend, and starts empty after the reset', async () => {
    let alice = await startBackend();
    const clusters = await (await fetch(`${stack!.backendUrl}/api/egress/clusters`, { headers: alice })).json();
    const created = await fetch(`${stack!.backendUrl}/api/egress/requests`, {
      method: 'POST',
      headers: { ...alice, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        entityRef: PAYMENTS,
        clusters: [clusters.items[0].name],
        hosts: ['api.restart-survivor.example.com'],
        ports: [{ number: 443, protocol: 'TLS' }],
        viaEgressGateway: true,
        justification: 'Kept across a restart of the dev backend',
      }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect(await requestIds(alice)).toContain(id);
    await stopBackend();
    // The egress plugin's own SQLite file, next to the other plugins' files.
    expect(fs.readdirSync(dataDir)).toContain('egress.sqlite');

    alice = await startBackend();
    expect(await requestIds(alice)).toContain(id);
    await stopBackend();

    // The documented reset: stop the backend and delete the folder.
    fs.rmSync(dataDir, { recursive: true, force: true });
    alice = await startBackend();
    expect(await requestIds(alice)).toEqual([]);
  });
});
