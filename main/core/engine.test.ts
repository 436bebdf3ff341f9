import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plan3, tmpDir, waitFor } from '../../test/helpers';
import { Engine } from './engine';
import { startInstance, type Instance } from './instance';

let dataDir: string;
let workspace: string;
let instances: Instance[] = [];
beforeEach(() => {
  dataDir = tmpDir();
  workspace = tmpDir('maestro-ws-');
});
afterEach(async () => {
  for (const i of instances) await i.close();
  instances = [];
});

async function start(concurrency = 3): Promise<Instance> {
  const i = await startInstance({ dataDir, overrides: { concurrency } });
  instances.push(i);
  return i;
}

/** A custom agent that saves its token for the test and then waits. */
const waitingAgent = `printf '%s' "$MAESTRO_TOKEN" > "token-$MAESTRO_TASK_ID"; exec sleep 120`;

async function api(i: Instance, method: string, params: unknown, token?: string | null, raw?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token ?? i.adminToken}`;
  const res = await fetch(`${i.api.url}/api/${method}`, { method: 'POST', headers, body: raw ?? JSON.stringify(params) });
  return { status: res.status, body: (await res.json()) as { result?: any; error?: { code: string; message: string } } };
}

describe('the engine', () => {
  it('creates the tree from a plan and never from an invalid one', async () => {
    const { engine } = await start();
    const bad = { groups: [{ id: 'g1', title: 'a', dependsOn: ['g2'], subtasks: [{ id: 's1', title: 'x' }] }, { id: 'g2', title: 'b', dependsOn: ['g1'], subtasks: [{ id: 's2', title: 'y' }] }] };
    await expect(engine.createRoot({ request: 'x', workspace, agentCommand: 'true', plan: bad })).rejects.toThrow(/dependency cycle: g1 → g2 → g1/);
    expect(engine.listRoots()).toEqual([]);

    const snap = await engine.createRoot({ request: 'Build it\nwith details', workspace, agentCommand: waitingAgent, plannerProfile: 'custom' });
    expect(() => engine.submitPlan(snap.rootId, bad)).toThrow(/cycle/);
    expect(engine.tree(snap.rootId).tasks).toHaveLength(1);
    const tree = engine.submitPlan(snap.rootId, plan3());
    expect(tree.tasks).toHaveLength(1 + 3 + 5);
    const byPlan = new Map(tree.tasks.map((t) => [t.planId, t]));
    expect(byPlan.get('g3')!.dependsOn).toEqual([byPlan.get('g1')!.id, byPlan.get('g2')!.id]);
    expect(byPlan.get('g2')!.agent).toBe('tester');
    expect(tree.tasks[0]!.title).toBe('Build it');
    expect(() => engine.submitPlan(snap.rootId, plan3())).toThrow(/already has a plan/);
  });

  it('persists across a restart of the engine, and turns sessions of a crashed engine into FAILED work', async () => {
    const a = await start(1);
    const { rootId } = await a.engine.createRoot({ request: 'persist me', workspace, agentCommand: waitingAgent, plan: plan3() });
    const tasks = () => new Map(a.engine.tree(rootId).tasks.map((t) => [t.planId, t]));
    await waitFor(() => fs.existsSync(path.join(workspace, `token-${tasks().get('g1')!.id}`)), 'the g1 session');
    a.engine.completeTask(tasks().get('s1')!.id, 'done one');
    a.engine.logTask(tasks().get('s2')!.id, 'working on two');
    a.engine.startTask(tasks().get('s2')!.id);

    // A second engine reads the same data dir while the first one still "runs": as after a crash.
    const b = new Engine({ dataDir });
    const t = new Map(b.tree(rootId).tasks.map((x) => [x.planId, x]));
    expect(t.get('s1')).toMatchObject({ status: 'COMPLETED', result: 'done one' });
    expect(t.get('s2')).toMatchObject({ status: 'FAILED' });
    expect(t.get('s2')!.result).toMatch(/Maestro stopped while session sess-\w+ was running/);
    expect(t.get('g1')!.status).toBe('FAILED');
    expect(t.get('g2')).toMatchObject({ status: 'PENDING' });
    const session = b.tree(rootId).sessions[0]!;
    expect(session.status).toBe('interrupted');
    const detail = b.show(t.get('s2')!.id, 50);
    expect(detail.timeline.map((e) => e.message)).toContain('working on two');
    expect(b.listRoots()[0]).toMatchObject({ id: rootId, status: 'FAILED', progress: { done: 1, total: 5 } });
    await b.close();
  });

  it('scopes session tokens to their group, validates bodies, and ends a token with its session', async () => {
    const i = await start(2);
    const { rootId } = await i.engine.createRoot({ request: 'scoped', workspace, agentCommand: waitingAgent, plan: plan3() });
    const ids = new Map(i.engine.tree(rootId).tasks.map((t) => [t.planId, t.id]));
    const tokenFile = path.join(workspace, `token-${ids.get('g1')}`);
    const token: string = await waitFor(() => (fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8') : ''), 'the g1 token');

    expect((await api(i, 'task.show', { id: 's1' }, null)).status).toBe(401);
    expect((await api(i, 'task.show', { id: 's1' }, 'not-a-token')).body.error!.message).toMatch(/invalid or expired token/);

    // Its own subtask, named by plan id.
    const ok = await api(i, 'task.complete', { id: 's1', summary: 'did it' }, token);
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ id: ids.get('s1'), status: 'COMPLETED' });
    // Another group's subtask: readable, not writable.
    expect((await api(i, 'task.show', { id: 's3' }, token)).status).toBe(200);
    const other = await api(i, 'task.complete', { id: 's3' }, token);
    expect(other.status).toBe(403);
    expect(other.body.error!.message).toMatch(/only change tasks of its own group g1/);
    expect((await api(i, 'subtask.add', { parentId: ids.get('g2'), title: 'sneaky' }, token)).status).toBe(403);
    expect((await api(i, 'roots.create', { request: 'x' }, token)).status).toBe(403);
    expect((await api(i, 'plan.submit', { rootId, plan: plan3() }, token)).status).toBe(403);
    expect((await api(i, 'task.retry', { id: 's1' }, token)).status).toBe(403);
    // A subtask added below its own group gets the next plan id.
    const added = await api(i, 'subtask.add', { parentId: 'g1', title: 'extra', description: 'more' }, token);
    expect(added.body.result).toMatchObject({ planId: 's6', parentId: ids.get('g1') });

    // Bad input: clear 4xx, never a crash.
    expect((await api(i, 'task.fail', { id: 's2' }, token)).body.error!.message).toMatch(/invalid parameters for task.fail: reason/);
    const badJson = await api(i, 'task.log', null, token, '{"id": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error!.message).toMatch(/not valid JSON/);
    expect((await api(i, 'task.nope', {}, token)).status).toBe(404);
    expect((await api(i, 'task.show', { id: 'zz9' }, token)).status).toBe(404);
    const get = await fetch(`${i.api.url}/api/task.show`); // no token: 401 whatever the method
    expect(get.status).toBe(401);
    const getWithToken = await fetch(`${i.api.url}/api/task.show`, { headers: { authorization: `Bearer ${token}` } });
    expect(getWithToken.status).toBe(400);

    // Stopping the session ends its token; stopping is not failing: what it left unreported is PENDING
    // again and the request is paused (Resume carries on).
    const sessionId = i.engine.tree(rootId).sessions.find((s) => s.taskId === ids.get('g1'))!.id;
    const stopped = await i.engine.stopSession(sessionId);
    expect(stopped.status).toBe('stopped');
    expect((await api(i, 'task.show', { id: 's1' }, token)).status).toBe(401);
    const s2 = i.engine.getTask(ids.get('s2')!);
    expect(s2.status).toBe('PENDING');
    expect(i.engine.tree(rootId).control).toBe('paused');
    // Only the app controls a request: a live session's token may not pause, cancel or delete it.
    const g2Token = fs.readFileSync(path.join(workspace, `token-${ids.get('g2')}`), 'utf8');
    for (const m of ['roots.pause', 'roots.cancel', 'roots.delete', 'plan.reject']) expect((await api(i, m, { rootId }, g2Token)).status).toBe(403);
    expect(i.engine.getTask(ids.get('s1')!).status).toBe('COMPLETED');
  });

  it('fails a group clearly when its agent is missing, before spawning', async () => {
    const { engine } = await start();
    const { rootId } = await engine.createRoot({ request: 'x', workspace, agentCommand: 'no-such-agent-xyz --go', plan: plan3() });
    const settled = await engine.waitForSettled(rootId);
    expect(settled).toBe('FAILED');
    const tree = engine.tree(rootId);
    const s1 = tree.tasks.find((t) => t.planId === 's1')!;
    expect(s1.result).toMatch(/needs "no-such-agent-xyz", which is not on PATH/);
    expect(tree.sessions.every((s) => s.status === 'failed-to-start')).toBe(true);
    // g3 never started: it waits for g1 and g2.
    expect(tree.tasks.find((t) => t.planId === 's5')!.status).toBe('PENDING');
  });
});

describe('plans waiting for approval, the API key, usage and budget', () => {
  it('holds an approved-first plan until plan.approve', async () => {
    const i = await start();
    const { rootId, awaitingApproval } = await i.engine.createRoot({ request: 'approve me', workspace, agentCommand: 'true', plan: plan3(), approvePlan: true });
    expect(awaitingApproval).toBe(true);
    expect(i.engine.listRoots()[0]!.awaitingApproval).toBe(true);
    // Nothing starts while it waits.
    await new Promise((r) => setImmediate(r));
    expect(i.engine.tree(rootId).sessions).toEqual([]);
    expect((await api(i, 'plan.approve', { rootId })).body.result.awaitingApproval).toBe(false);
    await waitFor(() => i.engine.tree(rootId).sessions.length > 0, 'a session after approval');
    expect((await api(i, 'plan.approve', { rootId })).status).toBe(409);
  });

  it('stores the API key write-only and hands it to sessions', async () => {
    // The orchestrator that starts below must not reach out: point the SDK at a closed local port.
    const i = await startInstance({ dataDir, baseEnv: { PATH: process.env.PATH, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    instances.push(i);
    expect((await api(i, 'secrets.status', {})).body.result).toEqual({ anthropicApiKey: 'missing', stored: false, storage: 'file-0600' });
    const set = await api(i, 'secrets.setApiKey', { key: 'sk-test-123' });
    expect(set.body.result.anthropicApiKey).toBe('stored');
    expect(JSON.stringify(set.body)).not.toContain('sk-test-123');
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    // With a key, a request without a plan is planned by the built-in orchestrator.
    const { rootId } = await i.engine.createRoot({ request: 'x', workspace, agentCommand: 'true' });
    expect(i.engine.tree(rootId).options.plannerProfile).toBe('builtin');
    await i.engine.stopSession(i.engine.tree(rootId).sessions[0]!.id);
    // The session got the key in its environment.
    const { rootId: r2 } = await i.engine.createRoot({ request: 'y', workspace, agentCommand: 'printf %s "$ANTHROPIC_API_KEY" > key.txt', plan: plan3() });
    await waitFor(() => fs.existsSync(path.join(workspace, 'key.txt')) && fs.readFileSync(path.join(workspace, 'key.txt'), 'utf8'), 'the key file');
    expect(fs.readFileSync(path.join(workspace, 'key.txt'), 'utf8')).toBe('sk-test-123');
    await i.engine.waitForSettled(r2);
    expect((await api(i, 'secrets.setApiKey', { key: null })).body.result.anthropicApiKey).toBe('missing');
  });

  it('adds up token usage and cost, and stops new sessions at the budget', async () => {
    const i = await start(1);
    const { rootId } = await i.engine.createRoot({ request: 'budget', workspace, agentCommand: waitingAgent, plan: plan3(), budgetUsd: 0.01, approvePlan: true });
    const ids = new Map(i.engine.tree(rootId).tasks.map((t) => [t.planId ?? 'root', t.id]));
    // 1,000 input + 1,000 output tokens of Sonnet: $0.003 + $0.015.
    const r = i.engine.recordUsage(ids.get('g1')!, { model: 'claude-sonnet-4-5', inputTokens: 1000, outputTokens: 1000 });
    expect(r.costUsd).toBeCloseTo(0.018, 6);
    const root = i.engine.getTask(rootId);
    expect(root.totalUsage).toMatchObject({ inputTokens: 1000, outputTokens: 1000 });
    expect(root.totalUsage.costUsd).toBeCloseTo(0.018, 6);
    const notices: string[] = [];
    i.engine.on('notice', (n) => notices.push(n.message));
    i.engine.approvePlan(rootId);
    expect(await i.engine.waitForSettled(rootId)).toBe('PENDING');
    expect(i.engine.tree(rootId).sessions).toEqual([]);
    expect(notices.join('\n')).toMatch(/budget of \$0\.01 reached \(\$0\.02 spent\): no new sessions are started/);
  });
});

describe('the scheduler', () => {
  it('keeps a request within its own concurrency: independent groups run one after the other at 1', async () => {
    const i = await start(3);
    const agent = `echo start >> "log-$MAESTRO_TASK_ID"; sleep 0.3; maestro task complete "$MAESTRO_TASK_ID" --summary ok`;
    const plan = { groups: ['g1', 'g2', 'g3'].map((g, n) => ({ id: g, title: g, subtasks: [{ id: `s${n + 1}`, title: 'x' }] })) };
    const { rootId } = await i.engine.createRoot({ request: 'one at a time', workspace, agentCommand: agent, plan, concurrency: 1 });
    let maxLive = 0;
    i.engine.on('session.changed', () => {
      maxLive = Math.max(maxLive, i.engine.tree(rootId).sessions.filter((s) => s.status === 'running').length);
    });
    expect(await i.engine.waitForSettled(rootId)).toBe('COMPLETED');
    expect(maxLive).toBe(1);
    const sessions = i.engine.tree(rootId).sessions.sort((a, b) => a.startedAt - b.startedAt);
    expect(sessions).toHaveLength(3);
    for (let n = 1; n < sessions.length; n++) expect(sessions[n]!.startedAt).toBeGreaterThanOrEqual(sessions[n - 1]!.endedAt!);
  });
});

describe('stall detection', () => {
  it('flags a session that stays quiet, and lifts the flag when it talks again', async () => {
    const i = await startInstance({ dataDir, overrides: { quietSeconds: 1 } });
    instances.push(i);
    // `cat` is silent until it is given input, which the terminal then echoes.
    const { rootId } = await i.engine.createRoot({ request: 'quiet', workspace, agentCommand: 'exec cat', plan: plan3(), concurrency: 1 });
    const session = await waitFor(() => i.engine.tree(rootId).sessions.find((s) => s.quietSince !== undefined), 'a quiet session');
    const timeline = i.engine.show(rootId, 50).timeline.map((e) => e.message);
    expect(timeline.some((m) => /has been quiet for .*: its agent may be waiting for input, or stuck/.test(m))).toBe(true);
    i.engine.writeSession(session.id, 'hello\r');
    await waitFor(() => i.engine.session(session.id).quietSince === undefined, 'the flag lifted by output');
    await i.engine.stopSession(session.id);
  });
});

describe('app.info', () => {
  it('tells the data folder, the version, and where a request without a workspace runs', async () => {
    const i = await start();
    const info = (await api(i, 'app.info', {})).body.result;
    expect(info.dataDir).toBe(dataDir);
    expect(info.defaultWorkspace).toBe(process.cwd()); // where createRequest resolves a missing workspace
    expect(info.version).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version);
  });
});
