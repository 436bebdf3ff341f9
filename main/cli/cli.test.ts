// The CLI as agents use it: the real bundle in a child process, against a real engine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv, plan3, tmpDir } from '../../test/helpers';
import { startInstance, type Instance } from '../core/instance';
import { writeLauncher } from '../core/sessions/launch';

let inst: Instance;
let ids: Map<string, string>;
let dataDir: string;

/** The session launcher's entry: the report commands as one CommonJS file (main/cli/fast-entry.ts). */
const LAUNCHER_CLI = path.join(path.dirname(CLI), 'maestro.cjs');

/** The session launcher as the engine writes it (main/core/sessions/launch.ts), run as a program. */
let LAUNCHER: string;

/** Runs the CLI: `node <entry> args`, or the launcher itself when `entry` is LAUNCHER. */
function cli(args: string[], env: Record<string, string | undefined> = {}, stdin?: string, entry = CLI) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const [program, argv] = entry === LAUNCHER ? [LAUNCHER, args] : [process.execPath, [entry, ...args]];
    const child = spawn(program, argv, {
      env: cliEnv({ MAESTRO_DATA_DIR: dataDir, ...env }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
const asApp = () => ({ MAESTRO_API: inst.api.url, MAESTRO_TOKEN: inst.adminToken });

beforeAll(async () => {
  dataDir = tmpDir();
  LAUNCHER = path.join(writeLauncher(tmpDir()), 'maestro');
  const workspace = tmpDir('maestro-ws-');
  inst = await startInstance({ dataDir, overrides: { concurrency: 1 } });
  // No session starts: the agent is missing, so g1 and g2 fail to start. Their subtasks are FAILED,
  // which is what the report commands below change back.
  const { rootId } = await inst.engine.createRoot({ request: 'cli', workspace, agentCommand: 'missing-agent-xyz', plan: plan3() });
  await inst.engine.waitForSettled(rootId);
  ids = new Map(inst.engine.tree(rootId).tasks.map((t) => [t.planId ?? 'root', t.id]));
});
afterAll(() => inst.close());

describe('maestro CLI argument errors', () => {
  it.each([
    [['task', 'complete'], /which task\? usage: maestro task complete <id>/],
    [['task', 'fail', 'task-x'], /missing --reason; usage: maestro task fail <id> --reason/],
    [['task', 'block', 'task-x'], /missing --reason/],
    [['task', 'log'], /missing --message; usage: maestro task log \[id\] "<message>"/],
    [['subtask', 'add'], /missing --title/],
    [['run'], /what should be done\? usage: maestro run/],
    [['run', '--concurrency', 'lots', 'x'], /--concurrency takes a whole number from 1 to 64, not "lots"/],
    [['run', '--workspace', '/no/such/dir', 'x'], /the workspace \/no\/such\/dir is not a directory/],
    [['run', '--plan', '/no/such/plan.json', 'x'], /cannot read the plan \/no\/such\/plan.json/],
    [['run', '--profile', 'claude', '--agent', 'codex', 'x'], /--agent is the older name of --profile: give one of them, not "claude" and "codex"/],
    [['plan', 'submit'], /which plan\? usage: maestro plan submit <file\|->/],
    [['task', 'show', '--limit', 'x', 'task-1'], /--limit takes a whole number/],
    [['task', 'start', 'a', '--id', 'b'], /two different ids given/],
  ])('%j', async (args, message) => {
    const r = await cli(args, asApp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('shows usage for unknown commands and options', async () => {
    const r = await cli(['task', 'finish', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'finish'/);
    expect(r.stderr).toMatch(/run with --help for usage/);
    const o = await cli(['task', 'start', 'x', '--bogus']);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/unknown option '--bogus'/);
  });

  it('says where to run when there is no session and no instance', async () => {
    const r = await cli(['task', 'start', 'x'], { MAESTRO_DATA_DIR: tmpDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no running Maestro found/);
    // Reads need no instance: they read the data dir (here: empty).
    const show = await cli(['task', 'show', 'x'], { MAESTRO_DATA_DIR: tmpDir() });
    expect(show.code).toBe(1);
    expect(show.stderr).toMatch(/no task "x" in /);
  });

  it('reports a plan that is not JSON', async () => {
    const r = await cli(['plan', 'submit', '-', '--root', 'task-x'], asApp(), '{"groups": [');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the plan is not valid JSON/);
  });

  it('prints help everywhere', async () => {
    for (const args of [['--help'], ['task', '--help'], ['task', 'complete', '--help'], ['run', '--help']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: maestro/);
    }
  });
});

describe('maestro CLI forgiving forms', () => {
  it('accepts --id for the positional id, text without its flag, and the other flag name', async () => {
    expect((await cli(['task', 'start', '--id', ids.get('s1')!], asApp())).code).toBe(0);
    expect(inst.engine.getTask(ids.get('s1')!).status).toBe('IN_PROGRESS');
    const r = await cli(['task', 'complete', ids.get('s1')!, 'wrote', 'the', 'file'], asApp());
    expect(r.code, r.stderr).toBe(0);
    expect(inst.engine.getTask(ids.get('s1')!)).toMatchObject({ status: 'COMPLETED', result: 'wrote the file' });
    await cli(['task', 'fail', ids.get('s2')!, '--summary', 'no disk'], asApp());
    expect(inst.engine.getTask(ids.get('s2')!)).toMatchObject({ status: 'FAILED', result: 'no disk' });
  });

  it('means the same on the light path and the full CLI (which takes --flag=value)', async () => {
    const light = await cli(['task', 'block', ids.get('s4')!, '--reason', 'needs a decision'], asApp());
    expect(light.code, light.stderr).toBe(0);
    expect(inst.engine.getTask(ids.get('s4')!)).toMatchObject({ status: 'BLOCKED', result: 'needs a decision' });
    const full = await cli(['task', 'block', ids.get('s4')!, '--reason=still needs one'], asApp());
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toBe(light.stdout.replace('needs a decision', 'still needs one'));
    expect(inst.engine.getTask(ids.get('s4')!).result).toBe('still needs one');
  });

  it('takes `maestro complete` for `maestro task complete`, and a log with the id first', async () => {
    const r = await cli(['complete', ids.get('s3')!, '--summary', 'ok'], asApp());
    expect(r.code, r.stderr).toBe(0);
    expect(inst.engine.getTask(ids.get('s3')!).status).toBe('COMPLETED');
    expect((await cli(['task', 'log', ids.get('s4')!, 'half', 'way'], asApp())).code).toBe(0);
    const show = JSON.parse((await cli(['task', 'show', ids.get('s4')!, '--json'], asApp())).stdout);
    expect(show.timeline.at(-1).message).toBe('half way');
  });

  it('answers reads with --json and text', async () => {
    const json = JSON.parse((await cli(['task', 'show', ids.get('g1')!, '--json'], asApp())).stdout);
    expect(json.subtasks.map((s: { planId: string }) => s.planId)).toEqual(['s1', 's2']);
    const text = (await cli(['task', 'show', ids.get('g1')!], asApp())).stdout;
    expect(text).toMatch(/Subtasks:\n.*s1 task-\w+ {2}first/);
    const tree = JSON.parse((await cli(['tree', ids.get('root')!, '--json'], asApp())).stdout);
    expect(tree.tasks).toHaveLength(9);
  });

  it('reports API errors with the reason and exit code 1', async () => {
    const r = await cli(['task', 'show', 'task-doesnotexist'], asApp());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no task "task-doesnotexist"/);
    const bad = path.join(tmpDir(), 'p.json');
    fs.writeFileSync(bad, JSON.stringify({ groups: [] }));
    const p = await cli(['plan', 'submit', bad, '--root', ids.get('root')!], asApp());
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/already has a plan/);
  });
});

describe('the launcher entry (maestro.cjs), the session launcher and the full CLI', () => {
  it('the launcher starts Node itself here (no shell), on the CommonJS entry', () => {
    const text = fs.readFileSync(LAUNCHER, 'utf8');
    expect(text.split('\n')[0]).toBe(`#!${process.execPath}`);
    expect(text).toContain(JSON.stringify(LAUNCHER_CLI));
  });

  it('answer the report commands alike, good and bad arguments', async () => {
    const id = ids.get('s5')!;
    const all = async (args: string[], env = asApp()) => [await cli(args, env, undefined, LAUNCHER), await cli(args, env, undefined, LAUNCHER_CLI), await cli(args, env)];
    for (const args of [
      ['task', 'block', id, '--reason', 'waits for a review'],
      ['task', 'start', id, '--json'],
      ['task', 'log', id, 'half', 'way'],
      ['task', 'log', '--id', id, '-m', 'with flags', '--json'],
      ['task', 'fail', id, '--reason', 'tests fail', '--json'],
      ['task', 'start', id],
      ['task', 'done', id, '--summary', 'done', '--json'],
      ['task', 'start', 'task-doesnotexist'],
      ['task', 'log'],
      ['task', 'log', id, 'a', '--message', 'b'],
      ['task', 'fail', id],
      ['task', 'start', 'a', '--id', 'b'],
      ['task', 'log', id, 'x', '--bogus'],
      ['task', 'frobnicate', id],
    ]) {
      const [launcher, entry, full] = await all(args);
      for (const r of [launcher!, entry!]) {
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(full!.code);
        // A log answers with its sequence number, the only thing that differs between two calls.
        const same = (s: string) => s.replace(/\b(seq|#)\s*\d+/g, '$1 N').replace(/"(seq|updatedAt|startedAt|endedAt)":\s*("[^"]*"|\d+)/g, '"$1":_');
        expect(same(r.stdout)).toBe(same(full!.stdout));
        expect(r.stderr).toBe(full!.stderr);
      }
    }
    // The server down and a wrong token: the same messages and exit codes on every path.
    const down = { MAESTRO_API: 'http://127.0.0.1:9', MAESTRO_TOKEN: 'x' };
    const wrong = { MAESTRO_API: inst.api.url, MAESTRO_TOKEN: 'not-a-token' };
    for (const env of [down, wrong]) {
      const [launcher, entry, full] = await all(['task', 'log', id, 'lost'], env);
      expect(full!.code).toBe(1);
      expect(full!.stderr).toMatch(env === down ? /cannot reach Maestro at http:\/\/127.0.0.1:9 \(ECONNREFUSED\)/ : /invalid or expired token/);
      for (const r of [launcher!, entry!]) expect([r.code, r.stderr]).toEqual([full!.code, full!.stderr]);
    }
  });

  it('hands every other command to the full CLI', async () => {
    const args = ['task', 'show', ids.get('s5')!, '--json'];
    const [launcher, full] = [await cli(args, asApp(), undefined, LAUNCHER), await cli(args, asApp())];
    expect(launcher.code, launcher.stderr).toBe(0);
    expect(launcher.stdout).toContain(ids.get('s5')!);
    expect(() => JSON.parse(launcher.stdout)).not.toThrow();
    expect(launcher.stdout).toBe(full.stdout);
    const help = [await cli(['--help'], {}, undefined, LAUNCHER), await cli(['--help'], {}, undefined, LAUNCHER_CLI), await cli(['--help'])];
    expect(help[0]!.stdout).toContain('Usage: maestro');
    expect(help[0]!.stdout).toBe(help[2]!.stdout);
    expect(help[1]!.stdout).toBe(help[2]!.stdout);
  });
});

describe('maestro outside a session', () => {
  it('finds the running instance of a data dir for tree and retry', async () => {
    // `inst` runs on dataDir: the CLI reads <dataDir>/instance.json and goes through its API.
    const tree = await cli(['tree', '--json'], { MAESTRO_DATA_DIR: dataDir });
    expect(tree.code, tree.stderr).toBe(0);
    expect(JSON.parse(tree.stdout).rootId).toBe(ids.get('root'));
    const retry = await cli(['retry', ids.get('s5')!, '--data-dir', dataDir]);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toMatch(/nothing to retry under s5/);
  });

  it('takes plan ids outside a session: within the latest request, or the one given with --request', async () => {
    // `maestro tree` shows plan ids; the commands that take a task id take them too.
    const show = await cli(['task', 'show', 's1', '--json', '--data-dir', dataDir]);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).task.id).toBe(ids.get('s1'));
    const log = await cli(['task', 'log', 's4', 'noted', 'from', 'outside'], asApp());
    expect(log.code, log.stderr).toBe(0);
    expect(inst.engine.show(ids.get('s4')!).timeline.at(-1)!.message).toBe('noted from outside');
    const given = await cli(['task', 'show', 'g2', '--request', ids.get('root')!, '--json'], asApp());
    expect(JSON.parse(given.stdout).task.id).toBe(ids.get('g2'));

    const unknown = await cli(['retry', 's99', '--data-dir', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no task "s99" in the latest request (${ids.get('root')}); its plan ids: g1, s1, s2, g2`);
    const elsewhere = await cli(['retry', 's2', '--request', 'task-nosuch', '--data-dir', dataDir]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/task-nosuch/);

    // s2 FAILED above ("no disk"): its group runs again (and fails to start again: the agent is missing).
    const retry = await cli(['retry', 's2', '--data-dir', dataDir]);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toBe(`retrying 1 task(s) of request ${ids.get('root')}\n`);
  });
});

describe('maestro retry with no running instance', () => {
  it('takes a plan id, runs the retry to its end, and prints each failure with the exact retry command', async () => {
    const offline = tmpDir();
    const other = await startInstance({ dataDir: offline, overrides: { concurrency: 1 } });
    const { rootId } = await other.engine.createRoot({ request: 'offline', workspace: tmpDir('maestro-ws-'), agentCommand: 'missing-agent-xyz', plan: plan3() });
    await other.engine.waitForSettled(rootId);
    await other.close();

    const r = await cli(['retry', 'g1', '--data-dir', offline]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`retrying in request ${rootId}`);
    expect(r.stderr).toContain(`request ${rootId} FAILED`);
    const report = r.stderr.slice(r.stderr.indexOf(`request ${rootId} FAILED`));
    expect(report).toMatch(/✗ FAILED {2}g1 Group one\n {4}✗ s1 first: .*missing-agent-xyz/);
    const command = `maestro retry g1 --request ${rootId} --data-dir ${offline}`;
    expect(report).toContain(`    retry: ${command}\n`);
    expect(report).toContain(`retry all of it: maestro retry ${rootId} --data-dir ${offline}\n`);
    // The printed command works as it is.
    const again = await cli(command.split(' ').slice(1));
    expect(again.stderr).toContain(`retrying in request ${rootId}`);
  });
});

describe('maestro pause, resume, cancel, rename, archive, delete and plan reject', () => {
  it('controls a request through the running instance', async () => {
    const own = tmpDir();
    const workspace = tmpDir('maestro-ws-');
    const i = await startInstance({ dataDir: own });
    try {
      const env = { MAESTRO_DATA_DIR: own };
      const a = await i.engine.createRoot({ request: 'first', workspace, agentCommand: 'true', plan: plan3(), approvePlan: true });
      const b = await i.engine.createRoot({ request: 'second', workspace, agentCommand: 'true', plan: plan3(), approvePlan: true });
      const paused = await cli(['pause'], env); // the latest request
      expect(paused.code, paused.stderr).toBe(0);
      expect(paused.stdout).toBe(`request ${b.rootId} is paused: \`maestro resume ${b.rootId}\` carries on\n`);
      expect(i.engine.tree(b.rootId).control).toBe('paused');
      expect((await cli(['resume', b.rootId], env)).stdout).toBe(`request ${b.rootId} resumed\n`);
      const again = await cli(['resume', b.rootId], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/is not paused/);

      const rejected = await cli(['plan', 'reject', 'too', 'big', '--request', a.rootId], env);
      expect(rejected.code, rejected.stderr).toBe(0);
      expect(i.engine.tree(a.rootId).tasks[0]).toMatchObject({ status: 'FAILED', result: 'plan rejected: too big' });
      expect((await cli(['rename', a.rootId, 'A', 'better', 'name'], env)).stdout).toBe(`request ${a.rootId} is now "A better name"\n`);
      expect((await cli(['archive', a.rootId], env)).stdout).toBe(`request ${a.rootId} is archived\n`);
      expect(i.engine.listRoots().find((r) => r.id === a.rootId)).toMatchObject({ title: 'A better name', archived: true });

      expect((await cli(['cancel', b.rootId], env)).stdout).toBe(`request ${b.rootId} is cancelled\n`);
      expect(i.engine.tree(b.rootId).control).toBe('cancelled');
      const unsure = await cli(['delete', b.rootId], env);
      expect(unsure.code).toBe(2);
      expect(unsure.stderr).toMatch(/run again with --yes/);
      const deleted = await cli(['delete', b.rootId, '--yes', '--json'], env);
      expect(JSON.parse(deleted.stdout)).toEqual({ ok: true, rootId: b.rootId });
      expect(i.engine.listRoots().map((r) => r.id)).toEqual([a.rootId]);
      const none = await cli(['delete', b.rootId, '--yes'], env);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/no request with id/);
    } finally {
      await i.close();
    }
  });
});
