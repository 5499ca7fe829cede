// @ts-check
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** @param {number} ms */
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * @typedef {object} RunOptions
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string} [input] written to stdin
 * @property {number} [timeoutMs] killed (SIGKILL) after this long
 * @property {boolean} [inheritStderr] stream stderr to ours (for long builds)
 * @property {boolean} [allowFailure] resolve with the exit code instead of rejecting
 */

/**
 * Runs a command to completion and collects its output.
 * @param {string} cmd
 * @param {string[]} args
 * @param {RunOptions} [opts]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', opts.inheritStderr ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', d => (stdout += d));
    child.stderr?.on('data', d => (stderr += d));
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', err => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exit = code ?? 128;
      if (exit === 0 || opts.allowFailure) {
        resolve({ code: exit, stdout, stderr });
        return;
      }
      const what = timedOut ? `timed out after ${opts.timeoutMs} ms` : `exited with ${code ?? signal}`;
      const shown = [path.basename(cmd), ...args].join(' ');
      reject(new Error(`${shown} ${what}\n${(stderr || stdout).trim()}`));
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a command that exits without reading its input: its exit code tells
      child.stdin.end(opts.input);
    }
  });
}

/**
 * Starts a long-running process in its own process group, detached from ours, with
 * stdout and stderr appended to `logFile`. It keeps running after this Node process exits.
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} logFile
 * @param {NodeJS.ProcessEnv} [env] default: ours
 * @returns {Promise<number>} the pid, which is also the process group id
 */
function spawnDetached(cmd, args, logFile, env = process.env) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n--- ${new Date().toISOString()} ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env });
    fs.closeSync(fd);
    child.once('error', err => reject(new Error(`cannot start ${cmd}: ${err.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve(/** @type {number} */ (child.pid));
    });
  });
}

/**
 * True while the process exists and is not a zombie.
 * @param {number | undefined} pid
 */
function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    // "pid (comm) S ..." – the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * @param {number} pid process group id (our children lead their own group)
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after `graceMs`, and waits until the leader is gone.
 * @param {number | undefined} pid
 * @param {number} [graceMs]
 */
async function stopProcess(pid, graceMs = 10_000) {
  if (!pid || !isAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  // A process frozen with SIGSTOP (pauseApiserver) handles SIGTERM only once it runs again.
  signalGroup(pid, 'SIGCONT');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (!isAlive(pid)) return;
  signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < killDeadline) await sleep(50);
  if (isAlive(pid)) throw new Error(`process ${pid} survived SIGKILL`);
}

/**
 * The last lines of a log file, for error messages.
 * @param {string} file
 * @param {number} [lines]
 */
function tail(file, lines = 25) {
  try {
    const fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 16_384);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    fs.closeSync(fd);
    return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/**
 * Runs `fn` while holding a lock directory, so two processes (for example two Jest workers)
 * don't build the same binary or start the same cluster at once. A lock whose owner died is taken over.
 * @template T
 * @param {string} lockDir
 * @param {() => Promise<T>} fn
 * @param {{ timeoutMs?: number, onWait?: () => void }} [opts]
 * @returns {Promise<T>}
 */
async function withLock(lockDir, fn, opts = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const ownerFile = path.join(lockDir, 'owner');
  let told = false;
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = 0;
      try {
        owner = Number(fs.readFileSync(ownerFile, 'utf8'));
      } catch {
        // owner not written yet, or lock just released
      }
      if (owner && owner !== process.pid && !isAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir} (held by pid ${owner || '?'})`);
      if (!told) opts.onWait?.();
      told = true;
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

module.exports = { sleep, run, spawnDetached, isAlive, stopProcess, tail, withLock };
