// @ts-check
'use strict';

/**
 * A real Kubernetes API server (etcd + kube-apiserver built from upstream Go modules) with
 * Istio's CRDs, RBAC for the plugin's identities and a mesh ConfigMap. See tools/README.md.
 * @packageDocumentation
 */

const { ensureBinaries, versions } = require('./lib/binaries');
const { startCluster, stopCluster, stopAllClusters, getClusterInfo, clusterStatus, clusterNames } = require('./lib/cluster');
const { stopApiserver, startApiserver, pauseApiserver, resumeApiserver, compactCluster, deleteFromEtcd } = require('./lib/control');
const { freePort, waitFor } = require('./lib/net');
const { xdsSnapshot } = require('./lib/xds');
const { startPrometheus } = require('./lib/prometheus');
const { TrafficSimulator, istioLabels } = require('./lib/trafficSimulator');

module.exports = {
  ensureBinaries,
  startCluster,
  stopCluster,
  stopAllClusters,
  getClusterInfo,
  clusterStatus,
  clusterNames,
  stopApiserver,
  startApiserver,
  pauseApiserver,
  resumeApiserver,
  compactCluster,
  deleteFromEtcd,
  versions,
  freePort,
  waitFor,
  xdsSnapshot,
  startPrometheus,
  TrafficSimulator,
  istioLabels,
};
