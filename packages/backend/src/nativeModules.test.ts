import { spawnSync } from 'node:child_process';
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

