import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Percentiles (nearest rank) and mean of samples in milliseconds. */
export function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: p(0.5), p95: p(0.95), p99: p(0.99), max: s[s.length - 1], mean };
}

export const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

/** Cores, CPU model, RAM, Node and kernel: the machine line of every result. */
export function machine(): string {
  const nproc = execSync('nproc').toString().trim();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${nproc} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

/** A process and its descendants (from /proc). */
function tree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return all;
}

/** Resident memory in MiB of a process and all its descendants. */
export function rssOfTree(pid: number): number {
  let kib = 0;
  for (const p of tree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      kib += m ? Number(m[1]) : 0;
    } catch {
      // gone
    }
  }
  return Math.round(kib / 1024);
}

/**
 * CPU time in ms (user + system) used so far by a process and its descendants: unlike
 * latency, hardly affected by other jobs competing for the same cores.
 */
export function cpuMsOfTree(pid: number): number {
  const tick = 1000 / Number(execSync('getconf CLK_TCK').toString().trim());
  let ticks = 0;
  for (const p of tree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks * tick;
}
