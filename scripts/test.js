#!/usr/bin/env node
// @ts-check
/**
 * Runs every test of the project (`npm test`): makes sure the Debian packages
 * and the real test cluster's binaries are there, runs Jest across all
 * workspaces, checks the API reports (whole suite only), and ends with one
 * plain line `N passed, N failed`.
 *
 * Extra arguments go to Jest, e.g. `npm test -- plugins/egress-common`.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureGo, ensureSystemPackages } = require('./system-deps');
const postgres = require('./postgres');
const { checkNativeModules } = require('./native-modules');

const root = path.resolve(__dirname, '..');

async function main() {
  if (!fs.existsSync(path.join(root, 'node_modules/@backstage/cli'))) {
    throw new Error('npm packages are missing: run `npm ci` first');
  }
  checkNativeModules();
  ensureSystemPackages();
  ensureGo();

  const started = Date.now();
  await run(process.execPath, [path.join(root, 'tools/testenv/bin/testenv.js'), 'build']);
  console.error(`[test] test cluster binaries ready in ${Math.round((Date.now() - started) / 1000)} s`);

  // Store and workflow tests also run on PostgreSQL; they fail in CI without it.
  const pgUrl = process.env[postgres.ENV_VAR] || (await postgres.start());
  console.error('[test] PostgreSQL ready');

  const jestArgs = process.argv.slice(2);
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'egress-jest-')), 'results.json');
  const jestRc = await run(
    process.execPath,
    [
      require.resolve('@backstage/cli/bin/backstage-cli'),
      'repo',
      'test',
      '--runInBand',
      '--json',
      `--outputFile=${resultsFile}`,
      ...jestArgs,
    ],
    { CI: 'true', [postgres.ENV_VAR]: pgUrl },
    false,
  );
  if (!process.env[postgres.ENV_VAR]) postgres.stop();

  const jest = summarize(resultsFile);
  // The whole suite also checks the API reports, so a change to a package's exports without its
  // regenerated report (`npm run build:api-reports`) fails like a test.
  const apiReports = jestArgs.length === 0 ? await checkApiReports() : { passed: 0, failed: 0 };
  const passed = jest.passed + apiReports.passed;
  const failed = jest.failed + apiReports.failed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(jestRc !== 0 || failed > 0 ? 1 : 0);
}

/** `npm run check:api-reports`, counted as one test. */
async function checkApiReports() {
  console.error('[test] API reports (npm run check:api-reports)');
  const rc = await run('npm', ['run', '--silent', 'check:api-reports'], {}, false);
  if (rc !== 0) console.error('[test] API reports differ from the exports: run `npm run build:api-reports` and commit the reports');
  return rc === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

/** Totals over all suites; a suite that failed to run counts as one failed test. */
function summarize(resultsFile) {
  if (!fs.existsSync(resultsFile)) {
    return { passed: 0, failed: 1 };
  }
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  const brokenSuites = results.testResults.filter(
    s => s.status === 'failed' && s.assertionResults.length === 0,
  ).length;
  return {
    passed: results.numPassedTests,
    failed: results.numFailedTests + brokenSuites,
  };
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @param {boolean} [mustSucceed]
 * @returns {Promise<number>}
 */
function run(cmd, args, env = {}, mustSucceed = true) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', code => {
      if (mustSucceed && code !== 0) {
        reject(new Error(`${path.basename(args[0] ?? cmd)} ${args.slice(1).join(' ')} exited with ${code}`));
      } else {
        resolve(code ?? 1);
      }
    });
  });
}

if (require.main === module) {
  main().catch(err => {
    console.error(`[test] ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}

module.exports = { checkApiReports };
