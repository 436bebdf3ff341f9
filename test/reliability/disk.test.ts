// F7: a data dir that cannot be written. Read-only: run, retry and serve end at once with a clear
// message (no stack, no hang); reads still work. Full disk in the middle of a run: the failed write is
// an error the user sees, no new work starts, memory holds only what the disk holds, and the engine
// carries on once space returns. Both use a small tmpfs (root only: mounting needs it).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../../main/core/instance';
import { readDataDir } from '../../main/core/engine/readonly';
import { treeSnapshot } from '../../main/core/engine/views';
import { CLI, cliEnv, tmpDir, waitFor } from '../helpers';

const mounts: string[] = [];
function mountTmpfs(sizeKb: number): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = tmpDir('maestro-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  mounts.push(dir);
  return dir;
}
afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

/** Runs the CLI to its end; resolves with its exit code and output. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const plan = {
  summary: 'two groups in a chain',
  groups: [
    { id: 'g1', title: 'First', subtasks: [{ id: 's1', title: 'one' }] },
    { id: 'g2', title: 'Second', dependsOn: ['g1'], subtasks: [{ id: 's2', title: 'two' }] },
  ],
};
/** Waits for go-<group> in the workspace, then reports its subtasks complete. */
const AGENT = `sh -c 'g=$(maestro task show --json | node -e "process.stdin.on(\\"data\\",d=>process.stdout.write(JSON.parse(d).task.planId))"); while [ ! -e go-$g ]; do sleep 0.05; done; maestro task complete $MAESTRO_TASK_ID --summary done'`;

describe('a data dir that cannot be written (F7)', () => {
  it('read-only: run, retry and serve end at once with a clear message; tree still reads', async (ctx) => {
    const dir = mountTmpfs(1024);
    if (!dir) return ctx.skip(); // needs root and tmpfs: CI has both
    const workspace = tmpDir('maestro-ro-ws-');
    // A request made while it was writable, then the folder turns read-only.
    const inst = await startInstance({ dataDir: dir });
    const { rootId } = await inst.engine.createRoot({ request: 'ro', workspace, agentCommand: 'true', approvePlan: true, plan });
    await inst.close();
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const env = cliEnv({ MAESTRO_DATA_DIR: dir });
    fs.writeFileSync(path.join(workspace, 'plan.json'), JSON.stringify(plan));
    for (const args of [
      ['run', '--plan', path.join(workspace, 'plan.json'), '--workspace', workspace, '--agent-command', 'true', 'x'],
      ['retry', rootId],
      ['serve', '--port', '0'],
    ]) {
      const r = await cli(args, env);
      expect({ args: args[0], code: r.code }).toEqual({ args: args[0], code: 1 });
      expect(r.out).toMatch(/cannot write to the data dir .*read-only file system \(EROFS\)/);
      expect(r.out).not.toMatch(/\n\s+at /); // no stack trace
    }
    const tree = await cli(['tree', rootId, '--json'], env);
    expect(tree.code).toBe(0);
    expect(JSON.parse(tree.out).rootId).toBe(rootId);
  });

  it('full disk mid-run: the error is shown, no new work starts, memory matches the disk, and work carries on once space returns', async (ctx) => {
    const dir = mountTmpfs(2048);
    if (!dir) return ctx.skip();
    const workspace = tmpDir('maestro-full-ws-');
    let inst: Instance | undefined = await startInstance({ dataDir: dir });
    try {
      const { engine } = inst;
      const notices: string[] = [];
      engine.on('notice', (n) => notices.push(n.message));
      const { rootId } = await engine.createRoot({ request: 'fill me', workspace, agentCommand: AGENT, plan });
      await waitFor(() => engine.tree(rootId).sessions.some((s) => s.status === 'running'), 'the g1 session');
      // Fill the disk to the last byte.
      const filler = path.join(dir, 'filler');
      const fd = fs.openSync(filler, 'w');
      const block = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch {
        for (let n = 4096; n >= 1; n = Math.floor(n / 2)) {
          try {
            for (;;) fs.writeSync(fd, block, 0, n);
          } catch {
            // smaller pieces next
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      // tmpfs gives whole pages: fill the slack of the journal's last page too (blank lines are skipped
      // by readers), so that its next record needs room that is not there.
      for (const name of fs.readdirSync(path.join(dir, 'timelines'))) {
        const jfd = fs.openSync(path.join(dir, 'timelines', name), 'a');
        try {
          for (let i = 0; i < 8192; i++) fs.writeSync(jfd, '\n');
        } catch {
          // full
        } finally {
          fs.closeSync(jfd);
        }
      }
      fs.writeFileSync(path.join(workspace, 'go-g1'), '');
      await waitFor(() => engine.haltedBecause, 'the engine to stop on the failed write');
      expect(engine.haltedBecause).toMatch(/cannot write to the data dir .*no space left on device \(ENOSPC\)/);
      expect(notices.join('\n')).toMatch(/Maestro starts no new work until it can write again/);
      // The agent's report failed (a 500 naming the full disk) and it exited; its process is gone.
      await waitFor(() => engine.sessions.list(rootId).length === 0, 'the g1 process to end');
      // Memory holds what the disk holds: the same statuses as a reader of the data dir sees.
      const onDisk = treeSnapshot(readDataDir(dir).requests.get(rootId));
      const statuses = (t: { tasks: { planId?: string; status: string }[] }) => Object.fromEntries(t.tasks.map((x) => [x.planId ?? 'root', x.status]));
      expect(statuses(engine.tree(rootId))).toEqual(statuses(onDisk));
      expect(engine.tree(rootId).tasks.find((t) => t.planId === 's1')!.status).not.toBe('COMPLETED');
      expect(engine.tree(rootId).sessions.filter((s) => s.taskId === engine.tree(rootId).tasks.find((t) => t.planId === 'g2')!.id)).toEqual([]);

      // Space returns: the engine notices by itself, records the session's end, and a retry finishes the work.
      fs.unlinkSync(filler);
      await waitFor(() => engine.haltedBecause === null, 'the engine to take writes again');
      fs.writeFileSync(path.join(workspace, 'go-g2'), '');
      await waitFor(() => engine.tree(rootId).tasks.find((t) => t.planId === 's1')!.status === 'FAILED', 'the interrupted subtask to be FAILED');
      const settled = engine.waitForSettled(rootId);
      engine.retry(rootId);
      expect(await settled).toBe('COMPLETED');
      await inst.close();
      inst = undefined;
    } finally {
      await inst?.close();
    }
  });
});
