// @ts-check
/**
 * The portal stack used by `npm run dev` and the end-to-end tests: a local
 * test cluster, the backend (talking to that cluster as the plugin's
 * least-privilege identity) and the app dev server.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureGo, ensureSystemPackages } = require('./system-deps');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');

/**
 * @typedef {object} StackOptions
 * @property {string | false} [cluster]  test cluster name, false to use your own egress.clusters / KUBECONFIG
 * @property {boolean} [seed]            seed the cluster with unmanaged egress resources
 * @property {number} [backendPort]
 * @property {number} [appPort]
 * @property {string[]} [extraConfig]    additional app-config YAML texts
 * @property {string} [dataDir]          folder of the SQLite files; default data/ (kept across runs)
 * @property {(line: string) => void} [log]
 */

/** @param {StackOptions} options */
async function startStack(options = {}) {
  const {
    cluster = 'dev',
    seed = true,
    backendPort = 7007,
    appPort = 3000,
    extraConfig = [],
    dataDir,
    log: userLog = line => console.log(line),
  } = options;
  /** The last lines of output, for error messages. */
  const recent = [];
  const log = line => {
    recent.push(line);
    if (recent.length > 60) recent.shift();
    userLog(line);
  };
  if (!fs.existsSync(cli)) {
    throw new Error('npm packages are missing: run `npm ci` first');
  }
  const appUrl = `http://localhost:${appPort}`;
  const backendUrl = `http://localhost:${backendPort}`;
  // Jest sets NODE_ENV=test, which the app's bundler has no browserslist for.
  const env = { ...process.env, NODE_ENV: 'development' };
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = [];
  let clusterInfo;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map(child => terminate(child)));
    if (cluster) {
      await require('@backstage-egress/testenv').stopCluster(cluster);
    }
  };

  try {
    if (cluster) {
      ensureSystemPackages();
      ensureGo();
      const testenv = require('@backstage-egress/testenv');
      log(`[stack] preparing the local test cluster \`${cluster}\` (the first run builds kube-apiserver, etcd and istioctl: several minutes)`);
      await testenv.ensureBinaries();
      clusterInfo = await testenv.startCluster({ name: cluster, seed });
      env.KUBECONFIG = writePluginKubeconfig(clusterInfo);
      log(`[stack] cluster ${cluster}: ${clusterInfo.server} (${clusterInfo.version}, mesh ${clusterInfo.meshMode}); kubectl: export KUBECONFIG=${clusterInfo.kubeconfigPath}`);
    }

    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-stack-'));
    // app-config.yaml holds what production also needs; the development file
    // adds the demo sign-in, the demo users and catalog, and SQLite in data/.
    const configArgs = [
      '--config',
      path.join(root, 'app-config.yaml'),
      '--config',
      path.join(root, 'app-config.development.yaml'),
    ];
    const local = path.join(root, 'app-config.local.yaml');
    if (fs.existsSync(local)) configArgs.push('--config', local);
    const ports = [
      'app:',
      `  baseUrl: ${appUrl}`,
      '  listen:',
      `    port: ${appPort}`,
      'backend:',
      `  baseUrl: ${backendUrl}`,
      '  listen:',
      `    port: ${backendPort}`,
      '  cors:',
      `    origin: ${appUrl}`,
      ...(dataDir
        ? ['  database:', '    client: better-sqlite3', '    connection:', `      directory: ${JSON.stringify(dataDir)}`]
        : []),
      '',
    ].join('\n');
    [ports, ...extraConfig].forEach((text, i) => {
      const file = path.join(configDir, `app-config.${i}.yaml`);
      fs.writeFileSync(file, text);
      configArgs.push('--config', file);
    });

    for (const [name, dir] of [
      ['backend', 'packages/backend'],
      ['app', 'packages/app'],
    ]) {
      children.push(startPackage(name, path.join(root, dir), configArgs, env, log, () => stopped));
    }
    await waitForUrl(`${backendUrl}/api/egress/health`, 'backend', children);
    await waitForUrl(appUrl, 'app', children);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- last output ---\n${recent.join('\n')}`);
  }
  return { appUrl, backendUrl, cluster: clusterInfo, children, stop };
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

function startPackage(name, cwd, configArgs, env, log, isStopping) {
  const child = spawn(process.execPath, [cli, 'package', 'start', ...configArgs], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', chunk => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) log(`[${name}] ${line}`);
    });
  }
  child.on('exit', code => {
    if (!isStopping()) log(`[stack] ${name} exited with ${code}`);
  });
  return child;
}

/** SIGTERM the child's process group, SIGKILL after 10 s. */
function terminate(child) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve(undefined);
    }
  });
}

/** Waits until `url` answers 2xx; fails at once when one of the servers has exited. */
function waitForUrl(url, what, children) {
  return require('@backstage-egress/testenv').waitFor(`${what} at ${url}`, async () => (await fetch(url)).ok, {
    timeoutMs: 10 * 60_000,
    intervalMs: 1000,
    abort: () => {
      const dead = children.find(c => c.exitCode !== null);
      if (dead) throw new Error(`${what}: a server exited with ${dead.exitCode} before ${url} answered`);
    },
  });
}

module.exports = { startStack };
