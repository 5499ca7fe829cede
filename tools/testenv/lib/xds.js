// @ts-check
'use strict';

const { ensureBinaries } = require('./binaries');
const { run } = require('./proc');

/**
 * What istiod sends one proxy node, from tools/istioctl/xds-check: clusters, listeners, routes,
 * and for each `to` destination the cluster a connection reaches (and, given `peers`, whether
 * that chain's RBAC filters admit each principal).
 * @param {{ istiod?: import('../index').IstiodInfo }} cluster a ClusterInfo started with istiod
 * @param {import('../index').XdsQuery} query
 * @returns {Promise<import('../index').XdsSnapshot>}
 */
async function xdsSnapshot(cluster, query) {
  if (!cluster.istiod) throw new Error('the cluster runs no istiod: start it with { istiod: true } (testenv start --istiod)');
  const { xdsCheck } = await ensureBinaries();
  const args = [`-addr=${cluster.istiod.xdsAddress}`, `-node=${query.node ?? 'sidecar'}`, `-namespace=${query.namespace}`];
  if (query.labels) args.push(`-labels=${Object.entries(query.labels).map(([k, v]) => `${k}=${v}`).join(',')}`);
  if (query.to?.length) args.push(`-to=${query.to.join(',')}`);
  if (query.peers?.length) args.push(`-peers=${query.peers.join(',')}`);
  const { stdout } = await run(xdsCheck, args, { timeoutMs: 30_000 });
  return JSON.parse(stdout);
}

module.exports = { xdsSnapshot };
