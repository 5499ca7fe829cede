#!/usr/bin/env node
// @ts-check
/**
 * A private PostgreSQL for the tests, from Debian's `postgresql` package.
 *
 *   node scripts/postgres.js          start (idempotent), print the connection string
 *   node scripts/postgres.js --env    start, print `export VAR=...` for a shell's eval
 *   node scripts/postgres.js stop     stop it (the data is kept)
 *   node scripts/postgres.js status
 *
 * The cluster lives under ${XDG_CACHE_HOME:-~/.cache}/backstage-egress/postgres,
 * listens on 127.0.0.1 only (55432, or a free port when that is taken), and
 * has a random password for the `postgres` superuser. PostgreSQL refuses to
 * run as root, so as root it runs as the `postgres` OS user; when that user
 * cannot reach the cache directory (root's home is usually private) the data
 * directory moves to /var/tmp/backstage-egress/postgres instead.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** backend-test-utils reads the connection string of its POSTGRES_15 test database from here. */
const ENV_VAR = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const PREFERRED_PORT = 55432;

function binDir() {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs.readdirSync(base).filter(v => fs.existsSync(path.join(base, v, 'bin/pg_ctl')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
  }
  return path.join(base, versions[0], 'bin');
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the `postgres` user when we are root. */
function pg(bin, args, options = {}) {
  const cmd = path.join(binDir(), bin);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return spawnSync(file, argv, { encoding: 'utf8', ...options });
}

function canPostgresReach(dir) {
  if (!asRoot) return true;
  let probe = dir;
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', probe], { stdio: 'ignore' }).status === 0;
}

function locations() {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const home = path.join(cache, 'backstage-egress', 'postgres');
  const base = canPostgresReach(home) ? home : '/var/tmp/backstage-egress/postgres';
  return { base, data: path.join(base, 'data'), state: path.join(base, 'state.json'), log: path.join(base, 'postgres.log') };
}

function freePort(preferred) {
  const tryPort = port =>
    new Promise(resolve => {
      const server = net.createServer();
      server.once('error', () => resolve(0));
      server.listen(port, '127.0.0.1', () => {
        const got = /** @type {net.AddressInfo} */ (server.address()).port;
        server.close(() => resolve(got));
      });
    });
  return tryPort(preferred).then(p => p || tryPort(0));
}

function connectionString(state) {
  return `postgresql://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`;
}

function isRunning(loc) {
  return fs.existsSync(path.join(loc.data, 'PG_VERSION')) && pg('pg_ctl', ['status', '-D', loc.data]).status === 0;
}

/** Starts the cluster if needed; resolves to its connection string. */
async function start() {
  const loc = locations();
  fs.mkdirSync(loc.base, { recursive: true });
  if (asRoot) execFileSync('chown', ['postgres:postgres', loc.base]);
  /** @type {{ password: string; port: number }} */
  let state = fs.existsSync(loc.state) ? JSON.parse(fs.readFileSync(loc.state, 'utf8')) : undefined;

  if (!fs.existsSync(path.join(loc.data, 'PG_VERSION'))) {
    state = { password: crypto.randomBytes(18).toString('base64url'), port: 0 };
    const pwfile = path.join(loc.base, 'pwfile');
    fs.writeFileSync(pwfile, `${state.password}\n`, { mode: 0o600 });
    if (asRoot) execFileSync('chown', ['postgres:postgres', pwfile]);
    const init = pg('initdb', ['-D', loc.data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-instructions']);
    fs.rmSync(pwfile, { force: true });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  if (!state) throw new Error(`${loc.state} is missing; remove ${loc.base} to start over`);

  if (!isRunning(loc)) {
    state.port = await freePort(state.port || PREFERRED_PORT);
    const opts = `-c listen_addresses=127.0.0.1 -c port=${state.port} -c unix_socket_directories='' -c max_connections=200 -c fsync=off`;
    const started = pg('pg_ctl', ['start', '-w', '-t', '60', '-D', loc.data, '-l', loc.log, '-o', opts]);
    if (started.status !== 0) {
      const log = fs.existsSync(loc.log) ? fs.readFileSync(loc.log, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`PostgreSQL did not start: ${started.stderr || started.stdout}\n${log}`);
    }
  }
  fs.writeFileSync(loc.state, JSON.stringify(state), { mode: 0o600 });
  return connectionString(state);
}

function stop() {
  const loc = locations();
  if (isRunning(loc)) {
    const stopped = pg('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', loc.data]);
    if (stopped.status !== 0) throw new Error(`pg_ctl stop failed: ${stopped.stderr}`);
  }
}

module.exports = { start, stop, ENV_VAR };

if (require.main === module) {
  const command = process.argv[2] ?? 'start';
  (async () => {
    if (command === 'stop') {
      stop();
    } else if (command === 'status') {
      const loc = locations();
      console.log(isRunning(loc) ? `running (${loc.data})` : 'stopped');
    } else if (command === 'start' || command === '--env') {
      const url = await start();
      console.log(command === '--env' || process.argv.includes('--env') ? `export ${ENV_VAR}='${url}'` : url);
    } else {
      throw new Error(`unknown command ${command}; use start, --env, stop or status`);
    }
  })().catch(err => {
    console.error(`[postgres] ${err.message}`);
    process.exit(1);
  });
}
