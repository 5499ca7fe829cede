// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { freePort, request, waitFor } = require('./net');
const { spawnDetached, isAlive, stopProcess, tail } = require('./proc');

/** @typedef {import('../index').IstiodInfo} IstiodInfo */

/**
 * How istiod runs outside a pod against a testenv cluster. Each switch is read from the pinned
 * istio.io/istio module (pilot/pkg/features, pilot/pkg/bootstrap); see tools/README.md.
 */
const ISTIOD_ENV = {
  // The pod it would be: leader election and the mesh ConfigMap are looked up in POD_NAMESPACE.
  POD_NAME: 'istiod-testenv',
  POD_NAMESPACE: 'istio-system',
  REVISION: 'default',
  // Analysis writes validationMessages into the status of Istio resources; 2 s instead of 10 s so
  // tests see a verdict soon after an apply.
  PILOT_ENABLE_ANALYSIS: 'true',
  PILOT_ANALYSIS_INTERVAL: '2s',
  // No CA: no istio-ca-secret, no root-cert ConfigMaps, no DNS certificate for istiod itself.
  ENABLE_CA_SERVER: 'false',
  // No webhooks: injection off, and no validating webhook configuration to patch.
  INJECT_ENABLED: 'false',
  VALIDATION_WEBHOOK_CONFIG_NAME: '',
  // The cluster has no Gateway API CRDs.
  PILOT_ENABLE_GATEWAY_API: 'false',
  PILOT_ENABLE_GATEWAY_API_STATUS: 'false',
  PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: 'false',
  CLUSTER_ID: 'Kubernetes',
};

/**
 * A kubeconfig with only istiod's identity, so istiod never runs as admin.
 * @param {string} file @param {import('../index').ClusterInfo} info @param {string} token
 */
function writeIstiodKubeconfig(file, info, token) {
  fs.writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
  - name: ${info.name}
    cluster:
      server: ${info.server}
      certificate-authority-data: ${info.caData}
users:
  - name: istiod
    user:
      token: ${token}
contexts:
  - name: istiod
    context:
      cluster: ${info.name}
      user: istiod
current-context: istiod
`,
    { mode: 0o600 },
  );
}

/**
 * Starts istiod (pilot-discovery) for a running cluster and waits until it is ready.
 * Plaintext xDS on 127.0.0.1 only; no secure gRPC, no webhook port.
 * @param {{ info: import('../index').ClusterInfo, binary: string, stateDir: string, logFile: string, token: string }} o
 * @returns {Promise<IstiodInfo>}
 */
async function startIstiod(o) {
  const started = Date.now();
  const kubeconfig = path.join(o.stateDir, 'istiod-kubeconfig');
  writeIstiodKubeconfig(kubeconfig, o.info, o.token);
  const ports = { http: await freePort(), xds: await freePort(), monitoring: await freePort() };
  const args = [
    'discovery',
    `--kubeconfig=${kubeconfig}`,
    // No mesh file: istiod then reads the `istio` ConfigMap of its namespace, as the plugin does.
    `--meshConfig=${path.join(o.stateDir, 'no-mesh-file')}`,
    `--networksConfig=${path.join(o.stateDir, 'no-mesh-networks-file')}`,
    `--httpAddr=127.0.0.1:${ports.http}`,
    `--grpcAddr=127.0.0.1:${ports.xds}`,
    '--secureGRPCAddr=',
    '--httpsAddr=',
    `--monitoringAddr=127.0.0.1:${ports.monitoring}`,
    '--clusterID=Kubernetes',
    '--domain=cluster.local',
    '--profile=false',
  ];
  const pid = await spawnDetached(o.binary, args, o.logFile, { ...process.env, ...ISTIOD_ENV });
  const readyUrl = `http://127.0.0.1:${ports.http}/ready`;
  try {
    await waitFor('istiod /ready', async () => (await request(readyUrl)).status === 200, {
      timeoutMs: 90_000,
      intervalMs: 200,
      abort: () => {
        if (!isAlive(pid)) throw new Error('istiod exited during startup');
      },
    });
  } catch (err) {
    await stopProcess(pid);
    throw new Error(`${err.message}\n--- last lines of ${o.logFile}:\n${tail(o.logFile)}`);
  }
  return {
    pid,
    xdsAddress: `127.0.0.1:${ports.xds}`,
    readyUrl,
    monitoringUrl: `http://127.0.0.1:${ports.monitoring}/metrics`,
    log: o.logFile,
    startupMs: Date.now() - started,
  };
}

/** @param {IstiodInfo | undefined} istiod */
async function istiodHealthy(istiod) {
  if (!istiod || !isAlive(istiod.pid)) return false;
  try {
    return (await request(istiod.readyUrl)).status === 200;
  } catch {
    return false;
  }
}

module.exports = { startIstiod, istiodHealthy, ISTIOD_ENV };
