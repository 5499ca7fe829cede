// @ts-check
'use strict';

const { request, waitFor } = require('./net');
const { spawnDetached, isAlive, stopProcess, tail } = require('./proc');

/** A process that died or was not ready in time, with the tail of its log. */
class StartError extends Error {
  /** @param {string} message @param {string} log */
  constructor(message, log) {
    const logTail = tail(log);
    super(`${message}\n--- last lines of ${log}:\n${logTail}`);
    this.portInUse = /address already in use/i.test(logTail);
  }
}

/** @param {number} pid @param {string} what @param {string} log */
const exitedCheck = (pid, what, log) => () => {
  if (!isAlive(pid)) throw new StartError(`${what} exited during startup`, log);
};

/**
 * Starts kube-apiserver against a running etcd and waits until /readyz answers 200. Used by a
 * cluster's first start and by a restart of the API server alone (same port, certificates,
 * tokens and flags, so clients keep working).
 * @param {{ bin: string, etcdUrl: string, port: number, certDir: string, tokenFile: string, log: string,
 *   certs: import('./certs').CertFiles, ca: Buffer, adminToken: string, watchCache: boolean }} o
 * @returns {Promise<number>} the pid (a process that does not get ready is stopped)
 */
async function launchApiserver(o) {
  const pid = await spawnDetached(
    o.bin,
    [
      `--etcd-servers=${o.etcdUrl}`,
      `--secure-port=${o.port}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--cert-dir=${o.certDir}`,
      `--tls-cert-file=${o.certs.servingCert}`,
      `--tls-private-key-file=${o.certs.servingKey}`,
      `--token-auth-file=${o.tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--disable-admission-plugins=ServiceAccount',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${o.certs.saPub}`,
      `--service-account-signing-key-file=${o.certs.saKey}`,
      '--profiling=false',
      // Close open watches within 2 s of SIGTERM; otherwise it waits on them until our SIGKILL.
      '--shutdown-watch-termination-grace-period=2s',
      // Without the watch cache, watches are served by etcd itself, so a compacted
      // resourceVersion answers 410 Gone (with it, only the cache's own window counts).
      ...(o.watchCache ? [] : ['--watch-cache=false']),
    ],
    o.log,
  );
  const server = `https://127.0.0.1:${o.port}`;
  await waitFor('kube-apiserver /readyz', async () => (await request(`${server}/readyz`, { ca: o.ca, token: o.adminToken })).status === 200, {
    timeoutMs: 90_000,
    intervalMs: 200,
    abort: exitedCheck(pid, 'kube-apiserver', o.log),
  }).catch(async err => {
    await stopProcess(pid);
    throw err instanceof StartError ? err : new StartError(err.message, o.log);
  });
  return pid;
}

module.exports = { StartError, exitedCheck, launchApiserver };
