// Small helpers shared by the benchmarks: paths, statistics, waiting, the machine description.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const made: string[] = [];
export function tmpDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Removes every folder made by tmpDir (at the end of the run). */
export function cleanupTmpDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 60_000, everyMs = 20): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Nearest-rank percentile of unsorted numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with a page's timeOrigin + now(). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const MB = 1024 * 1024;
export const round = (v: number, digits = 1) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

export interface Machine {
  date: string;
  commit: string;
  dirty: boolean;
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  chromium?: string;
}

export function describeMachine(): Machine {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (pretty) osName = `${pretty[1]} (${os.release()})`;
  } catch {
    // not Linux
  }
  return {
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain']).length > 0,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    os: osName,
    node: process.version,
  };
}

/** Resident set size of a process in bytes (Linux /proc), or NaN. */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Proportional set size (shared pages divided among their users), or NaN. */
export function pssOf(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Processes whose parent chain includes `ancestor`, with their command lines (Linux /proc). */
export function descendants(ancestor: number): { pid: number; cmd: string }[] {
  const parents = new Map<number, number>();
  const cmds = new Map<number, string>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
      cmds.set(Number(name), fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // gone meanwhile
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  for (const pid of parents.keys()) {
    let cur = parents.get(pid);
    while (cur !== undefined && cur > 1) {
      if (cur === ancestor) {
        out.push({ pid, cmd: cmds.get(pid) ?? '' });
        break;
      }
      cur = parents.get(cur);
    }
  }
  return out;
}

/**
 * CPU time a process has used so far, in ms (Linux /proc/<pid>/stat: utime + stime, and with `children`
 * also cutime + cstime, the children that have ended and been waited for), or NaN when it is gone.
 */
function statCpuMs(pid: number, children: boolean): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: [11] utime, [12] stime, [13] cutime, [14] cstime, in clock ticks (100 a second).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) a process has used so far, in ms, or NaN. */
export const cpuMsOf = (pid: number): number => statCpuMs(pid, false);

/** The same, with its children that have ended and been waited for (a shell's pipeline, say). */
export const cpuWithChildrenMs = (pid: number): number => statCpuMs(pid, true);

/** CPU time (ms) the whole machine has spent busy (all cores; /proc/stat: all but idle and iowait). */
export function machineBusyMs(): number {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) / 100;
}

/**
 * A process's main thread (its thread id is the process id): ms it ran, and ms it was runnable but
 * waited for a core (/proc/<pid>/task/<pid>/schedstat: run time, run-queue wait, in ns).
 */
export function mainThreadMs(pid: number): { ran: number; waited: number } {
  try {
    const [ran, waited] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { ran: (ran ?? NaN) / 1e6, waited: (waited ?? NaN) / 1e6 };
  } catch {
    return { ran: NaN, waited: NaN };
  }
}

/** CPU time (ms) per thread name of a process (Linux /proc/<pid>/task; names as the kernel keeps them, ≤ 15 chars). */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      out.set(name, (out.get(name) ?? 0) + ms);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
