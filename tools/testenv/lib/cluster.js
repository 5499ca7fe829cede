// @ts-check
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { clusterDir, clustersRoot } = require('./paths');
const { ensureBinaries } = require('./binaries');
const { ensureCerts } = require('./certs');
const { startIstiod, istiodHealthy } = require('./istiod');
const { DEMO_NAMESPACES, baseManifests, rbacFile, seedDir } = require('./manifests');
const { freePort, request, waitFor } = require('./net');
const { run, spawnDetached, isAlive, stopProcess, withLock } = require('./proc');
const { StartError, exitedCheck, launchApiserver } = require('./apiserver');

/** @typedef {import('../index').ClusterInfo} ClusterInfo */
/** @typedef {import('../index').StartClusterOptions} StartClusterOptions */
/** @typedef {import('../index').UserName} UserName */
/** @typedef {{ etcdClient: number, etcdPeer: number, apiserver: number }} Ports */
/** @typedef {{ keepData: boolean, ports: Ports, pids: { etcd?: number, kubeApiserver?: number } }} ProcessRecord */

/** @type {UserName[]} */
const USERS = ['admin', 'backstage-egress', 'viewer', 'nobody', 'istiod'];
const MESH_MODES = ['ALLOW_ANY', 'REGISTRY_ONLY'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
const SSA = ['apply', '--server-side', '--force-conflicts', '--field-manager=egress-testenv'];

/** @param {string} name */
function checkName(name) {
  if (!CLUSTER_NAME.test(name ?? '')) {
    throw new Error(`invalid cluster name ${JSON.stringify(name)}: use 1-40 lowercase letters, digits and '-'`);
  }
}

/** Where a cluster keeps its state: ~/.cache/backstage-egress/clusters/<name>/... @param {string} name */
function layout(name) {
  const dir = clusterDir(name);
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    certDir: path.join(dir, 'certs'),
    logDir: path.join(dir, 'logs'),
    etcdLog: path.join(dir, 'logs', 'etcd.log'),
    apiserverLog: path.join(dir, 'logs', 'kube-apiserver.log'),
    istiodLog: path.join(dir, 'logs', 'istiod.log'),
    tokenFile: path.join(dir, 'tokens.csv'),
    kubeconfig: path.join(dir, 'kubeconfig'),
    kubectlCache: path.join(dir, 'kubectl-cache'),
    processes: path.join(dir, 'processes.json'),
    record: path.join(dir, 'cluster.json'),
    lock: path.join(clustersRoot(), `.${name}.lock`),
  };
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {string} file @param {unknown} value */
function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Static bearer tokens, one per user (kube-apiserver --token-auth-file: token,user,uid,"groups").
 * @param {string} file
 * @param {boolean} reuse keep the tokens of a kept cluster, so saved kubeconfigs stay valid
 * @returns {Record<UserName, string>}
 */
function ensureTokens(file, reuse) {
  /** @type {Partial<Record<UserName, string>>} */
  const tokens = {};
  if (reuse && fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const [token, user] = line.split(',');
      if (USERS.includes(/** @type {UserName} */ (user))) tokens[/** @type {UserName} */ (user)] = token;
    }
    if (USERS.every(u => tokens[u])) return /** @type {Record<UserName, string>} */ (tokens);
  }
  const groups = { admin: 'system:masters' };
  const lines = USERS.map(user => {
    tokens[user] = crypto.randomBytes(24).toString('hex');
    return `${tokens[user]},${user},${user},"${groups[/** @type {'admin'} */ (user)] ?? ''}"`;
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return /** @type {Record<UserName, string>} */ (tokens);
}

/**
 * One cluster entry, one user and one context per identity; current context admin.
 * @param {string} file @param {string} name @param {string} server @param {string} caData
 * @param {Record<UserName, string>} tokens
 */
function writeKubeconfig(file, name, server, caData, tokens) {
  const users = USERS.map(u => `  - name: ${name}-${u}\n    user:\n      token: ${tokens[u]}`);
  const contexts = USERS.map(
    u => `  - name: ${name}-${u}\n    context:\n      cluster: ${name}\n      user: ${name}-${u}`,
  );
  const yaml = `apiVersion: v1
kind: Config
clusters:
  - name: ${name}
    cluster:
      server: ${server}
      certificate-authority-data: ${caData}
users:
${users.join('\n')}
contexts:
${contexts.join('\n')}
current-context: ${name}-admin
preferences: {}
`;
  fs.writeFileSync(file, yaml, { mode: 0o600 });
}

/** @param {number} port */
async function portIsFree(port) {
  const net = require('node:net');
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** @param {Ports | undefined} previous @returns {Promise<Ports>} */
async function pickPorts(previous) {
  if (previous && (await Promise.all(Object.values(previous).map(portIsFree))).every(Boolean)) return previous;
  const ports = new Set();
  while (ports.size < 3) ports.add(await freePort());
  const [etcdClient, etcdPeer, apiserver] = [...ports];
  return { etcdClient, etcdPeer, apiserver };
}

/**
 * Starts etcd, then kube-apiserver, and waits until the API server is ready.
 * @param {ReturnType<typeof layout>} l
 * @param {{ name: string, ports: Ports, keepData: boolean, bins: import('../index').Binaries,
 *   certs: import('./certs').CertFiles, ca: Buffer, adminToken: string, watchCache: boolean }} o
 */
async function launch(l, o) {
  const { ports, bins, certs } = o;
  /** @type {ProcessRecord} */
  const processes = { keepData: o.keepData, ports, pids: {} };
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  try {
    processes.pids.etcd = await spawnDetached(
      bins.etcd,
      [
        `--name=${o.name}`,
        `--data-dir=${l.dataDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=${o.name}=${peerUrl}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      l.etcdLog,
    );
    writeJson(l.processes, processes);
    await waitFor('etcd to report healthy', async () => /"health":\s*"true"/.test((await request(`${etcdUrl}/health`)).body), {
      timeoutMs: 30_000,
      abort: exitedCheck(processes.pids.etcd, 'etcd', l.etcdLog),
    }).catch(err => {
      throw err instanceof StartError ? err : new StartError(err.message, l.etcdLog);
    });

    processes.pids.kubeApiserver = await launchApiserver({
      bin: bins.kubeApiserver,
      etcdUrl,
      port: ports.apiserver,
      certDir: l.certDir,
      tokenFile: l.tokenFile,
      log: l.apiserverLog,
      certs,
      ca: o.ca,
      adminToken: o.adminToken,
      watchCache: o.watchCache,
    });
    writeJson(l.processes, processes);
    return processes;
  } catch (err) {
    await stopProcess(processes.pids.kubeApiserver);
    await stopProcess(processes.pids.etcd);
    throw err;
  }
}

/**
 * Kills whatever a cluster folder says is running (used by stop, and by start to clear remnants).
 * @param {ReturnType<typeof layout>} l
 */
async function killRecorded(l) {
  /** @type {ProcessRecord | undefined} */
  const processes = readJson(l.processes);
  const record = readJson(l.record);
  const pids = { ...record?.pids, ...processes?.pids };
  await stopProcess(record?.istiod?.pid);
  await stopProcess(pids.kubeApiserver);
  await stopProcess(pids.etcd);
  return processes;
}

/** @param {ClusterInfo} info */
async function isHealthy(info) {
  if (!isAlive(info.pids.etcd) || !isAlive(info.pids.kubeApiserver)) return false;
  try {
    const res = await request(`${info.server}/readyz`, { ca: Buffer.from(info.caData, 'base64'), token: info.tokens.admin });
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * istiod against the cluster, as user `istiod` (see manifests/rbac.yaml).
 * @param {ReturnType<typeof layout>} l @param {ClusterInfo} info @param {import('../index').Binaries} bins
 */
function launchIstiod(l, info, bins) {
  return startIstiod({ info, binary: bins.pilotDiscovery, stateDir: l.dir, logFile: l.istiodLog, token: info.tokens.istiod });
}

/**
 * Whether a list of every custom resource kind answers 200 (served, watch cache ready).
 * @param {string} server
 * @param {Buffer} ca
 * @param {string} token
 */
async function everyKindServed(server, ca, token) {
  const crds = await request(`${server}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, { ca, token });
  if (crds.status !== 200) return false;
  const lists = JSON.parse(crds.body).items.flatMap((/** @type {any} */ crd) =>
    crd.spec.versions
      .filter((/** @type {any} */ v) => v.served)
      .map((/** @type {any} */ v) => `${server}/apis/${crd.spec.group}/${v.name}/${crd.spec.names.plural}?limit=1`),
  );
  const answers = await Promise.all(lists.map((/** @type {string} */ url) => request(url, { ca, token })));
  return answers.every(a => a.status === 200);
}

/**
 * Starts (or, when already running and healthy, returns) the cluster `name`.
 * @param {StartClusterOptions} options
 * @returns {Promise<ClusterInfo>}
 */
async function startCluster(options) {
  const { name, meshMode = 'ALLOW_ANY', keepData = false, seed = false, istiod = false, namespaces: extra = [], watchCache = true } = options;
  checkName(name);
  if (!MESH_MODES.includes(meshMode)) throw new Error(`invalid mesh mode ${meshMode}: use ${MESH_MODES.join(' or ')}`);
  for (const ns of extra) if (!DNS_LABEL.test(ns)) throw new Error(`invalid namespace name ${JSON.stringify(ns)}`);
  const namespaces = [...new Set([...DEMO_NAMESPACES, ...extra])];
  const bins = await ensureBinaries();
  const l = layout(name);

  return withLock(
    l.lock,
    async () => {
      /** @type {ClusterInfo | undefined} */
      const existing = readJson(l.record);
      // A running cluster is reused only when it has every namespace asked for.
      const hasNamespaces = namespaces.every(n => (existing?.namespaces ?? []).includes(n));
      if (existing && hasNamespaces && (await isHealthy(existing))) {
        if (existing.meshMode !== meshMode) {
          process.stderr.write(`cluster ${name} is already running with mesh mode ${existing.meshMode}; stop it to change the mode\n`);
        }
        if (istiod && !(await istiodHealthy(existing.istiod))) {
          await stopProcess(existing.istiod?.pid);
          const withIstiod = { ...existing, istiod: await launchIstiod(l, existing, bins) };
          writeJson(l.record, withIstiod);
          return withIstiod;
        }
        return existing;
      }
      /** @type {ProcessRecord | undefined} */
      const previous = await killRecorded(l);
      const started = Date.now();
      const reuse = keepData && fs.existsSync(l.dataDir);
      for (const entry of fs.existsSync(l.dir) ? fs.readdirSync(l.dir) : []) {
        // Logs start afresh (stop keeps them for a post-mortem).
        const keep = reuse && ['data', 'certs', 'tokens.csv'].includes(entry);
        if (!keep) fs.rmSync(path.join(l.dir, entry), { recursive: true, force: true });
      }
      fs.mkdirSync(l.logDir, { recursive: true });
      fs.mkdirSync(l.dataDir, { recursive: true, mode: 0o700 });
      const certs = await ensureCerts(l.certDir, { reuse, clusterName: name });
      const tokens = ensureTokens(l.tokenFile, reuse);
      const ca = fs.readFileSync(certs.caCert);

      /** @type {ProcessRecord | undefined} */
      let processes;
      for (let attempt = 1; !processes; attempt++) {
        const ports = await pickPorts(attempt === 1 && reuse ? previous?.ports : undefined);
        try {
          processes = await launch(l, { name, ports, keepData, bins, certs, ca, adminToken: tokens.admin, watchCache });
        } catch (err) {
          // Another process may grab a port between our probe and the bind: try new ones.
          if (!(err instanceof StartError && err.portInUse && attempt < 3)) throw err;
        }
      }
      const { ports, pids } = processes;
      const server = `https://127.0.0.1:${ports.apiserver}`;
      const caData = ca.toString('base64');
      writeKubeconfig(l.kubeconfig, name, server, caData, tokens);

      try {
        const kubectl = (/** @type {string[]} */ args, /** @type {string | undefined} */ input = undefined) =>
          run(bins.kubectl, ['--kubeconfig', l.kubeconfig, '--context', `${name}-admin`, '--cache-dir', l.kubectlCache, ...args], {
            input,
            timeoutMs: 120_000,
          });
        await kubectl([...SSA, '-f', bins.crdFile]);
        await kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', bins.crdFile]);
        // Established is not served: each kind's watch cache answers 429 "storage is
        // (re)initializing" until it has listed from etcd. A started cluster serves every kind.
        await waitFor('every custom resource kind to be served', () => everyKindServed(server, ca, tokens.admin), { timeoutMs: 60_000 });
        await kubectl([...SSA, '-f', '-'], baseManifests({ meshMode, namespaces }));
        await kubectl([...SSA, '-f', rbacFile, ...(seed ? ['-f', seedDir] : [])]);

        // The RBAC authorizer reads bindings from an informer: wait until they are in effect.
        const as = (/** @type {UserName} */ user, /** @type {string} */ urlPath) =>
          request(`${server}${urlPath}`, { ca, token: tokens[user] }).then(r => r.status === 200);
        await waitFor(
          'RBAC bindings to take effect',
          async () =>
            (
              await Promise.all([
                as('backstage-egress', `/apis/networking.istio.io/v1/namespaces/${namespaces[0]}/serviceentries`),
                as('backstage-egress', '/api/v1/namespaces/istio-system/configmaps/istio'),
                as('viewer', '/api/v1/namespaces'),
              ])
            ).every(Boolean),
          { timeoutMs: 30_000 },
        );
        const version = JSON.parse((await request(`${server}/version`, { ca, token: tokens.admin })).body).gitVersion;

        /** @type {ClusterInfo} */
        const info = {
          name,
          server,
          caData,
          caFile: certs.caCert,
          kubeconfigPath: l.kubeconfig,
          tokens,
          contexts: /** @type {Record<UserName, string>} */ (Object.fromEntries(USERS.map(u => [u, `${name}-${u}`]))),
          meshMode,
          version,
          pids: { etcd: /** @type {number} */ (pids.etcd), kubeApiserver: /** @type {number} */ (pids.kubeApiserver) },
          stateDir: l.dir,
          ports,
          keepData,
          seeded: seed,
          watchCache,
          namespaces,
          logs: { etcd: l.etcdLog, kubeApiserver: l.apiserverLog, istiod: l.istiodLog },
          startedAt: new Date().toISOString(),
          startupMs: Date.now() - started,
        };
        if (istiod) info.istiod = await launchIstiod(l, info, bins);
        writeJson(l.record, info);
        return info;
      } catch (err) {
        await killRecorded(l);
        throw new StartError(`setting up cluster ${name} failed: ${err.message}`, l.apiserverLog);
      }
    },
    { timeoutMs: 5 * 60_000, onWait: () => process.stderr.write(`waiting for another start/stop of cluster ${name}…\n`) },
  );
}

/**
 * Stops the cluster's processes (their whole process groups) and waits until they are gone.
 * Removes its state except the logs, unless it was started with keepData: then etcd's data, the
 * certificates, tokens and kubeconfig stay for the next `start --keep-data` (`removeData` forces removal).
 * @param {string} name
 * @param {{ removeData?: boolean }} [opts]
 */
async function stopCluster(name, opts = {}) {
  checkName(name);
  const l = layout(name);
  if (!fs.existsSync(l.dir)) return;
  await withLock(l.lock, async () => {
    const record = readJson(l.record);
    const processes = await killRecorded(l);
    const keepData = !opts.removeData && Boolean(record?.keepData ?? processes?.keepData);
    const kept = keepData ? ['logs', 'data', 'certs', 'tokens.csv', 'kubeconfig', 'processes.json'] : ['logs'];
    for (const entry of fs.readdirSync(l.dir)) {
      if (!kept.includes(entry)) fs.rmSync(path.join(l.dir, entry), { recursive: true, force: true });
    }
    if (keepData && processes) writeJson(l.processes, { ...processes, pids: {} });
  });
}

/** Names of every cluster folder (running or not). */
function clusterNames() {
  const root = clustersRoot();
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter(d => d.isDirectory() && CLUSTER_NAME.test(d.name))
    .map(d => d.name)
    .sort();
}

/** Stops every cluster. */
/** @param {{ removeData?: boolean }} [opts] */
async function stopAllClusters(opts = {}) {
  for (const name of clusterNames()) await stopCluster(name, opts);
}

/**
 * The info of a running cluster (both processes alive), else undefined. Synchronous: it does not
 * probe the API server; `clusterStatus` does.
 * @param {string} name
 * @returns {ClusterInfo | undefined}
 */
function getClusterInfo(name) {
  checkName(name);
  /** @type {ClusterInfo | undefined} */
  const info = readJson(layout(name).record);
  if (!info || !isAlive(info.pids.etcd) || !isAlive(info.pids.kubeApiserver)) return undefined;
  return info;
}

/**
 * @param {string} name
 * @returns {Promise<import('../index').ClusterStatus>}
 */
async function clusterStatus(name) {
  checkName(name);
  const l = layout(name);
  const dataKept = fs.existsSync(l.dataDir);
  /** @type {ClusterInfo | undefined} */
  const info = readJson(l.record);
  if (info && (await isHealthy(info))) return { name, state: 'running', dataKept, info };
  /** @type {ProcessRecord | undefined} */
  const processes = readJson(l.processes);
  const pids = { ...info?.pids, ...processes?.pids };
  if (isAlive(pids.etcd) || isAlive(pids.kubeApiserver)) return { name, state: 'unhealthy', dataKept, info };
  return { name, state: 'stopped', dataKept };
}

module.exports = { startCluster, stopCluster, stopAllClusters, getClusterInfo, clusterStatus, clusterNames, layout, readJson, writeJson };
