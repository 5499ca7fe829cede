#!/usr/bin/env node
// @ts-check
'use strict';

const path = require('node:path');
const testenv = require('..');

const USAGE = `usage: testenv <command>

  build                                 build missing binaries (first run: several minutes), print paths
  start <name> [--mesh-mode ALLOW_ANY|REGISTRY_ONLY] [--keep-data] [--seed] [--namespaces a,b]
        [--no-watch-cache] [--istiod] [--json]
                                        start a cluster (no-op if it is already running; --istiod
                                        also runs istiod against it)
  xds <name> [--node sidecar|router] [--namespace ns] [--labels k=v,..] [--to host:port,..] [--peers spiffe://..,..]
                                        what istiod sends that proxy node, as JSON
  stop <name> | stop --all [--remove-data]
                                        stop and wait until the processes are gone; data is removed
                                        unless the cluster was started with --keep-data
  status [name] [--json]                show clusters
  env <name>                            print shell exports: eval "$(testenv env <name>)"
  apiserver stop|start <name>           stop or restart the cluster's kube-apiserver; etcd keeps the data
  compact <name>                        compact etcd's history to its current revision (older
                                        resourceVersions then get 410 Gone)
`;

/**
 * @param {string[]} argv
 * @returns {{ positional: string[], flags: Record<string, string | boolean> }}
 */
function parse(argv) {
  /** @type {string[]} */
  const positional = [];
  /** @type {Record<string, string | boolean>} */
  const flags = {};
  const withValue = new Set(['mesh-mode', 'namespaces', 'node', 'namespace', 'labels', 'to']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s);
    if (withValue.has(key)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${key} needs a value`);
      flags[key] = value;
    } else {
      flags[key] = true;
    }
  }
  return { positional, flags };
}

/** @param {string} s */
const shellQuote = s => `'${s.replace(/'/g, `'\\''`)}'`;

/** This script's path as the user can type it: relative below the working directory, else absolute. */
function scriptPath() {
  const rel = path.relative(process.cwd(), __filename);
  return rel.startsWith('..') ? __filename : rel;
}

/** @param {import('..').ClusterInfo} info */
function describe(info) {
  return [
    `cluster ${info.name}: ${info.server} (Kubernetes ${info.version}, mesh mode ${info.meshMode}${info.watchCache === false ? ", no watch cache" : ""})`,
    `  kubeconfig: ${info.kubeconfigPath}`,
    `  contexts:   ${Object.values(info.contexts).join(', ')} (current: ${info.contexts.admin})`,
    `  namespaces: istio-system, ${info.namespaces.join(', ')}${info.seeded ? ' (payments seeded)' : ''}`,
    `  pids:       etcd ${info.pids.etcd}, kube-apiserver ${info.pids.kubeApiserver}${info.istiod ? `, istiod ${info.istiod.pid}` : ''}`,
    ...(info.istiod ? [`  istiod:     xDS ${info.istiod.xdsAddress} (plaintext), log ${info.istiod.log}`] : []),
    `  state:      ${info.stateDir}${info.keepData ? ' (data kept on stop)' : ''}`,
    `  use:        eval "$(node ${scriptPath()} env ${info.name})"`,
  ].join('\n');
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { positional, flags } = parse(rest);
  const name = positional[0];
  const needName = () => {
    if (!name) throw new Error(`${command} needs a cluster name\n\n${USAGE}`);
    return name;
  };
  switch (command) {
    case 'build': {
      const bins = await testenv.ensureBinaries();
      for (const [key, file] of Object.entries(bins)) console.log(`${key.padEnd(14)} ${file}`);
      return;
    }
    case 'start': {
      const started = Date.now();
      const info = await testenv.startCluster({
        name: needName(),
        meshMode: /** @type {import('..').MeshMode} */ (flags['mesh-mode'] || 'ALLOW_ANY'),
        keepData: Boolean(flags['keep-data']),
        seed: Boolean(flags.seed),
        namespaces: typeof flags.namespaces === 'string' ? flags.namespaces.split(',').filter(Boolean) : [],
        watchCache: !flags['no-watch-cache'],
        istiod: Boolean(flags.istiod),
      });
      if (flags.json) console.log(JSON.stringify(info, null, 2));
      else console.log(`${describe(info)}\n  ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    case 'stop': {
      const opts = { removeData: Boolean(flags['remove-data']) };
      if (flags.all) await testenv.stopAllClusters(opts);
      else await testenv.stopCluster(needName(), opts);
      return;
    }
    case 'status': {
      const names = name ? [name] : testenv.clusterNames();
      // Without a name, skip clusters that are stopped and kept nothing but logs.
      const statuses = (await Promise.all(names.map(n => testenv.clusterStatus(n)))).filter(
        s => name || s.state !== 'stopped' || s.dataKept,
      );
      if (flags.json) {
        console.log(JSON.stringify(statuses, null, 2));
      } else if (statuses.length === 0) {
        console.log('no clusters');
      } else {
        for (const s of statuses) {
          const kept = s.state === 'stopped' && s.dataKept ? ' (data kept: start --keep-data resumes it)' : '';
          console.log(s.info && s.state === 'running' ? describe(s.info) : `cluster ${s.name}: ${s.state}${kept}`);
        }
      }
      if (name && statuses[0].state !== 'running') process.exitCode = 3;
      return;
    }
    case 'xds': {
      const info = testenv.getClusterInfo(needName());
      if (!info) throw new Error(`cluster ${name} is not running: start it with \`testenv start ${name} --istiod\``);
      const list = (/** @type {unknown} */ v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : []);
      const snapshot = await testenv.xdsSnapshot(info, {
        node: flags.node === 'router' ? 'router' : 'sidecar',
        namespace: typeof flags.namespace === 'string' ? flags.namespace : 'default',
        labels: Object.fromEntries(list(flags.labels).map(kv => kv.split(/=(.*)/s).slice(0, 2))),
        to: list(flags.to),
        peers: list(flags.peers),
      });
      console.log(JSON.stringify(snapshot, null, 2));
      return;
    }
    case 'env': {
      const info = testenv.getClusterInfo(needName());
      if (!info) throw new Error(`cluster ${name} is not running: start it with \`testenv start ${name}\``);
      const { binarySpecs, binaryPath } = require('../lib/binaries');
      const kubectl = binarySpecs().find(s => s.name === 'kubectl');
      console.log(`export KUBECONFIG=${shellQuote(info.kubeconfigPath)}`);
      if (kubectl) console.log(`# kubectl: ${binaryPath(kubectl)}`);
      return;
    }
    case 'apiserver': {
      const [action, cluster] = positional;
      if (!cluster || !['stop', 'start'].includes(action)) throw new Error(`usage: testenv apiserver stop|start <name>`);
      const started = Date.now();
      const info = action === 'stop' ? await testenv.stopApiserver(cluster) : await testenv.startApiserver(cluster);
      const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
      console.log(action === 'stop' ? `cluster ${cluster}: kube-apiserver stopped (${took}); etcd ${info.pids.etcd} keeps running`
        : `cluster ${cluster}: kube-apiserver ${info.pids.kubeApiserver} ready at ${info.server} in ${took}`);
      return;
    }
    case 'compact': {
      const { revision } = await testenv.compactCluster(needName());
      console.log(`cluster ${name}: etcd compacted to revision ${revision}`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      throw new Error(`unknown command ${command}\n\n${USAGE}`);
  }
}

main().catch(err => {
  process.stderr.write(`testenv: ${err.message}\n`);
  process.exitCode = 1;
});
