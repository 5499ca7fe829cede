#!/usr/bin/env node
// @ts-check
/**
 * Starts the portal for development (`npm run dev`): the local test cluster
 * `dev` (built from upstream Go modules on first run, seeded with a few
 * unmanaged egress resources), the backend on :7007 with KUBECONFIG pointing
 * at that cluster as the plugin's least-privilege identity, and the app on
 * :3000. Ctrl-C stops everything, including the cluster.
 *
 * EGRESS_DEV_CLUSTER=0 skips the test cluster (use your own egress.clusters
 * or KUBECONFIG then).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureGo, ensureSystemPackages } = require('./system-deps');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');
const APP_URL = 'http://localhost:3000';
const BACKEND_URL = 'http://localhost:7007';

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
let stopping = false;

async function main() {
  if (!fs.existsSync(cli)) {
    throw new Error('npm packages are missing: run `npm ci` first');
  }
  const env = { ...process.env };
  const useCluster = process.env.EGRESS_DEV_CLUSTER !== '0';
  if (useCluster) {
    ensureSystemPackages();
    ensureGo();
    const testenv = require('@backstage-egress/testenv');
    console.log('[dev] preparing the local test cluster `dev` (the first run builds kube-apiserver, etcd and istioctl: several minutes)');
    await testenv.ensureBinaries();
    const info = await testenv.startCluster({ name: 'dev', seed: true });
    env.KUBECONFIG = writePluginKubeconfig(info);
    console.log(`[dev] cluster dev: ${info.server} (${info.version}, mesh ${info.meshMode}); kubectl: export KUBECONFIG=${info.kubeconfigPath}`);
  }

  start('backend', path.join(root, 'packages/backend'), env);
  start('app', path.join(root, 'packages/app'), env);
  await waitFor(`${BACKEND_URL}/api/egress/health`, 'backend');
  await waitFor(APP_URL, 'app');
  console.log(`\n[dev] Egress portal: ${APP_URL}  (sign in as alice to request access, carol to approve)\n`);
}

/** A kubeconfig whose current context is the plugin's least-privilege identity. */
function writePluginKubeconfig(info) {
  const text = fs.readFileSync(info.kubeconfigPath, 'utf8');
  const file = path.join(path.dirname(info.kubeconfigPath), 'kubeconfig.backstage-egress');
  fs.writeFileSync(
    file,
    text.replace(/^current-context: .*$/m, `current-context: ${info.contexts['backstage-egress']}`),
    { mode: 0o600 },
  );
  return file;
}

function start(name, cwd, env) {
  const child = spawn(process.execPath, [cli, 'package', 'start'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = line => `[${name}] ${line}`;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', chunk => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) console.log(prefix(line));
    });
  }
  child.on('exit', code => {
    if (!stopping) {
      console.error(`[dev] ${name} exited with ${code}; stopping`);
      shutdown(1);
    }
  });
  children.push(child);
}

async function waitFor(url, what) {
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${what} did not come up at ${url}`);
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  if (process.env.EGRESS_DEV_CLUSTER !== '0') {
    try {
      await require('@backstage-egress/testenv').stopCluster('dev');
    } catch (e) {
      console.error(`[dev] stopping the cluster: ${e.message}`);
    }
  }
  process.exit(code);
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
main().catch(err => {
  console.error(`[dev] ${err.message}`);
  shutdown(1);
});
