#!/usr/bin/env node
// @ts-check
/**
 * Measures `npm run dev` the way a developer sees it: the seconds from starting scripts/dev.js
 * until it prints the portal's URL, on a warm machine (binaries built, npm packages installed).
 * Each run starts the two test clusters, the backend and the app on free ports under its own
 * cluster prefix (and data/, as `npm run dev`), then presses Ctrl-C and waits until everything is gone.
 *
 *   node scripts/bench-dev-startup.js [runs]     (default 3; the first run also warms caches)
 */
const { spawn } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('@backstage-egress/testenv');

const root = path.resolve(__dirname, '..');

/** One start-up: resolves with the seconds until the portal line, after the run has stopped again. */
async function once(i) {
  const started = Date.now();
  const output = [];
  const child = spawn(process.execPath, [path.join(root, 'scripts/dev.js')], {
    cwd: root,
    env: {
      ...process.env,
      EGRESS_DEV_CLUSTER: `bench-startup-${i}`,
      EGRESS_BACKEND_PORT: String(await freePort()),
      EGRESS_APP_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise(resolve => child.on('exit', code => resolve(code)));
  /** Seconds until the clusters (with istiod) and their Prometheus were ready. */
  const steps = {};
  const seconds = await new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', chunk => {
        output.push(chunk);
        const at = (Date.now() - started) / 1000;
        if (/\[stack\] cluster /.test(chunk)) steps.clusters ??= at;
        if (/\[stack\] Prometheus /.test(chunk)) steps.prometheus ??= at;
        if (/Egress portal: http/.test(chunk)) resolve(at);
      });
    }
    child.on('exit', code => reject(new Error(`dev exited with ${code} before the portal was up:\n${output.join('').slice(-3000)}`)));
  });
  child.kill('SIGINT');
  await exited;
  return { seconds, steps };
}

async function main() {
  const runs = Number(process.argv[2] ?? 3);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const load = os.loadavg()[0];
    const { seconds, steps } = await once(i);
    results.push(seconds);
    console.log(
      `run ${i + 1}: portal URL printed after ${seconds.toFixed(1)} s (clusters and istiod ready at ${steps.clusters?.toFixed(1)} s, ` +
        `Prometheus at ${steps.prometheus?.toFixed(1)} s; load average ${load.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after)`,
    );
  }
  const sorted = [...results].sort((a, b) => a - b);
  console.log(`median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} s, best ${sorted[0].toFixed(1)} s, cores ${os.cpus().length}`);
}

main().catch(err => {
  console.error(err.message);
  process.exit(1);
});
