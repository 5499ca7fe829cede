#!/usr/bin/env node
// @ts-check
/* eslint-disable no-console */
/**
 * istiod in a testenv cluster: how long it takes to start, and how long after an apply (and a
 * delete) of a ServiceEntry the xDS istiod sends a sidecar reflects it. Appends the results to
 * BENCHMARKS.md.
 *
 *   npm run bench:istiod                  # 3 starts, 20 apply/delete rounds
 *   BENCH_STARTS=1 BENCH_ROUNDS=5 npm run bench:istiod
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const testenv = require('..');
const { run } = require('../lib/proc');

const STARTS = Number(process.env.BENCH_STARTS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const CLUSTER = 'bench-istiod';

/** @param {number[]} samples */
function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const p = (/** @type {number} */ q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: p(0.5), p95: p(0.95), max: s[s.length - 1] };
}

/** Polls the sidecar's clusters until `present` says so; ms since `since`. */
async function untilXds(/** @type {import('..').ClusterInfo} */ info, /** @type {string} */ name, /** @type {boolean} */ present, /** @type {number} */ since) {
  for (;;) {
    const snapshot = await testenv.xdsSnapshot(info, { namespace: 'payments' });
    if (snapshot.clusters.some(c => c.name === name) === present) return Date.now() - since;
    if (Date.now() - since > 30_000) throw new Error(`${name} ${present ? 'never appeared' : 'never went'}`);
  }
}

async function main() {
  const bins = await testenv.ensureBinaries();
  const clusterStarts = [];
  const istiodStarts = [];
  for (let i = 0; i < STARTS; i++) {
    await testenv.stopCluster(CLUSTER);
    const started = Date.now();
    const info = await testenv.startCluster({ name: CLUSTER, meshMode: 'REGISTRY_ONLY', istiod: true });
    clusterStarts.push(Date.now() - started);
    istiodStarts.push(/** @type {import('..').IstiodInfo} */ (info.istiod).startupMs);
  }
  const info = /** @type {import('..').ClusterInfo} */ (testenv.getClusterInfo(CLUSTER));
  const kubectl = (/** @type {string[]} */ args, /** @type {string | undefined} */ input = undefined) =>
    run(bins.kubectl, ['--kubeconfig', info.kubeconfigPath, '--context', info.contexts['backstage-egress'], ...args], { input });

  const applied = [];
  const deleted = [];
  for (let i = 0; i < ROUNDS; i++) {
    const host = `bench-${i}.example.com`;
    const se = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: bench-${i}, namespace: payments }
spec:
  hosts: [${host}]
  ports: [{ number: 443, name: tls-443, protocol: TLS }]
  location: MESH_EXTERNAL
  resolution: DNS
  exportTo: ['.']
`;
    await kubectl(['apply', '--server-side', '--field-manager=bench', '-f', '-'], se);
    applied.push(await untilXds(info, `outbound|443||${host}`, true, Date.now()));
    await kubectl(['delete', 'serviceentry', '-n', 'payments', `bench-${i}`]);
    deleted.push(await untilXds(info, `outbound|443||${host}`, false, Date.now()));
  }
  await testenv.stopCluster(CLUSTER);

  const cpu = os.cpus();
  const row = (/** @type {string} */ what, /** @type {number[]} */ samples) => {
    const p = percentiles(samples);
    return `| ${what} | ${samples.length} | ${p.p50} ms | ${p.p95} ms | ${p.max} ms |`;
  };
  const section = [
    `## istiod in the test cluster: start and apply → xDS (${new Date().toISOString()})`,
    '',
    `Command: \`npm run bench:istiod\` (${STARTS} cluster starts with istiod, ${ROUNDS} ServiceEntry apply/delete rounds as \`backstage-egress\`).`,
    `Machine: ${cpu.length} cores (${cpu[0]?.model.trim()}), Node ${process.version}, ${os.type()} ${os.release()}, load average ${os.loadavg()[0].toFixed(1)} at the end.`,
    'Apply → xDS: from `kubectl apply` (or `delete`) returning until `xds-check`, polling as a sidecar in `payments`, sees the',
    "`outbound|443||<host>` cluster appear (or go); each poll is a fresh ADS connection (~0.1 s), so the numbers include up to one poll.",
    '',
    '| what | n | p50 | p95 | max |',
    '| --- | --- | --- | --- | --- |',
    row('cluster start with istiod (etcd, kube-apiserver, CRDs, RBAC, istiod ready)', clusterStarts),
    row('istiod start (spawn until /ready)', istiodStarts),
    row('apply → cluster in the sidecar\'s xDS', applied),
    row('delete → cluster gone from the sidecar\'s xDS', deleted),
    '',
  ].join('\n');
  console.log(section);
  const file = path.resolve(__dirname, '../../../BENCHMARKS.md');
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('\n## ');
  fs.writeFileSync(file, at < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, at + 1)}${section}\n${text.slice(at + 1)}`);
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
