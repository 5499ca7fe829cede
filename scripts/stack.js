// @ts-check
/**
 * The portal stack used by `npm run dev` and the end-to-end tests: a local
 * test cluster, the backend (talking to that cluster as the plugin's
 * least-privilege identity), the app dev server, and with the test cluster a real
 * Prometheus scraping a traffic simulator (tools/testenv) that sends a gentle synthetic
 * load of Istio-shaped metrics for the demo namespaces.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureGo, ensureSystemPackages } = require('./system-deps');
const { checkNativeModules } = require('./native-modules');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');

/**
 * @typedef {object} StackOptions
 * @property {string | false} [cluster]  test cluster name, false to use your own egress.clusters / KUBECONFIG
 * @property {boolean} [seed]            seed the cluster with unmanaged egress resources
 * @property {boolean} [istiod]          run istiod against the cluster (analysis on) and show its verdict
 * @property {number} [backendPort]
 * @property {number} [appPort]
 * @property {string[]} [extraConfig]    additional app-config YAML texts
 * @property {boolean} [app]              also start the app dev server (default true)
 * @property {boolean} [traffic]          with the test cluster: start Prometheus and the traffic simulator (default true)
 * @property {string} [dataDir]          folder of the SQLite files; default data/ (kept across runs)
 * @property {(line: string) => void} [log]
 * @property {AbortSignal} [signal]       aborting stops whatever has started so far and rejects
 */

/** @param {StackOptions} options */
async function startStack(options = {}) {
  const {
    cluster = 'dev',
    seed = true,
    istiod = true,
    backendPort = 7007,
    appPort = 3000,
    extraConfig = [],
    app = true,
    traffic = true,
    dataDir,
    log: userLog = line => console.log(line),
    signal,
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
  checkNativeModules();
  const appUrl = `http://localhost:${appPort}`;
  const backendUrl = `http://localhost:${backendPort}`;
  // Jest sets NODE_ENV=test, which the app's bundler has no browserslist for.
  const env = { ...process.env, NODE_ENV: 'development' };
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = [];
  let clusterInfo;
  /** @type {{ prometheus: import('@backstage-egress/testenv').PrometheusInstance, simulator: import('@backstage-egress/testenv').TrafficSimulator } | undefined} */
  let metrics;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map(child => terminate(child)));
    if (metrics) {
      await metrics.prometheus.stop();
      await metrics.simulator.close();
    }
    if (cluster) {
      await require('@backstage-egress/testenv').stopCluster(cluster);
    }
  };

  // Ctrl-C may come at any moment of a start-up that can take minutes (the first run builds
  // the cluster's binaries): the servers run in their own process groups, so they are stopped
  // here at once, and each step below checks whether start-up was abandoned.
  const onAbort = () => {
    log('[stack] stopping what has started so far');
    for (const child of children) void terminate(child);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const checkAborted = () => {
    if (signal?.aborted) throw new StackAborted();
  };

  try {
    checkAborted();
    if (cluster) {
      ensureSystemPackages();
      ensureGo();
      const testenv = require('@backstage-egress/testenv');
      log(`[stack] preparing the local test cluster \`${cluster}\` (the first run builds kube-apiserver, etcd, istioctl and istiod: several minutes)`);
      await testenv.ensureBinaries();
      checkAborted();
      clusterInfo = await testenv.startCluster({ name: cluster, seed, istiod });
      checkAborted();
      env.KUBECONFIG = writePluginKubeconfig(clusterInfo);
      log(`[stack] cluster ${cluster}: ${clusterInfo.server} (${clusterInfo.version}, mesh ${clusterInfo.meshMode}); kubectl: export KUBECONFIG=${clusterInfo.kubeconfigPath}`);
      if (traffic) {
        checkAborted();
        metrics = await startDemoMetrics(cluster);
        log(`[stack] Prometheus ${metrics.prometheus.url} scrapes synthetic Istio metrics for the demo namespaces`);
      }
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
    // The test cluster through KUBECONFIG (the plugin's identity); with istiod, Istio's verdict
    // on; with the demo metrics, its Prometheus.
    const clusterConfig = cluster ? [demoClusterConfig(String(cluster), { istioAnalysis: istiod, prometheusUrl: metrics?.prometheus.url })] : [];
    [ports, ...clusterConfig, ...extraConfig].forEach((text, i) => {
      const file = path.join(configDir, `app-config.${i}.yaml`);
      fs.writeFileSync(file, text);
      configArgs.push('--config', file);
    });

    const packages = [['backend', 'packages/backend'], ...(app ? [['app', 'packages/app']] : [])];
    for (const [name, dir] of packages) {
      checkAborted();
      children.push(startPackage(name, path.join(root, dir), configArgs, env, log, () => stopped || Boolean(signal?.aborted)));
    }
    await waitForUrl(`${backendUrl}/api/egress/health`, 'backend', children, checkAborted);
    if (app) await waitForUrl(appUrl, 'app', children, checkAborted);
  } catch (e) {
    await stop();
    if (signal?.aborted) throw new StackAborted();
    throw new Error(`${e.message}\n--- last output ---\n${recent.join('\n')}`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { appUrl, backendUrl, cluster: clusterInfo, children, stop };
}

/** Demo workloads and the hosts they call (the seeded ServiceEntries and the demo's usual requests). */
const DEMO_LOAD = [
  { namespace: 'payments', workload: 'payments-api', hosts: ['api.github.com', '*.googleapis.com', 'api.stripe.com'] },
  { namespace: 'checkout', workload: 'checkout', hosts: ['api.stripe.com'] },
  { namespace: 'search', workload: 'search-indexer', hosts: ['api.github.com'] },
];

/** The traffic simulator with a gentle load, and a Prometheus scraping it every 5 s. */
async function startDemoMetrics(name) {
  const { TrafficSimulator, startPrometheus } = require('@backstage-egress/testenv');
  const simulator = new TrafficSimulator();
  const target = await simulator.listen();
  simulator.startLoad(DEMO_LOAD, 5000);
  const prometheus = await startPrometheus({ name: `stack-${name}`, targets: [target], scrapeIntervalSeconds: 5 });
  return { prometheus, simulator };
}

/**
 * The test cluster as the single egress cluster, with the demo Prometheus, and a Kiali link
 * to where `istioctl dashboard kiali` serves it (no Kiali runs here: the links show their shape).
 */
/**
 * The test cluster's entry under egress.clusters.
 * @param {string} name
 * @param {{ istioAnalysis: boolean, prometheusUrl?: string }} o
 */
function demoClusterConfig(name, o) {
  return [
    'egress:',
    '  clusters:',
    `    - name: ${name}`,
    `      title: ${name}`,
    '      authProvider: kubeconfig',
    `      istioAnalysis: ${o.istioAnalysis}`,
    ...(o.prometheusUrl ? [`      prometheusUrl: ${o.prometheusUrl}`] : []),
    '      kialiUrl: http://localhost:20001/kiali',
    '',
  ].join('\n');
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

/** Start-up was abandoned through the caller's AbortSignal; everything started is stopped. */
class StackAborted extends Error {
  constructor() {
    super('start-up stopped');
    this.name = 'StackAborted';
  }
}

/**
 * Waits until `url` answers 2xx; fails at once when one of the servers has exited or
 * `checkAborted` throws.
 */
function waitForUrl(url, what, children, checkAborted) {
  return require('@backstage-egress/testenv').waitFor(`${what} at ${url}`, async () => (await fetch(url)).ok, {
    timeoutMs: 10 * 60_000,
    intervalMs: 1000,
    abort: () => {
      checkAborted();
      const dead = children.find(c => c.exitCode !== null);
      if (dead) throw new Error(`${what}: a server exited with ${dead.exitCode} before ${url} answered`);
    },
  });
}

module.exports = { startStack, StackAborted };
