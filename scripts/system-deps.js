// @ts-check
/**
 * Debian packages the tests and the portal need. Installed with apt-get when
 * missing and running as root; otherwise a clear message says what to install.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');

/** @type {Array<{ pkg: string; present: () => boolean; why: string }>} */
const PACKAGES = [
  { pkg: 'openssl', present: () => hasCommand('openssl'), why: 'test cluster certificates' },
  { pkg: 'chromium', present: () => fs.existsSync('/usr/bin/chromium'), why: 'end-to-end tests in a real browser' },
  {
    pkg: 'prometheus',
    present: () => fs.existsSync(process.env.EGRESS_PROMETHEUS_BIN || '/usr/bin/prometheus'),
    why: "traffic metrics of the test clusters (tools/testenv/lib/prometheus.js): the traffic tests and the portal's traffic view",
  },
  {
    pkg: 'postgresql',
    present: () => fs.existsSync('/usr/lib/postgresql') && fs.readdirSync('/usr/lib/postgresql').some(v => fs.existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`)),
    why: 'store and workflow tests on PostgreSQL (scripts/postgres.js)',
  },
];

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** @param {string[]} names which of PACKAGES to ensure (all by default) */
function ensureSystemPackages(names = PACKAGES.map(p => p.pkg)) {
  const missing = PACKAGES.filter(p => names.includes(p.pkg) && !p.present());
  if (missing.length === 0) return;
  const list = missing.map(p => p.pkg);
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(
      `Missing Debian packages: ${list.join(', ')} (${missing.map(p => p.why).join('; ')}). ` +
        `Install them with: sudo apt-get install -y ${list.join(' ')}`,
    );
  }
  console.error(`[setup] installing Debian packages: ${list.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...list], { stdio: 'inherit', env });
}

/** Fails early with a clear message if Go is missing (the test cluster is built from Go modules). */
function ensureGo() {
  if (!hasCommand('go') && !fs.existsSync('/usr/local/go/bin/go')) {
    throw new Error(
      'Go is needed once to build the test cluster (kube-apiserver, etcd, istioctl) from the Go module proxy; install Go 1.24 or newer',
    );
  }
}

module.exports = { ensureSystemPackages, ensureGo, hasCommand, PACKAGES };
