// A person's control of a request: pause / stop / resume / cancel, plan reject / edit / re-plan, the
// history (rename, archive, delete), and requests refused at creation. Real sessions (shell agents).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plan3, tmpDir, waitFor } from '../../../test/helpers';
import { Engine } from './index';

let dataDir: string;
let workspace: string;
let engines: Engine[] = [];
beforeEach(() => {
  dataDir = tmpDir();
  workspace = tmpDir('maestro-ws-');
});
afterEach(async () => {
  for (const e of engines) await e.close();
  engines = [];
});

function engine(concurrency = 1, env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): Engine {
  const e = new Engine({ dataDir, baseEnv: env, overrides: { concurrency, isolation: 'in-place' } });
  engines.push(e);
  return e;
}

/** A shell agent that works until the test writes `go-<group>` in the workspace, then exits 0. */
const untilGo = 'while [ ! -f "go-$MAESTRO_TASK_ID" ]; do sleep 0.05; done';

const byPlan = (e: Engine, rootId: string) => new Map(e.tree(rootId).tasks.map((t) => [t.planId ?? 'root', t]));
const live = (e: Engine, rootId: string) => e.tree(rootId).sessions.filter((s) => s.status === 'running' || s.status === 'starting');
/** Lets the scheduler run what is queued (it runs on setImmediate after each commit). */
const settle = async () => {
  for (let n = 0; n < 5; n++) await new Promise((r) => setImmediate(r));
};

describe('pausing, stopping, resuming and cancelling a request', () => {
  it('pause lets the running session finish and starts nothing new; resume carries on', async () => {
    const e = engine(1);
    const { rootId } = await e.createRoot({ request: 'pause me', workspace, agentCommand: untilGo, plan: plan3() });
    await waitFor(() => live(e, rootId).length === 1, 'the g1 session');
    const g1 = byPlan(e, rootId).get('g1')!;
    const paused = await e.pauseRoot(rootId);
    expect(paused.control).toBe('paused');
    expect(e.listRoots()[0]!.control).toBe('paused');
    e.completeTask(byPlan(e, rootId).get('s1')!.id);
    e.completeTask(byPlan(e, rootId).get('s2')!.id);
    fs.writeFileSync(path.join(workspace, `go-${g1.id}`), '');
    await waitFor(() => live(e, rootId).length === 0, 'the g1 session to end');
    await settle();
    expect(e.tree(rootId).sessions).toHaveLength(1); // g2 did not start
    expect(byPlan(e, rootId).get('g1')!.status).toBe('COMPLETED');
    expect(() => e.resumeRoot('task-nope')).toThrow(/no request/);

    expect(e.resumeRoot(rootId).control).toBeUndefined();
    await waitFor(() => live(e, rootId).some((s) => s.taskId === byPlan(e, rootId).get('g2')!.id), 'g2 after the resume');
    expect(() => e.resumeRoot(rootId)).toThrow(/not paused/);
  });

  it('pause with stop, or Stop on one pane: the unreported subtasks go back to PENDING, not FAILED, and resume runs them', async () => {
    const e = engine(1);
    const { rootId } = await e.createRoot({ request: 'stop me', workspace, agentCommand: untilGo, plan: plan3() });
    await waitFor(() => live(e, rootId).length === 1, 'the g1 session');
    e.completeTask(byPlan(e, rootId).get('s1')!.id);
    const first = live(e, rootId)[0]!;
    const stopped = await e.stopSession(first.id);
    expect(stopped.status).toBe('stopped');
    const t = byPlan(e, rootId);
    expect(t.get('s1')!.status).toBe('COMPLETED');
    expect(t.get('s2')).toMatchObject({ status: 'PENDING', result: undefined });
    expect(e.tree(rootId).control).toBe('paused');
    expect(e.listRoots()[0]!.status).not.toBe('FAILED');
    await settle();
    expect(live(e, rootId)).toEqual([]);
    expect(e.show(t.get('s2')!.id, 10).timeline.map((x) => x.message).join('\n')).toMatch(/stopped by a person .* carries on when the request is resumed/);

    e.resumeRoot(rootId);
    await waitFor(() => live(e, rootId).length === 1, 'g1 again after the resume');
    const again = live(e, rootId)[0]!;
    expect(again.taskId).toBe(t.get('g1')!.id);
    expect(again.taskIds).toContain(t.get('s2')!.id);
    expect(again.taskIds).not.toContain(t.get('s1')!.id);

    // The same through roots.pause with stop.
    await e.pauseRoot(rootId, true);
    expect(live(e, rootId)).toEqual([]);
    expect(byPlan(e, rootId).get('s2')!.status).toBe('PENDING');
    // A retry asks for the work to carry on: it ends the pause.
    e.retry(rootId);
    expect(e.tree(rootId).control).toBeUndefined();
    await waitFor(() => live(e, rootId).length === 1, 'g1 after the retry');
  });

  it('cancel stops what runs, fails what is unfinished as cancelled, settles, and nothing runs again', async () => {
    const e = engine(2);
    const { rootId } = await e.createRoot({ request: 'cancel me', workspace, agentCommand: untilGo, plan: plan3() });
    await waitFor(() => live(e, rootId).length === 2, 'g1 and g2');
    const settled = e.waitForSettled(rootId);
    const snap = await e.cancelRoot(rootId);
    expect(snap.control).toBe('cancelled');
    expect(await settled).toBe('FAILED');
    expect(live(e, rootId)).toEqual([]);
    for (const id of ['s1', 's2', 's3', 's4', 's5']) expect(byPlan(e, rootId).get(id)).toMatchObject({ status: 'FAILED', result: 'the request was cancelled' });
    expect(() => e.resumeRoot(rootId)).toThrow(/cancelled/);
    expect(() => e.retry(rootId)).toThrow(/cancelled/);
    await expect(e.pauseRoot(rootId)).rejects.toThrow(/cancelled/);
  });

  it('keeps the hold across a restart (journal commit meta), and its end too', async () => {
    const a = engine(1);
    const { rootId } = await a.createRoot({ request: 'persist', workspace, agentCommand: untilGo, plan: plan3(), approvePlan: true });
    await a.pauseRoot(rootId);
    const b = new Engine({ dataDir, baseEnv: { PATH: process.env.PATH } });
    expect(b.tree(rootId).control).toBe('paused');
    await b.close();
    a.resumeRoot(rootId);
    a.archiveRoot(rootId, true);
    const c = new Engine({ dataDir, baseEnv: { PATH: process.env.PATH } });
    expect(c.tree(rootId).control).toBeUndefined();
    expect(c.listRoots()[0]!.archived).toBe(true);
    await c.close();
  });
});

describe('a plan that waits for approval: reject, edit, re-plan', () => {
  it('reject drops the plan and fails the request with the reason, also after a restart', async () => {
    const e = engine(1);
    const { rootId } = await e.createRoot({ request: 'reject me', workspace, agentCommand: 'true', plan: plan3(), approvePlan: true });
    const snap = e.rejectPlan(rootId, 'too big');
    expect(snap.awaitingApproval).toBe(false);
    expect(snap.tasks).toHaveLength(1);
    expect(snap.tasks[0]).toMatchObject({ status: 'FAILED', result: 'plan rejected: too big' });
    expect(() => e.rejectPlan(rootId)).toThrow(/no plan waiting for approval/);
    const b = new Engine({ dataDir, baseEnv: { PATH: process.env.PATH } });
    expect(b.tree(rootId).tasks).toHaveLength(1);
    expect(b.listRoots()[0]).toMatchObject({ status: 'FAILED', awaitingApproval: false });
    await b.close();
  });

  it('edit replaces the waiting plan with a validated one (titles, dependencies, a group removed); a bad edit changes nothing', async () => {
    const e = engine(1);
    const { rootId } = await e.createRoot({ request: 'edit me', workspace, agentCommand: 'true', plan: plan3(), approvePlan: true });
    const cycle = {
      groups: [
        { id: 'g1', title: 'a', dependsOn: ['g3'], subtasks: [{ id: 's1', title: 'x' }] },
        { id: 'g3', title: 'c', dependsOn: ['g1'], subtasks: [{ id: 's5', title: 'y' }] },
      ],
    };
    expect(() => e.editPlan(rootId, cycle)).toThrow(/cycle/);
    expect(e.tree(rootId).tasks).toHaveLength(9);
    const edited = {
      summary: 'two groups now',
      groups: [
        { id: 'g1', title: 'Group one, renamed', agent: 'tester', subtasks: [{ id: 's1', title: 'first', description: 'write one.txt carefully' }] },
        { id: 'g3', title: 'Group three', dependsOn: ['g1'], subtasks: [{ id: 's5', title: 'fifth', description: '' }] },
      ],
    };
    const snap = e.editPlan(rootId, edited);
    expect(snap.awaitingApproval).toBe(true);
    const t = byPlan(e, rootId);
    expect([...t.keys()].sort()).toEqual(['g1', 'g3', 'root', 's1', 's5']);
    expect(t.get('g1')).toMatchObject({ title: 'Group one, renamed', agent: 'tester' });
    expect(t.get('s1')!.description).toBe('write one.txt carefully');
    expect(t.get('g3')!.dependsOn).toEqual([t.get('g1')!.id]);
    const b = new Engine({ dataDir, baseEnv: { PATH: process.env.PATH } });
    expect(b.tree(rootId).tasks).toHaveLength(5);
    await b.close();
    e.approvePlan(rootId);
    expect(() => e.editPlan(rootId, edited)).toThrow(/no plan waiting for approval/);
  });

  it('re-plan drops the plan and plans again with the feedback in the planner prompt', async () => {
    const e = engine(1);
    const { rootId } = await e.createRoot({ request: 'plan me', workspace, agentCommand: 'exec sleep 120', plannerProfile: 'custom', approvePlan: true });
    await waitFor(() => live(e, rootId).length === 1, 'the orchestrator');
    e.submitPlan(rootId, plan3());
    expect(e.tree(rootId).awaitingApproval).toBe(true);
    const snap = await e.replan(rootId, 'Split g1 in two, please.');
    expect(snap.awaitingApproval).toBe(false);
    expect(snap.tasks).toHaveLength(1);
    const sessions = e.tree(rootId).sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions[0]!.status).toBe('stopped');
    const planner = sessions[1]!;
    expect(planner).toMatchObject({ role: 'orchestrator', status: 'running' });
    const prompt = fs.readFileSync(path.join(dataDir, 'sessions', planner.id, 'prompt.md'), 'utf8');
    expect(prompt).toMatch(/plan me[\s\S]*## Feedback on an earlier plan\nSplit g1 in two, please\./);
    expect(byPlan(e, rootId).get('root')!.status).toBe('IN_PROGRESS');
    await expect(e.replan(rootId, 'again')).rejects.toThrow(/no plan waiting for approval/);
  });
});

describe('the history: rename, archive, delete', () => {
  it('renames and archives a request, and deletes it (with its files) only when nothing runs', async () => {
    const e = engine(1);
    const { rootId } = await e.createRoot({ request: 'old name', workspace, agentCommand: untilGo, plan: plan3() });
    expect(e.renameRoot(rootId, 'New name').title).toBe('New name');
    expect(e.archiveRoot(rootId, true).archived).toBe(true);
    expect(e.archiveRoot(rootId, false).archived).toBeUndefined();
    await waitFor(() => live(e, rootId).length === 1, 'the g1 session');
    await expect(e.deleteRoot(rootId)).rejects.toThrow(/running session/);
    const sessionId = live(e, rootId)[0]!.id;
    await e.cancelRoot(rootId);
    expect(fs.existsSync(path.join(dataDir, 'sessions', sessionId))).toBe(true);
    expect(await e.deleteRoot(rootId)).toEqual({ ok: true, rootId });
    expect(e.listRoots()).toEqual([]);
    expect(() => e.tree(rootId)).toThrow(/no request/);
    for (const p of [`roots/${rootId}.json`, `timelines/${rootId}.jsonl`, `sessions/${sessionId}`]) expect(fs.existsSync(path.join(dataDir, p))).toBe(false);
    await settle();
    const b = new Engine({ dataDir, baseEnv: { PATH: process.env.PATH } });
    expect(b.listRoots()).toEqual([]);
    await b.close();
  });
});

describe('a request that cannot start is refused with the reason', () => {
  it('built-in agent without a key, or an agent CLI that is not installed: nothing is created', async () => {
    const e = engine(1, { PATH: '/nonexistent' });
    await expect(e.createRoot({ request: 'x', workspace, agentProfile: 'builtin' })).rejects.toThrow(/nothing can plan this request: add an Anthropic API key/);
    await expect(e.createRoot({ request: 'x', workspace, agentProfile: 'claude' })).rejects.toThrow(/the planner \(claude\) cannot run: "claude" is not on PATH/);
    await expect(e.createRoot({ request: 'x', workspace, agentProfile: 'claude', plan: plan3() })).rejects.toThrow(/the agent \(claude\) cannot run/);
    expect(e.listRoots()).toEqual([]);
    // A plan whose groups all name an agent that can run needs nothing of the request's agent.
    const plan = { groups: [{ id: 'g1', title: 'a', profile: 'custom', subtasks: [{ id: 's1', title: 'x' }] }] };
    const ok = await e.createRoot({ request: 'x', workspace, agentProfile: 'builtin', agentCommand: 'true', plan, approvePlan: true });
    expect(ok.tasks).toHaveLength(3);
  });
});
