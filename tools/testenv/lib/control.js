// @ts-check
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const { ensureBinaries } = require('./binaries');
const { ensureCerts } = require('./certs');
const { layout, readJson, writeJson } = require('./cluster');
const { launchApiserver } = require('./apiserver');
const { isAlive, stopProcess, withLock } = require('./proc');

/**
 * Fault injection on a running cluster: stop and start its API server while etcd keeps the
 * data, freeze it mid-request, compact etcd's history, and change etcd behind the API server's back.
 */

/** @typedef {import('../index').ClusterInfo} ClusterInfo */

/** The recorded info of a cluster whose etcd is running (its API server may be stopped). @param {string} name */
function withEtcd(name) {
  /** @type {ClusterInfo | undefined} */
  const info = readJson(layout(name).record);
  if (!info || !isAlive(info.pids.etcd)) throw new Error(`cluster ${name} is not running: start it with \`testenv start ${name}\``);
  return info;
}

/** @param {string} name @param {(info: ClusterInfo) => Promise<ClusterInfo>} fn */
function locked(name, fn) {
  return withLock(layout(name).lock, () => fn(withEtcd(name)), { timeoutMs: 2 * 60_000 });
}

/**
 * Stops the cluster's kube-apiserver (SIGTERM, then SIGKILL after 10 s); etcd keeps running.
 * @param {string} name
 * @returns {Promise<ClusterInfo>}
 */
function stopApiserver(name) {
  return locked(name, async info => {
    await stopProcess(info.pids.kubeApiserver);
    return info;
  });
}

/**
 * Starts the cluster's kube-apiserver again (no-op while it runs) with the same port,
 * certificates, tokens and flags, and waits until it is ready.
 * @param {string} name
 * @returns {Promise<ClusterInfo>}
 */
function startApiserver(name) {
  return locked(name, async info => {
    if (isAlive(info.pids.kubeApiserver)) return info;
    const l = layout(name);
    const bins = await ensureBinaries();
    const certs = await ensureCerts(l.certDir, { reuse: true, clusterName: name });
    const pid = await launchApiserver({
      bin: bins.kubeApiserver,
      etcdUrl: `http://127.0.0.1:${info.ports.etcdClient}`,
      port: info.ports.apiserver,
      certDir: l.certDir,
      tokenFile: l.tokenFile,
      log: l.apiserverLog,
      certs,
      ca: fs.readFileSync(certs.caCert),
      adminToken: info.tokens.admin,
      watchCache: info.watchCache !== false,
    });
    const updated = { ...info, pids: { ...info.pids, kubeApiserver: pid } };
    writeJson(l.record, updated);
    const processes = readJson(l.processes);
    if (processes) writeJson(l.processes, { ...processes, pids: { ...processes.pids, kubeApiserver: pid } });
    return updated;
  });
}

/**
 * Freezes the cluster's kube-apiserver (SIGSTOP): connections stay open and requests hang
 * unanswered, as on an overloaded or partitioned control plane, until `resumeApiserver`.
 * @param {string} name
 * @returns {Promise<ClusterInfo>}
 */
function pauseApiserver(name) {
  return locked(name, async info => {
    if (!isAlive(info.pids.kubeApiserver)) throw new Error(`the API server of cluster ${name} is not running`);
    process.kill(info.pids.kubeApiserver, 'SIGSTOP');
    return info;
  });
}

/**
 * Lets a frozen kube-apiserver run again (SIGCONT); it answers the requests that waited.
 * No-op when it runs.
 * @param {string} name
 * @returns {Promise<ClusterInfo>}
 */
function resumeApiserver(name) {
  return locked(name, async info => {
    if (isAlive(info.pids.kubeApiserver)) process.kill(info.pids.kubeApiserver, 'SIGCONT');
    return info;
  });
}

/**
 * One call to etcd's JSON gateway (`/v3/...`, POST).
 * @param {ClusterInfo} info @param {string} path @param {object} body
 * @returns {Promise<any>}
 */
function etcdCall(info, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: info.ports.etcdClient, path, method: 'POST', timeout: 10_000, headers: { 'Content-Type': 'application/json' } },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', d => (text += d));
        res.on('end', () => {
          let parsed;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          if (res.statusCode === 200 && parsed) resolve(parsed);
          else reject(new Error(`etcd ${path}: HTTP ${res.statusCode}: ${parsed?.message ?? text.slice(0, 300)}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`etcd ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** @param {string} s */
const b64 = s => Buffer.from(s, 'utf8').toString('base64');

/**
 * Compacts etcd's history up to its current revision (physically), so every older
 * resourceVersion is gone: a watch served by etcd from one of them answers 410 Gone, and so does
 * a list continued with a token issued before.
 * @param {string} name
 * @returns {Promise<{ revision: number }>} the revision compacted to
 */
async function compactCluster(name) {
  const info = withEtcd(name);
  // A range read of one key returns the store's current revision in its header.
  const { header } = await etcdCall(info, '/v3/kv/range', { key: b64('\0') });
  const revision = Number(header.revision);
  await etcdCall(info, '/v3/kv/compaction', { revision: String(revision), physical: true }).catch(err => {
    // Nothing written since the last compaction: already compacted to this revision.
    if (!/required revision has been compacted/.test(err.message)) throw err;
  });
  return { revision };
}

/**
 * Deletes one etcd key behind the API server's back, as another API server of the same control
 * plane would (objects live at `/registry/<group>/<plural>/<namespace>/<name>`, core ones
 * without the group). Returns how many keys were deleted.
 * @param {string} name @param {string} key
 * @returns {Promise<number>}
 */
async function deleteFromEtcd(name, key) {
  const res = await etcdCall(withEtcd(name), '/v3/kv/deleterange', { key: b64(key) });
  return Number(res.deleted ?? 0);
}

module.exports = { stopApiserver, startApiserver, pauseApiserver, resumeApiserver, compactCluster, deleteFromEtcd };
