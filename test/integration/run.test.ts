// End to end under plain Node: `maestro run` with real PTYs and a scripted custom agent that uses only
// the `maestro` CLI; a worker that exits with code 2; `maestro retry` to completion.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent, TreeSnapshot } from '../../preload/model';
import { CLI, plan3, REPO_ROOT, tmpDir } from '../helpers';

function maestro(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MAESTRO_API: '', MAESTRO_TOKEN: '', MAESTRO_TASK_ID: '', NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function timeline(dataDir: string, rootId: string): TimelineEvent[] {
  return fs
    .readFileSync(path.join(dataDir, 'timelines', `${rootId}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TimelineEvent);
}

describe('maestro run with real PTYs and a scripted agent', () => {
  it('runs g1 and g2 in parallel, g3 after both; a worker exit fails its subtasks; retry completes the root', () => {
    const dataDir = tmpDir();
    const workspace = tmpDir('maestro-ws-');
    const planFile = path.join(workspace, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify(plan3()));
    fs.writeFileSync(
      path.join(workspace, 'agent-script.json'),
      JSON.stringify({ g1: { waitFor: 'g2' }, g2: { waitFor: 'g1', failFirstAttemptAfter: 1, exitCode: 2 } }),
    );
    const agent = `node ${path.join(REPO_ROOT, 'test/fixtures/scripted-agent.mjs')} {promptFile}`;

    const run = maestro(['run', '--data-dir', dataDir, '--workspace', workspace, '--plan', planFile, '--agent-command', agent, '--concurrency', '3', 'Write the five files']);
    expect(run.code, run.stderr).toBe(1);
    const rootId = run.stdout.trim().split('\n').pop()!;
    expect(rootId).toMatch(/^task-\w+$/);

    let tree = JSON.parse(maestro(['tree', rootId, '--json', '--data-dir', dataDir]).stdout) as TreeSnapshot;
    const byPlan = (t: TreeSnapshot) => new Map(t.tasks.map((x) => [x.planId ?? 'root', x]));
    let tasks = byPlan(tree);
    expect(tasks.get('s3')!.status).toBe('COMPLETED');
    expect(tasks.get('s4')!.status).toBe('FAILED');
    expect(tasks.get('s4')!.result).toMatch(/exited with code 2/);
    expect(tasks.get('g2')!.status).toBe('FAILED');
    expect(tasks.get('g1')!.status).toBe('COMPLETED');
    expect(tasks.get('s5')!.status).toBe('PENDING'); // g3 never started: g2 did not complete
    expect(tasks.get('root')!.status).toBe('FAILED');

    let events = timeline(dataDir, rootId);
    const s4Fail = events.find((e) => e.taskId === tasks.get('s4')!.id && e.status === 'FAILED')!;
    expect(s4Fail.exitCode).toBe(2);
    expect((s4Fail.data!.lastLines as string[]).join('\n')).toMatch(/giving up on s4/);

    // One click's worth: retry the failed subtask; headless retry runs the rest to the end.
    const retry = maestro(['retry', tasks.get('s4')!.id, '--data-dir', dataDir]);
    expect(retry.code, retry.stderr).toBe(0);

    tree = JSON.parse(maestro(['tree', rootId, '--json', '--data-dir', dataDir]).stdout) as TreeSnapshot;
    tasks = byPlan(tree);
    expect(tasks.get('root')!.status).toBe('COMPLETED');
    expect(tasks.get('root')!.progress).toEqual({ done: 5, total: 5 });
    for (const f of ['s1', 's2', 's3', 's4', 's5']) expect(fs.existsSync(path.join(workspace, `${f}.txt`))).toBe(true);

    // The timeline proves the schedule: g1 and g2 overlapped, g3 began after both completed.
    events = timeline(dataDir, rootId);
    const g = (p: string) => tasks.get(p)!.id;
    const at = (pred: (e: TimelineEvent) => boolean) => events.find(pred)!.seq;
    const start = (p: string) => at((e) => e.type === 'session-start' && e.taskId === g(p));
    const firstExit = (p: string) => at((e) => e.type === 'session-exit' && e.taskId === g(p));
    expect(start('g1')).toBeLessThan(firstExit('g2'));
    expect(start('g2')).toBeLessThan(firstExit('g1'));
    const completedSeq = (p: string) =>
      Math.max(...events.filter((e) => e.status === 'COMPLETED' && tree.tasks.find((t) => t.id === e.taskId)?.parentId === g(p)).map((e) => e.seq));
    expect(start('g3')).toBeGreaterThan(completedSeq('g1'));
    expect(start('g3')).toBeGreaterThan(completedSeq('g2'));
    // The old session stays in history: g2 has two sessions.
    expect(tree.sessions.filter((s) => s.taskId === g('g2'))).toHaveLength(2);
    // The retry's prompt tells what went wrong the first time: the reason and the last lines of output.
    const g2Second = tree.sessions.find((s) => s.taskId === g('g2') && s.exitCode === 0)!;
    const retryPrompt = fs.readFileSync(path.join(dataDir, 'sessions', g2Second.id, 'prompt.md'), 'utf8');
    expect(retryPrompt).toMatch(/## The previous attempt of this group\nIt ended with: FAILED: the worker exited with code 2/);
    expect(retryPrompt).toMatch(/giving up on s4 \(scripted failure\)/);
    // Its output was logged, and the agent's colours with it.
    const g2First = tree.sessions.find((s) => s.taskId === g('g2') && s.exitCode === 2)!;
    expect(fs.readFileSync(path.join(dataDir, 'sessions', g2First.id, 'output.log'), 'utf8')).toMatch(/scripted agent.*for g2/);
  });
});
