import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodePty from 'node-pty';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tmpDir, waitFor } from '../../../test/helpers';
import { guardedSpawn } from './fd-guard';
import { NodePtyBackend, withExactTail, type PtyExit, type PtyProcess } from './pty';
import { testEnv } from './test-support';

const backend = new NodePtyBackend();
const nodePty = createRequire(import.meta.url)('node-pty') as typeof NodePty;

interface Watched {
  output: () => string;
  exited: Promise<PtyExit>;
}

function watch(p: PtyProcess | NodePty.IPty): Watched {
  let output = '';
  p.onData((d: string) => (output += d));
  const exited = new Promise<PtyExit>((resolve) => p.onExit((e: PtyExit) => resolve(e)));
  return { output: () => output, exited };
}

/** Runs to the exit and returns everything printed. */
async function outputOf(p: PtyProcess | NodePty.IPty): Promise<string> {
  const w = watch(p);
  await w.exited;
  return w.output();
}

/**
 * node-pty's own spawn, without the guard: what Maestro did before. The controls below prove the listing and
 * the injection detect a leak; if a node-pty release stops leaking they fail, and fd-guard.ts can be revisited.
 */
function unguarded(file: string, args: string[], env: Record<string, string> = testEnv()): PtyProcess {
  // The exit drain of pty.ts (node-pty 1.1 drops the tail of fast exits), without the guard.
  return withExactTail(nodePty.spawn(file, args, { cwd: '/tmp', env, encoding: null }));
}

const live: Array<{ kill(signal?: string): void }> = [];
afterEach(() => {
  for (const p of live.splice(0)) {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** An earlier session: `cat` echoes whatever reaches its terminal. */
async function startVictim(): Promise<{ p: PtyProcess; w: Watched }> {
  const p = backend.spawn('/bin/sh', ['-c', 'echo victim-ready; exec cat'], { cwd: '/tmp', env: testEnv() });
  live.push(p);
  const w = watch(p);
  await waitFor(() => w.output().includes('victim-ready'), 'the first session to start');
  return { p, w };
}

/** Alive and not a zombie (an orphan's zombie waits for whoever adopts it). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function processName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

// The shell's own descriptors, listed by `ls` (a child that holds none of the shell's), as "fd -> target".
const LIST_FDS = 'ls -l /proc/$$/fd; echo LISTED';

function parseFds(output: string): Map<number, string> {
  expect(output).toContain('LISTED');
  const fds = new Map<number, string>();
  for (const m of output.matchAll(/ (\d+) -> (\S+)/g)) fds.set(Number(m[1]), m[2]);
  return fds;
}

// Writes a line into every PTY master the shell holds (multi-digit fds need bash), and says how many it tried.
const INJECT =
  'n=0; for f in /proc/$$/fd/*; do t=$(readlink "$f"); case $t in */ptmx) n=$((n+1)); printf "INJECTED\\n" >&"${f##*/}";; esac; done; echo "TRIED $n"';

/** Types a marker into the victim and returns its output up to the marker's echo. */
async function victimOutputAfter(victim: { p: PtyProcess; w: Watched }): Promise<string> {
  victim.p.write('END-OF-TEST\r');
  await waitFor(() => victim.w.output().includes('END-OF-TEST'), 'the first session to echo the marker');
  return victim.w.output();
}

// /proc and bash are Linux facts; on macOS node-pty starts children with posix_spawn(CLOEXEC_DEFAULT).
describe.runIf(process.platform === 'linux')('terminal sessions hold no other session’s PTY', () => {
  it('a later session’s process has only its own terminal open', async () => {
    await startVictim();
    await startVictim();
    const p = backend.spawn('/bin/sh', ['-c', LIST_FDS], { cwd: '/tmp', env: testEnv() });
    const fds = parseFds(await outputOf(p));
    expect([...fds.keys()].sort()).toEqual([0, 1, 2]);
    const tty = fds.get(0);
    expect(tty).toMatch(/^\/dev\/pts\/\d+$/);
    expect(fds.get(1)).toBe(tty);
    expect(fds.get(2)).toBe(tty);
  });

  it('control: without the guard, node-pty hands the earlier master on (the listing sees it)', async () => {
    await startVictim();
    const fds = parseFds(await outputOf(unguarded('/bin/sh', ['-c', LIST_FDS])));
    expect([...fds.values()].some((target) => target.endsWith('/ptmx'))).toBe(true);
  });

  it('a later session cannot type into an earlier one', async () => {
    const victim = await startVictim();
    const out = await outputOf(backend.spawn('/bin/bash', ['-c', INJECT], { cwd: '/tmp', env: testEnv() }));
    expect(out).toContain('TRIED 0');
    expect(await victimOutputAfter(victim)).not.toContain('INJECTED');
  });

  it('control: without the guard, the later process does type into the earlier terminal', async () => {
    const victim = await startVictim();
    const out = await outputOf(unguarded('/bin/bash', ['-c', INJECT]));
    expect(out).toMatch(/TRIED [1-9]/);
    expect(await victimOutputAfter(victim)).toContain('INJECTED');
  });

  it('when Maestro dies, an earlier session hangs up although a later one lives on', async () => {
    // A stand-in for Maestro: starts session A, then session B (which ignores SIGHUP, like a stubborn
    // agent), and is killed. A gets its hang-up only if no one else holds A's PTY master, i.e. not B.
    const dir = tmpDir('maestro-fd-orphan-');
    const program = `
      import { NodePtyBackend } from ${JSON.stringify(path.join(REPO_ROOT, 'main/core/terminal/pty.ts'))};
      const backend = new NodePtyBackend();
      const env = { PATH: process.env.PATH };
      backend.spawn('/bin/sh', ['-c', 'echo $$ > a.pid; exec sleep 600'], { cwd: ${JSON.stringify(dir)}, env });
      backend.spawn('/bin/sh', ['-c', 'trap "" HUP; echo $$ > b.pid; exec sleep 600'], { cwd: ${JSON.stringify(dir)}, env });
      setInterval(() => {}, 1000);`;
    const maestro = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: REPO_ROOT, stdio: 'ignore' });
    const pidIn = (name: string) => () => Number(fs.readFileSync(path.join(dir, name), 'utf8').trim()) || undefined;
    const a = await waitFor(pidIn('a.pid'), 'session A to start');
    const b = await waitFor(pidIn('b.pid'), 'session B to start');
    live.push({ kill: () => process.kill(a, 'SIGKILL') }, { kill: () => process.kill(b, 'SIGKILL') });
    await waitFor(() => isRunning(b) && processName(b) === 'sleep', 'session B to be running sleep');
    maestro.kill('SIGKILL');
    await waitFor(() => !isRunning(a), 'session A to end with its hang-up');
    expect(isRunning(b)).toBe(true); // B ignores the hang-up: it was alive all along, holding nothing of A's
  });

  it('without /proc it still closes every inherited descriptor (the fallback loop)', async () => {
    await startVictim();
    const target = guardedSpawn('/bin/sh', ['-c', LIST_FDS], { ...testEnv(), TERM: 'xterm' }, 'linux', '/nonexistent');
    const fds = parseFds(await outputOf(withExactTail(nodePty.spawn(target.file, target.args, { cwd: '/tmp', env: target.env, encoding: null }))));
    expect([...fds.keys()].sort()).toEqual([0, 1, 2]);
  });

  it('changes nothing else: environment, pid, signal mask and dispositions', async () => {
    const env: Record<string, string> = {
      ...testEnv(),
      'weird-name': 'kept',
      '-dash': 'kept too',
      'BASH_FUNC_f%%': '() { echo imported; }',
      SHELLOPTS: 'braceexpand',
      BASH_ENV: '/nonexistent/never-run.sh',
      IFS: ':',
      SPACES: 'a b=c  d',
    };
    const printEnv = "process.stdout.write('ENV' + JSON.stringify(process.env) + 'END')";
    const out = await outputOf(backend.spawn(process.execPath, ['-e', printEnv], { cwd: '/tmp', env }));
    const seen = JSON.parse(/ENV(.*)END/s.exec(out)?.[1] ?? 'null') as Record<string, string>;
    expect(seen).toEqual({ ...env, PWD: '/tmp', TERM: 'xterm-256color' });

    const p = backend.spawn('/bin/sh', ['-c', 'echo "pid=$$"'], { cwd: '/tmp', env: testEnv() });
    expect(await outputOf(p)).toContain(`pid=${p.pid}`);

    const status = ['-e', '^Sig[BI]', '/proc/self/status'];
    const guardedSignals = await outputOf(backend.spawn('/bin/grep', status, { cwd: '/tmp', env: testEnv() }));
    expect(guardedSignals).toMatch(/SigBlk:\s+\S+/);
    expect(guardedSignals).toBe(await outputOf(unguarded('/bin/grep', status)));
  });

  it('reports a missing program clearly', async () => {
    const w = watch(backend.spawn('no-such-program-xyz', [], { cwd: '/tmp', env: testEnv() }));
    expect((await w.exited).exitCode).not.toBe(0);
    expect(w.output()).toMatch(/no-such-program-xyz.*No such file or directory/);
  });
});

describe('guardedSpawn', () => {
  it('leaves other platforms to node-pty (posix_spawn closes the fds on macOS)', () => {
    const env = { A: '1' };
    expect(guardedSpawn('/bin/sh', ['-c', 'x'], env, 'darwin')).toEqual({ file: '/bin/sh', args: ['-c', 'x'], env });
  });

  it.runIf(process.platform === 'linux')('refuses a program path env(1) would read as an assignment', () => {
    expect(() => guardedSpawn('/opt/a=b/tool', [], {}, 'linux')).toThrow(/must not contain "="/);
    expect(() => backend.spawn('/opt/a=b/tool', [], { cwd: '/tmp', env: testEnv() })).toThrow(/must not contain "="/);
  });

  it.runIf(process.platform === 'linux')('passes the environment as words and gives bash none of it', () => {
    const target = guardedSpawn('/bin/prog', ['x y'], { A: '1', '': 'nameless', 'B=C': 'bad name' }, 'linux');
    expect(target.env).toEqual({});
    expect(target.args.slice(-4)).toEqual(['1', 'A=1', '/bin/prog', 'x y']);
  });
});
