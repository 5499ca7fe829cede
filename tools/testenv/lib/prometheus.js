// @ts-check
'use strict';

/**
 * A real Prometheus (Debian's `prometheus` package, the binary run directly with its own
 * config and data folder, never the system service) scraping the given targets.
 */

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { cacheRoot } = require('./paths');
const { freePort, waitFor } = require('./net');
const { stopProcess, isAlive, tail } = require('./proc');

const PROMETHEUS_BIN = process.env.EGRESS_PROMETHEUS_BIN || '/usr/bin/prometheus';

/**
 * @typedef {object} PrometheusOptions
 * @property {string} name                  folder name under <cache>/prometheus/ (data, config, log)
 * @property {string[]} targets             scrape targets `host:port` (path /metrics)
 * @property {number} [scrapeIntervalSeconds] default 1
 * @property {number} [port]                default: a free port
 * @property {boolean} [keepData]           keep earlier samples (default: start empty)
 */

/**
 * @typedef {object} PrometheusInstance
 * @property {string} url  http://127.0.0.1:PORT
 * @property {number} pid
 * @property {() => Promise<void>} stop
 */

/**
 * Starts Prometheus and waits until it is ready.
 * @param {PrometheusOptions} options
 * @returns {Promise<PrometheusInstance>}
 */
async function startPrometheus(options) {
  if (!fs.existsSync(PROMETHEUS_BIN)) {
    throw new Error(`${PROMETHEUS_BIN} is missing: apt-get install -y prometheus`);
  }
  const dir = path.join(cacheRoot(), 'prometheus', options.name);
  const dataDir = path.join(dir, 'data');
  if (!options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    configFile,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: istio-mesh',
      '    honor_labels: true',
      '    honor_timestamps: true',
      '    static_configs:',
      `      - targets: [${options.targets.map(t => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = options.port ?? (await freePort());
  const logFile = path.join(dir, 'prometheus.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=8d',
      '--log.level=warn',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  child.unref();
  const pid = /** @type {number} */ (child.pid);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`Prometheus at ${url}`, async () => (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
      abort: () => {
        if (!isAlive(pid)) throw new Error(`Prometheus exited:\n${tail(logFile)}`);
      },
    });
  } catch (e) {
    await stopProcess(pid);
    throw e;
  }
  return { url, pid, stop: () => stopProcess(pid) };
}

module.exports = { startPrometheus };
