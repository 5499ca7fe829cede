#!/usr/bin/env node
// @ts-check
/**
 * Builds the publishable packages and packs them as npm tarballs
 * (`npm run pack`): type declarations (tsc), each package's `dist` (Backstage
 * CLI build), then `npm pack` with the package.json rewritten for
 * publishing (Backstage CLI prepack: `main`/`types` point into `dist`) and
 * restored afterwards. The tarballs land in `dist-packages/` (or the folder
 * given as the first argument); their paths are printed, one per line.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');

/** The packages adopters install, dependencies first. */
const PUBLISHABLE = [
  'plugins/egress-common',
  'plugins/egress-backend',
  'plugins/egress',
  'plugins/scaffolder-backend-module-egress',
];

/**
 * @param {string} [outDir]
 * @param {(line: string) => void} [log]
 * @returns {string[]} the tarballs' paths
 */
function packAll(outDir = path.join(root, 'dist-packages'), log = line => console.error(line)) {
  fs.mkdirSync(outDir, { recursive: true });
  const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  log('[pack] type declarations (tsc)');
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root]);
  return PUBLISHABLE.map(dir => {
    const cwd = path.join(root, dir);
    log(`[pack] ${dir}`);
    run(process.execPath, [cli, 'package', 'build'], cwd);
    run(process.execPath, [cli, 'package', 'prepack'], cwd);
    try {
      const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], cwd));
      return path.join(outDir, packed.filename);
    } finally {
      run(process.execPath, [cli, 'package', 'postpack'], cwd);
    }
  });
}

if (require.main === module) {
  try {
    for (const file of packAll(process.argv[2] && path.resolve(process.argv[2]))) console.log(file);
  } catch (e) {
    console.error(`[pack] ${e.message}`);
    process.exit(1);
  }
}

module.exports = { packAll, PUBLISHABLE };
