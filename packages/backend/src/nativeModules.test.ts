import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.resolve(__dirname, '../../../scripts/native-modules.js');

describe('the native module check of the dev and test scripts', () => {
  it('passes when better-sqlite3 loads in this Node', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.stdout).toContain(`better-sqlite3 loads in Node ${process.version}`);
    expect(run.status).toBe(0);
  });

  it('fails with how to rebuild when better-sqlite3 cannot load', () => {
    // --no-addons makes Node refuse every native module, as an ABI mismatch does.
    const run = spawnSync(process.execPath, ['--no-addons', script], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`better-sqlite3 does not load in Node ${process.version}`);
    expect(run.stderr).toContain('npm rebuild better-sqlite3');
  });
});

describe('the node-gyp of native builds (tools/node-gyp)', () => {
  const wrapper = path.resolve(__dirname, '../../../tools/node-gyp/node-gyp.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-node-gyp-'));
  // Stands in for npm's node-gyp: reports the nodedir it would compile against.
  const reporter = path.join(tmp, 'report-nodedir.js');
  fs.writeFileSync(reporter, 'console.log(JSON.stringify({ nodedir: process.env.npm_config_nodedir ?? null }));\n');

  function headers(version: string) {
    const dir = fs.mkdtempSync(path.join(tmp, 'prefix-'));
    const [major, minor, patch] = version.replace(/^v/, '').split('.');
    fs.mkdirSync(path.join(dir, 'include/node'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'include/node/node_version.h'),
      `#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n#define NODE_PATCH_VERSION ${patch}\n`,
    );
    return dir;
  }

  function nodedirChosen(configured?: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_node_gyp: reporter };
    delete env.npm_config_nodedir;
    if (configured) env.npm_config_nodedir = configured;
    const run = spawnSync(process.execPath, [wrapper], { encoding: 'utf8', env });
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout).nodedir;
  }

  // When nothing configured fits: this Node's own prefix, if it holds this version's headers.
  const ownPrefix = path.resolve(path.dirname(process.execPath), '..');
  const ownVersionHeader = path.join(ownPrefix, 'include/node/node_version.h');
  const [major, minor, patch] = process.versions.node.split('.');
  const ownHeaders =
    fs.existsSync(ownVersionHeader) &&
    [`MAJOR_VERSION ${major}\n`, `MINOR_VERSION ${minor}\n`, `PATCH_VERSION ${patch}\n`].every(d =>
      fs.readFileSync(ownVersionHeader, 'utf8').includes(`#define NODE_${d}`),
    )
      ? ownPrefix
      : null;

  it('takes the headers under the running Node when none is configured', () => {
    expect(nodedirChosen()).toBe(ownHeaders);
  });

  it('keeps a configured nodedir with headers of the running Node', () => {
    const matching = headers(process.version);
    expect(nodedirChosen(matching)).toBe(matching);
  });

  it('replaces a configured nodedir of another Node version', () => {
    const other = headers('v20.0.0' === process.version ? 'v22.0.0' : 'v20.0.0');
    expect(nodedirChosen(other)).toBe(ownHeaders);
  });
});
