#!/usr/bin/env node
// @ts-check
/**
 * Regenerates what is derived from the egress backend's OpenAPI spec
 * (`npm run generate:openapi`), after editing
 * plugins/egress-backend/src/schema/openapi.yaml: the backend's typed router,
 * and the wire types in the common package (scripts/openapi-types.js).
 *
 * Backstage's generator ends with a lint step run through `yarn`; this
 * repository uses npm, so a `yarn` that does nothing is put first on PATH for
 * the generator only. Prettier (a root dev dependency) formats the output.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { writeWireTypes } = require('./openapi-types');

const root = path.resolve(__dirname, '..');
const shimDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-yarn-shim-'));
fs.writeFileSync(path.join(shimDir, 'yarn'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
try {
  const result = spawnSync(
    process.execPath,
    [require.resolve('@backstage/repo-tools/bin/backstage-repo-tools'), 'package', 'schema', 'openapi', 'generate', '--server'],
    {
      cwd: path.join(root, 'plugins/egress-backend'),
      stdio: 'inherit',
      env: { ...process.env, PATH: `${shimDir}${path.delimiter}${process.env.PATH}` },
    },
  );
  process.exitCode = result.status ?? 1;
} finally {
  fs.rmSync(shimDir, { recursive: true, force: true });
}
if (process.exitCode === 0) {
  writeWireTypes().then(
    file => console.log(`Wrote ${path.relative(root, file)}`),
    error => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
