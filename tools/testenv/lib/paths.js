// @ts-check
'use strict';

const os = require('node:os');
const path = require('node:path');

/** The repository's tools/ folder, which holds the Go modules. */
const toolsDir = path.resolve(__dirname, '..', '..');

/** Everything testenv keeps outside the repo: `$XDG_CACHE_HOME/backstage-egress` or `~/.cache/backstage-egress`. */
function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'backstage-egress');
}

/** Built binaries, one folder per name and version: `bin/<name>-<version>/<name>`. */
function binRoot() {
  return path.join(cacheRoot(), 'bin');
}

/** Per-cluster state folders: `clusters/<name>/`. */
function clustersRoot() {
  return path.join(cacheRoot(), 'clusters');
}

/** @param {string} name */
function clusterDir(name) {
  return path.join(clustersRoot(), name);
}

module.exports = { toolsDir, cacheRoot, binRoot, clustersRoot, clusterDir };
