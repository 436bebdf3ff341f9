// The CLI against hostile text and bad plans, and inside a session: the real bundle in a child process.
//  - escape sequences that workers report never reach the terminal (F9)
//  - a bad plan is a clear message with exit code 2, long values shortened, caps named (F10)
//  - inside a session the CLI never falls back to the data dir's admin token (F8)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv, plan3, tmpDir } from '../../test/helpers';
import { MAX_BODY_BYTES } from '../core/api/http';
import { startInstance, type Instance } from '../core/instance';
import { MAX_REQUEST_BYTES } from './client';

let inst: Instance;
let ids: Map<string, string>;
let dataDir: string;
let workspace: string;

function cli(args: string[], env: Record<string, string | undefined> = {}, stdin = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv({ MAESTRO_DATA_DIR: dataDir, ...env }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
const asApp = () => ({ MAESTRO_API: inst.api.url, MAESTRO_TOKEN: inst.adminToken });
const ESC_OR_C1 = /[\x1b\x07\x9b\x9d\x90\x9c]/;
const HOSTILE = 'before \x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x1b\\\x1b[2J\x1b[31mred\x1b[0m\x9b2J after';
const HOSTILE_SHOWN = 'before red after';

beforeAll(async () => {
  dataDir = tmpDir();
  workspace = tmpDir('maestro-ws-');
  inst = await startInstance({ dataDir, overrides: { concurrency: 1 } });
  // The agent is missing: no session starts, the subtasks are FAILED; the commands below report on them.
  const { rootId } = await inst.engine.createRoot({ request: 'safety', workspace, agentCommand: 'missing-agent-xyz', plan: plan3() });
  await inst.engine.waitForSettled(rootId);
  ids = new Map(inst.engine.tree(rootId).tasks.map((t) => [t.planId ?? 'root', t.id]));
});
afterAll(() => inst.close());

describe('escape sequences from workers never reach the terminal', () => {
  it('a log message with OSC and CSI is printed by `task show` without them; --json keeps it exact', async () => {
    const log = await cli(['task', 'log', ids.get('s1')!, HOSTILE], asApp());
    expect(log.code, log.stderr).toBe(0);
    const show = await cli(['task', 'show', ids.get('s1')!], asApp());
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).not.toMatch(ESC_OR_C1);
    expect(show.stdout).toContain(HOSTILE_SHOWN);
    expect(show.stdout).not.toContain('pwned');
    const json = await cli(['task', 'show', ids.get('s1')!, '--json'], asApp());
    expect(json.stdout).not.toMatch(ESC_OR_C1);
    expect(JSON.parse(json.stdout).timeline.at(-1).message).toBe(HOSTILE);
  });

  it('titles in `tree` and `task show`, and summaries in reports, are cleaned', async () => {
    const add = await cli(['subtask', 'add', '--parent', ids.get('g2')!, '--title', `title ${HOSTILE}`, '--description', `line one\n${HOSTILE}`], asApp());
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).not.toMatch(ESC_OR_C1);
    const tree = await cli(['tree', ids.get('root')!], asApp());
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).not.toMatch(ESC_OR_C1);
    expect(tree.stdout).toContain(`title ${HOSTILE_SHOWN}`);
    const group = await cli(['task', 'show', ids.get('g2')!], asApp());
    expect(group.stdout).not.toMatch(ESC_OR_C1);
    expect(group.stdout).toContain(`title ${HOSTILE_SHOWN}`);
    const done = await cli(['task', 'complete', ids.get('s3')!, '--summary', HOSTILE], asApp());
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).not.toMatch(ESC_OR_C1);
    expect(done.stdout).toContain(HOSTILE_SHOWN);
  });

  it('an error message that quotes an id is cleaned', async () => {
    const r = await cli(['task', 'show', 'task-\x1b]0;pwned\x07x'], asApp());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no task "task-x"/);
    expect(r.stderr).not.toMatch(ESC_OR_C1);
  });
});

describe('bad plans: a clear message and exit code 2', () => {
  const groups = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `g${i}`, title: `group ${i}`, subtasks: [{ id: `s${i}`, title: 'x' }] }));
  const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);

  it('`plan submit` of an invalid plan', async () => {
    const root = (await inst.engine.createRoot({ request: 'needs a plan', workspace, plannerProfile: 'custom', agentCommand: 'missing-agent-xyz' })).rootId;
    const plan = { groups: [{ id: 'g1', title: 'a', agent: 'w'.repeat(100), dependsOn: ['nope'], subtasks: [{ id: 's1', title: 'x' }] }] };
    const r = await cli(['plan', 'submit', '-', '--root', root], asApp(), JSON.stringify(plan));
    expect(r.code).toBe(2);
    noStack(r.stderr);
    expect(r.stderr).toMatch(/^maestro: invalid plan \(2 problems\):/);
    expect(r.stderr).toContain(`unknown agent "${'w'.repeat(80)}…(20 more)"`);
    expect(r.stderr).toContain('depends on unknown group "nope"');
    const big = await cli(['plan', 'submit', '-', '--root', root], asApp(), JSON.stringify({ groups: groups(5000) }));
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('the plan has 5,000 groups; a plan has at most 200');
    // Larger than the API takes: said before sending.
    expect(MAX_REQUEST_BYTES).toBe(MAX_BODY_BYTES);
    const huge = { groups: [{ id: 'g1', title: 'a', subtasks: [{ id: 's1', title: 'x', description: 'd'.repeat(3 * 1024 * 1024) }] }] };
    const tooLarge = await cli(['plan', 'submit', '-', '--root', root], asApp(), JSON.stringify(huge));
    expect(tooLarge.code).toBe(2);
    expect(tooLarge.stderr).toBe('maestro: this plan.submit request is 3.0 MB; Maestro takes at most 2.0 MB a request\n');
    // Nothing was created from any of these plans.
    expect(inst.engine.getTask(root).subtasks).toEqual([]);
  });

  it('`run --plan` with an invalid plan, too many groups, or a 1 MB id', async () => {
    const runDir = tmpDir();
    const file = path.join(workspace, 'bad-plan.json');
    const run = () => cli(['run', '--data-dir', runDir, '--workspace', workspace, '--plan', file, 'x']);
    fs.writeFileSync(file, JSON.stringify({ groups: [{ id: 'g1', title: 'a', dependsOn: ['g2'], subtasks: [] }] }));
    let r = await run();
    expect(r.code).toBe(2);
    noStack(r.stderr);
    expect(r.stderr).toMatch(/^maestro: invalid plan \(2 problems\):\n- group "g1" has no subtasks\n- group "g1" depends on unknown group "g2"\n$/);

    fs.writeFileSync(file, JSON.stringify({ groups: groups(5000) }));
    r = await run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the plan has 5,000 groups; a plan has at most 200');

    const longId = 'x'.repeat(1_000_000);
    fs.writeFileSync(file, JSON.stringify({ groups: [{ id: 'g1', title: 'a', dependsOn: [longId], subtasks: [{ id: longId, title: 'x' }] }] }));
    r = await run();
    expect(r.code).toBe(2);
    noStack(r.stderr);
    expect(r.stderr.length).toBeLessThan(1000);
    expect(r.stderr).toContain('groups.0.dependsOn.0: a group id has at most 64 characters');
  });
});

describe('inside a session the CLI uses only MAESTRO_API and MAESTRO_TOKEN', () => {
  // The running instance's instance.json (with its admin token) is in dataDir, which MAESTRO_DATA_DIR names.
  const inSession = { MAESTRO_SESSION_ID: 'sess-test' };

  it('refuses the fallback to the data dir when the token is unset', async () => {
    const s5 = ids.get('s5')!;
    const before = inst.engine.getTask(s5).status;
    for (const env of [{}, { MAESTRO_API: inst.api.url }]) {
      const r = await cli(['task', 'complete', s5, '--summary', 'escaped'], { ...inSession, MAESTRO_DATA_DIR: dataDir, ...env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/inside a session \(MAESTRO_SESSION_ID is set\) the CLI uses only MAESTRO_API and MAESTRO_TOKEN/);
      expect(r.stderr).toMatch(/MAESTRO_TOKEN/);
    }
    expect(inst.engine.getTask(s5).status).toBe(before);
    // The same command outside a session reaches the instance through instance.json: the refusal is the session's.
    const outside = await cli(['task', 'show', s5, '--json'], { MAESTRO_DATA_DIR: dataDir });
    expect(outside.code, outside.stderr).toBe(0);
  });

  it('refuses --data-dir and the offline readers', async () => {
    const tree = await cli(['tree', '--data-dir', dataDir], { ...inSession, MAESTRO_DATA_DIR: dataDir, ...asApp() });
    expect(tree.code).toBe(1);
    expect(tree.stderr).toMatch(/--data-dir is refused/);
    const offline = await cli(['tree'], { ...inSession, MAESTRO_DATA_DIR: tmpDir() });
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/MAESTRO_API and MAESTRO_TOKEN are not set/);
    const retry = await cli(['retry', ids.get('s5')!], { ...inSession, MAESTRO_DATA_DIR: dataDir });
    expect(retry.code).toBe(1);
    expect(retry.stderr).toMatch(/the data dir's instance is never used from a session/);
  });
});
