#!/usr/bin/env node
// @ts-check
/**
 * Checks that the native modules load in the Node that runs the scripts:
 * better-sqlite3 is compiled for one Node ABI at install time, and a backend
 * started with another Node cannot open its database (it hangs on
 * "Acquire connection error" instead of failing). `npm run dev` and
 * `npm test` call this first; `node scripts/native-modules.js` runs it alone.
 */
const root = require('node:path').resolve(__dirname, '..');

function checkNativeModules() {
  try {
    const Database = require(require.resolve('better-sqlite3', { paths: [root] }));
    new Database(':memory:').close();
  } catch (e) {
    const reason = String(e?.message ?? e).split('\n')[0];
    throw new Error(
      [
        `better-sqlite3 does not load in Node ${process.version} (module ABI ${process.versions.modules}): ${reason}`,
        'It was built for another Node version, or not built at all. Rebuild it for this Node with',
        '  npm rebuild better-sqlite3',
        '(or run `npm ci` again with this Node first on PATH).',
      ].join('\n'),
    );
  }
}

if (require.main === module) {
  try {
    checkNativeModules();
    console.log(`better-sqlite3 loads in Node ${process.version}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

module.exports = { checkNativeModules };
