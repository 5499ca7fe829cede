/**
 * `npm run dev` stops everything it started when Ctrl-C comes at any moment:
 * while the two test clusters start, while the backend and the app start, and
 * once the portal is up. The servers run in their own process groups, so
 * nothing but the dev script itself can stop them.
 */
import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { clusterStatus, freePort, stopCluster } from '@backstage-egress/testenv';

jest.setTimeout(15 * 60_000);

const repoRoot = path.resolve(__dirname, '../../..');
// EGRESS_DEV_CLUSTER is the prefix of the two local test clusters.
const PREFIX = 't-dev-interrupt';
const CLUSTERS = [`${PREFIX}-eu`, `${PREFIX}-us`];

interface DevRun {
  child: ChildProcess;
  output: string[];
  backendPort: number;
  appPort: number;
  exited: Promise<number | null>;
}

async function startDev(): Promise<DevRun> {
  const backendPort = await freePort();
  const appPort = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/dev.js')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      EGRESS_DEV_CLUSTER: PREFIX,
      EGRESS_BACKEND_PORT: String(backendPort),
      EGRESS_APP_PORT: String(appPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => output.push(...chunk.split('\n')));
  }
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  return { child, output, backendPort, appPort, exited };
}

async function waitForLine(run: DevRun, pattern: RegExp, timeoutMs = 10 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!run.output.some(line => pattern.test(line))) {
    if (run.child.exitCode !== null) {
      throw new Error(`dev exited with ${run.child.exitCode} before ${pattern}:\n${run.output.slice(-40).join('\n')}`);
    }
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern}:\n${run.output.slice(-40).join('\n')}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Ctrl-C, then: the script exits by itself, both clusters are stopped and nobody listens on the ports. */
async function interruptAndCheck(run: DevRun) {
  run.child.kill('SIGINT');
  const code = await Promise.race([
    run.exited,
    new Promise<'hung'>(resolve => setTimeout(() => resolve('hung'), 60_000)),
  ]);
  expect(code).not.toBe('hung');
  for (const name of CLUSTERS) expect((await clusterStatus(name)).state).toBe('stopped');
  expect(await isListening(run.backendPort)).toBe(false);
  expect(await isListening(run.appPort)).toBe(false);
  return code;
}

describe('npm run dev and Ctrl-C', () => {
  afterEach(async () => {
    for (const name of CLUSTERS) await stopCluster(name);
  });

  it('stops the test clusters when interrupted while the clusters start', async () => {
    const run = await startDev();
    await waitForLine(run, /\[stack\] preparing the local test cluster/);
    const code = await interruptAndCheck(run);
    expect(code).toBe(130);
    expect(run.output.join('\n')).toMatch(/stopped before the portal was ready/);
  });

  it('stops the backend, the app and the clusters when interrupted while the servers start', async () => {
    const run = await startDev();
    // The backend has been spawned and is starting (its first lines are out), not yet answering.
    await waitForLine(run, /^\[backend\] /);
    expect(run.output.join('\n')).not.toMatch(/Egress portal:/);
    const code = await interruptAndCheck(run);
    expect(code).toBe(130);
  });

  it('stops everything when interrupted once the portal is up', async () => {
    const run = await startDev();
    await waitForLine(run, /Egress portal:/);
    expect(await isListening(run.backendPort)).toBe(true);
    const code = await interruptAndCheck(run);
    expect(code).toBe(0);
  });
});
