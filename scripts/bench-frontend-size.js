#!/usr/bin/env node
// @ts-check
/**
 * Gzip size of the plugin's own frontend code (`npm run bench:frontend-size`): builds
 * plugins/egress and plugins/egress-common with `backstage-cli package build` (the ES modules an
 * adopter's app bundles; Backstage, Material UI and React stay external) and gzips every built
 * JavaScript file. egress-common is counted whole although the app's bundler keeps only what the
 * frontend imports of it, so the total is an upper bound of what the browser downloads for the plugin.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');
const PACKAGES = ['plugins/egress', 'plugins/egress-common'];

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return jsFiles(p);
    return /\.(esm|cjs)?\.?js$/.test(e.name) && !e.name.endsWith('.map') ? [p] : [];
  });
}

const kb = n => `${(n / 1024).toFixed(1)} KB`;
const rows = [];
let total = 0;
for (const dir of PACKAGES) {
  const cwd = path.join(root, dir);
  console.error(`[size] backstage-cli package build in ${dir}`);
  execFileSync(process.execPath, [cli, 'package', 'build'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  // The browser takes the ES modules; egress-common also builds CommonJS for the backend.
  const files = jsFiles(path.join(cwd, 'dist')).filter(f => !f.endsWith('.cjs.js'));
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const content = fs.readFileSync(f);
    raw += content.length;
    gzip += zlib.gzipSync(content, { level: 9 }).length;
  }
  total += gzip;
  rows.push(`| ${dir} | ${files.length} | ${kb(raw)} | ${kb(gzip)} |`);
}
console.log(
  [
    `### Frontend code of the plugin, gzip (${new Date().toISOString()})`,
    '',
    '| package | ES module files | raw | gzip |',
    '| --- | --- | --- | --- |',
    ...rows,
    `| **total** | | | **${kb(total)}** |`,
  ].join('\n'),
);
