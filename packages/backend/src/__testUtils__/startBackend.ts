import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@backstage-egress/testenv';

export const repoRoot = path.resolve(__dirname, '../../../..');

/** A backend package started with `backstage-cli package start`, as `npm run dev` starts it. */
export interface StartedBackend {
  baseUrl: string;
  /** The process group's leader (the CLI), for measuring the backend's process tree. */
  pid: number;
  /** Process group of the backend (its `backstage-cli` process and the backend it runs). */
  processGroup: number;
  output(): string;
  stop(): Promise<void>;
  /** Ends the backend at once (SIGKILL to its process group), as a crashed replica. */
  kill(): Promise<void>;
}

/** A cluster under `egress.clusters`: its name and the further keys, written as YAML scalars. */
export type BackendCluster = { name: string } & Record<string, string | boolean>;

/** An unreachable cluster: the backend starts without any real one. */
const UNREACHABLE: BackendCluster = {
  name: 'smoke',
  title: 'Smoke cluster',
  url: 'https://127.0.0.1:1',
  serviceAccountToken: 'smoke-secret-token',
};

/**
 * Starts packages/backend with the config files `configFiles` (relative to
 * the repository root, or absolute) plus an override for the port and, unless
 * `settings` replaces them, an in-memory database (so tests never touch
 * data/) and `clusters` (by default one unreachable cluster).
 */
export async function startBackend(options: {
  configFiles: string[];
  nodeEnv: string;
  clusters?: BackendCluster[];
  /** The production build to run with node (see productionBuild.ts) instead of `backstage-cli package start`. */
  productionEntry?: string;
  /** Options for node itself, such as `--cpu-prof`. */
  nodeArgs?: string[];
  /** YAML lines for `backend.database` and `egress` (indented under them), instead of the defaults. */
  settings?: { database: string[]; egress: string[] };
  /** YAML lines for `backend.database` only (e.g. a SQLite directory two runs share). */
  database?: string[];
  /** More environment variables for the backend. */
  env?: Record<string, string>;
}): Promise<StartedBackend> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const overrides = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'egress-backend-')), 'app-config.override.yaml');
  const clusters = (options.clusters ?? [UNREACHABLE]).flatMap(({ name, ...rest }) => [
    `    - name: ${name}`,
    ...Object.entries(rest).map(([key, value]) => `      ${key}: ${value}`),
  ]);
  fs.writeFileSync(
    overrides,
    [
      'backend:',
      `  baseUrl: ${baseUrl}`,
      '  listen:',
      `    port: ${port}`,
      '  database:',
      ...(options.settings?.database ?? options.database ?? ['    client: better-sqlite3', "    connection: ':memory:'"]),
      'egress:',
      ...(options.settings?.egress ?? ['  clusters:', ...clusters]),
      '',
    ].join('\n'),
  );
  const configArgs = [...options.configFiles.map(f => path.resolve(repoRoot, f)), overrides].flatMap(f => ['--config', f]);
  const command = options.productionEntry
    ? [options.productionEntry]
    : [require.resolve('@backstage/cli/bin/backstage-cli'), 'package', 'start'];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...command, ...configArgs], {
    cwd: path.join(repoRoot, 'packages/backend'),
    env: { ...process.env, ...options.env, NODE_ENV: options.nodeEnv },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // The last 100,000 characters: a long benchmark run logs far more.
  const keep = (d: Buffer) => (output = (output + d).slice(-100_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const started: StartedBackend = {
    baseUrl,
    pid: child.pid!,
    processGroup: child.pid!,
    output: () => output,
    stop: () => stop(child),
    kill: () => stop(child, 'SIGKILL'),
  };
  try {
    await waitForHealth(`${baseUrl}/api/egress/health`, child, () => output);
  } catch (e) {
    await started.stop();
    throw e;
  }
  return started;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  // A process ended by a signal has no exit code but its signal code.
  if (child.pid && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise(r => child.once('exit', r));
    process.kill(-child.pid, signal);
    await exited;
  }
}

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

/** `GET /api/auth/demo/refresh` with the demo sign-in header naming `user`. */
export function demoSignIn(baseUrl: string, user: string) {
  return fetch(`${baseUrl}/api/auth/demo/refresh`, {
    headers: { 'x-egress-demo-user': user },
  });
}
