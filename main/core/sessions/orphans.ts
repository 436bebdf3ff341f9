// Orphans: agent processes that outlived a Maestro that was killed (an agent that ignores SIGHUP keeps
// working while a retry starts new sessions on the same subtasks). On start, each session recorded as
// running is checked: if its process still exists and is the same process (same start time, so a
// reused pid is never touched), its whole terminal session is ended.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** An opaque token for when a process started (Linux: /proc start time; elsewhere: `ps -o lstart`). */
export function processStartTime(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): field 22 is starttime.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return rest[19];
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (another user's counts too). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Processes whose terminal session is led by `leader` (Linux only; elsewhere the process group). */
function sessionMembers(leader: number): number[] {
  if (process.platform !== 'linux') return [];
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[3]) === leader) out.push(Number(name)); // field 6: session id
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function signalAll(leader: number, signal: NodeJS.Signals): void {
  const targets = new Set([-leader, leader, ...sessionMembers(leader)]);
  for (const t of targets) {
    try {
      process.kill(t, signal);
    } catch {
      // already gone
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Ends the orphan of a session whose process was `pid`, started at `startTime`. Returns what was done,
 * for the timeline, or undefined when there was nothing to end.
 */
export function endOrphan(pid: number | undefined, startTime: string | undefined): string | undefined {
  if (!pid || !startTime || !processAlive(pid)) return undefined;
  if (processStartTime(pid) !== startTime) return undefined; // the pid now belongs to another process
  signalAll(pid, 'SIGTERM');
  for (let waited = 0; waited < 3_000 && (processAlive(pid) || sessionMembers(pid).length); waited += 50) sleepSync(50);
  const stubborn = processAlive(pid) || sessionMembers(pid).length > 0;
  if (stubborn) signalAll(pid, 'SIGKILL');
  return `its process ${pid} was still running and was ended${stubborn ? ' (SIGKILL)' : ''}`;
}
