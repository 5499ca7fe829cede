// @ts-check
/**
 * The portal stack used by `npm run dev` and the end-to-end tests: the demo's two local test
 * clusters, started in parallel (scripts/demo-clusters.js: dev-eu in REGISTRY_ONLY, dev-us in
 * ALLOW_ANY), the backend (talking to them as the plugin's least-privilege identity), the app
 * dev server, and per cluster a real Prometheus scraping a traffic simulator (tools/testenv)
 * that sends a gentle synthetic load of Istio-shaped metrics for the demo namespaces.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureGo, ensureSystemPackages } = require('./system-deps');
const { checkNativeModules } = require('./native-modules');
const { demoClusters, startDemoClusters, writePluginKubeconfig, demoClusterConfig, startDemoMetrics } = require('./demo-clusters');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');

/**
 * @typedef {object} StackOptions
 * @property {string | false} [cluster]  prefix of the local test clusters (`<prefix>-eu`, `<prefix>-us`; default `dev`),
 *                                       false to use your own egress.clusters / KUBECONFIG
 * @property {string[]} [clusters]       which demo clusters to start (default both: dev-eu and dev-us)
 * @property {boolean} [seed]            seed the clusters with their unmanaged egress resources
 * @property {boolean} [istiod]          run istiod against each cluster (analysis on) and show its verdict
 * @property {number} [backendPort]
 * @property {number} [appPort]
 * @property {string[]} [extraConfig]    additional app-config YAML texts
 * @property {boolean} [app]              also start the app dev server (default true)
 * @property {boolean} [traffic]          with the test clusters: start Prometheus and the traffic simulators (default true)
 * @property {string} [dataDir]          folder of the SQLite files; default data/ (kept across runs)
 * @property {(line: string) => void} [log]
 * @property {AbortSignal} [signal]       aborting stops whatever has started so far and rejects
 */

/** @param {StackOptions} options */
async function startStack(options = {}) {
  const {
    cluster = 'dev',
    clusters: only,
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
  const planned = cluster ? demoClusters(cluster, only) : [];
  /** @type {Awaited<ReturnType<typeof startDemoClusters>>} */
  let started = [];
  /** @type {Array<{ prometheus: import('@backstage-egress/testenv').PrometheusInstance, simulator: import('@backstage-egress/testenv').TrafficSimulator }>} */
  const metrics = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map(child => terminate(child)));
    for (const m of metrics) {
      await m.prometheus.stop();
      await m.simulator.close();
    }
    const testenv = planned.length > 0 ? require('@backstage-egress/testenv') : undefined;
    await Promise.all(planned.map(c => testenv.stopCluster(c.local)));
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
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-stack-'));
    /** @param {string[]} texts */
    const configFiles = texts =>
      texts.flatMap(text => {
        const file = path.join(configDir, `app-config.${fs.readdirSync(configDir).length}.yaml`);
        fs.writeFileSync(file, text);
        return ['--config', file];
      });
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
    configArgs.push(...configFiles([ports]));
    const isStopping = () => stopped || Boolean(signal?.aborted);
    // The app's bundle is the slowest part of a warm start and needs nothing from the clusters
    // (the browser asks the backend for them): it compiles while the clusters start.
    if (app) children.push(startPackage('app', path.join(root, 'packages/app'), [...configArgs, ...configFiles(extraConfig)], env, log, isStopping));

    /** Each cluster's egress.clusters entry, with its Prometheus. */
    const configured = [];
    if (planned.length > 0) {
      ensureSystemPackages();
      ensureGo();
      const names = planned.map(c => `\`${c.local}\``).join(' and ');
      log(`[stack] preparing the local test clusters ${names} (the first run builds kube-apiserver, etcd, istioctl and istiod: several minutes)`);
      await require('@backstage-egress/testenv').ensureBinaries();
      checkAborted();
      started = await startDemoClusters(planned, { seed, istiod });
      checkAborted();
      env.KUBECONFIG = writePluginKubeconfig(path.join(started[0].info.stateDir, 'kubeconfig.backstage-egress'), started);
      for (const { cluster: c, info } of started) {
        log(`[stack] cluster ${c.name}: ${info.server} (${info.version}, mesh ${info.meshMode}); kubectl: export KUBECONFIG=${info.kubeconfigPath}`);
      }
      // One Prometheus per cluster, as each mesh has its own; started side by side.
      const prometheusUrls = traffic
        ? await Promise.all(
            started.map(async ({ cluster: c }) => {
              checkAborted();
              const m = await startDemoMetrics(c);
              metrics.push(m);
              return m.prometheus.url;
            }),
          )
        : [];
      if (traffic) log(`[stack] Prometheus ${prometheusUrls.join(', ')} scrapes synthetic Istio metrics for the demo namespaces`);
      started.forEach(({ cluster: c }, i) => configured.push({ name: c.name, prometheusUrl: prometheusUrls[i] }));
    }

    // The test clusters through KUBECONFIG (the plugin's identity); with istiod, Istio's verdict
    // on; with the demo metrics, each cluster's Prometheus.
    const clusterConfig = configured.length > 0 ? [demoClusterConfig(configured, { istioAnalysis: istiod })] : [];
    checkAborted();
    const backendArgs = [...configArgs, ...configFiles([...clusterConfig, ...extraConfig])];
    children.push(startPackage('backend', path.join(root, 'packages/backend'), backendArgs, { ...env }, log, isStopping));
    await waitForUrl(`${backendUrl}/api/egress/health`, 'backend', children, checkAborted);
    if (app) await waitForUrl(appUrl, 'app', children, checkAborted);
  } catch (e) {
    await stop();
    if (signal?.aborted) throw new StackAborted();
    throw new Error(`${e.message}\n--- last output ---\n${recent.join('\n')}`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const clusters = started.map(({ cluster: c, info }) => ({ name: c.name, meshMode: c.meshMode, info }));
  return { appUrl, backendUrl, clusters, children, stop };
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
