// `maestro run` end to end with the built-in agent as planner and as worker, against the fake Anthropic
// API with the real SDK: real PTYs, the real `maestro` launcher, real files in a git repository.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planSchema } from '../../preload/contract';
import { reply, startFakeAnthropic, text, toolUse, type FakeAnthropic, type RecordedRequest, type Reply } from '../fake-anthropic/server';
import { tmpDir, waitFor } from '../helpers';
import {
  byPlanId,
  firstPrompt,
  gitWorkspace,
  lastToolResults,
  maestro,
  rootIdOf,
  sessionLog,
  systemText,
  timelineOf,
  toolNames,
  treeOf,
  REAL_RUN_TIMEOUT_MS,
  turnsSoFar,
} from './run-helpers';

const PLAN = {
  summary: 'Write the greeting in two steps: hello first, then world next to it.',
  groups: [
    { id: 'g1', title: 'Write hello', subtasks: [{ id: 's1', title: 'Create hello.txt', description: 'Write "hello" into hello.txt.' }] },
    {
      id: 'g2',
      title: 'Write world',
      dependsOn: ['g1'],
      subtasks: [
        { id: 's2', title: 'Create world.txt', description: 'Write "world" into world.txt.' },
        { id: 's3', title: 'Check both files', description: 'cat both files.' },
      ],
    },
  ],
};

const CYCLIC_PLAN = {
  ...PLAN,
  groups: [
    { ...PLAN.groups[0]!, dependsOn: ['g2'] },
    { ...PLAN.groups[1]!, dependsOn: ['g1'] },
  ],
};

/** The orchestrator: read the README, then submit the plans in turn (the next one after each rejection). */
function planner(req: RecordedRequest, plans: unknown[]): Reply {
  if (turnsSoFar(req) === 0) return reply([text('Let me read the README first.'), toolUse('read_file', { path: 'README.md' })]);
  const submitted = (req.body.messages as Array<{ role: string; content: unknown }>).filter(
    (m) => m.role === 'assistant' && Array.isArray(m.content) && m.content.some((b: { name?: string }) => b.name === 'submit_plan'),
  ).length;
  return reply([text(submitted ? 'Fixing the plan.' : 'I know enough to plan.'), toolUse('submit_plan', plans[submitted] as Record<string, unknown>)]);
}

/** The workers: start, write a file with write_file, then report through the maestro CLI with bash. */
function worker(req: RecordedRequest): Reply {
  const group = /Your group is "[^"]+" \((g\d+),/.exec(firstPrompt(req))?.[1];
  const turn = turnsSoFar(req);
  if (group === 'g1') {
    if (turn === 0) return reply([text('Starting s1.'), toolUse('bash', { command: 'maestro task start s1' }), toolUse('write_file', { path: 'hello.txt', content: 'hello\n' })]);
    return reply([toolUse('bash', { command: 'maestro task complete s1 --summary "wrote hello.txt"' })]);
  }
  if (group === 'g2') {
    if (turn === 0) return reply([toolUse('bash', { command: 'maestro task start s2' }), toolUse('write_file', { path: 'out/world.txt', content: 'world\n' })]);
    return reply([
      // The forgiving form: the summary as plain words after the id.
      toolUse('bash', { command: 'maestro task complete s2 "wrote out/world.txt"' }),
      toolUse('bash', { command: 'cat hello.txt out/world.txt && maestro task complete s3 --summary "both files are there"' }),
    ]);
  }
  throw new Error(`unexpected worker prompt: ${firstPrompt(req).slice(0, 200)}`);
}

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic({ apiKey: 'test-key' });
});
afterEach(async () => {
  await fake.close();
});

function scriptWith(plans: unknown[]): void {
  fake.setHandler((req) => {
    if (toolNames(req).includes('submit_plan')) return planner(req, plans);
    if (toolNames(req).includes('bash')) return worker(req);
    throw new Error(`unexpected request with tools ${toolNames(req).join(', ')}`);
  });
}

async function run(workspace: string, dataDir: string) {
  return maestro(['run', '--data-dir', dataDir, '--workspace', workspace, 'Write hello and world into text files'], {
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_AUTH_TOKEN: '',
    ANTHROPIC_BASE_URL: fake.url,
  });
}

// Real processes (maestro, its sessions, the agents): no time budget, only a net for a hang (see run-helpers).
describe('maestro run with the built-in agent as planner and worker', { timeout: REAL_RUN_TIMEOUT_MS }, () => {
  it('plans after reading a file, runs g2 after g1, writes the files, reports, and records tokens', async () => {
    scriptWith([PLAN]);
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const result = await run(workspace, dataDir);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const rootId = rootIdOf(result);

    // The work happened, in the workspace.
    expect(fs.readFileSync(path.join(workspace, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(fs.readFileSync(path.join(workspace, 'out', 'world.txt'), 'utf8')).toBe('world\n');

    const tree = await treeOf(dataDir, rootId);
    const tasks = byPlanId(tree);
    expect(tasks.get('root')!.status).toBe('COMPLETED');
    expect(tasks.get('root')!.progress).toEqual({ done: 3, total: 3 });
    expect(tasks.get('s1')!.result).toBe('wrote hello.txt');
    expect(tasks.get('s2')!.result).toBe('wrote out/world.txt');
    expect(tasks.get('s3')!.result).toBe('both files are there');

    // Tokens of every call were recorded and summed up the tree, with a cost from the price table.
    const usage = tasks.get('root')!.totalUsage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBeGreaterThan(0);
    expect(tasks.get('root')!.usage!.inputTokens).toBeGreaterThan(0); // the planner's own calls
    expect(tasks.get('g1')!.usage!.inputTokens).toBeGreaterThan(0);
    expect(tasks.get('g2')!.usage!.inputTokens).toBeGreaterThan(0);

    // The planner: its skill and the agents in the system text, the read_file result, the exact plan schema.
    const plannerCalls = fake.requests.filter((r) => toolNames(r).includes('submit_plan'));
    expect(plannerCalls).toHaveLength(2);
    expect(toolNames(plannerCalls[0]!)).toEqual(['list_files', 'read_file', 'search', 'submit_plan']);
    expect(systemText(plannerCalls[0]!)).toContain('# Maestro orchestrator');
    expect(systemText(plannerCalls[0]!)).toMatch(/# Available agents[\s\S]*- worker:[\s\S]*- tester:/);
    expect(firstPrompt(plannerCalls[0]!)).toContain('Write hello and world into text files');
    expect(lastToolResults(plannerCalls[1]!)).toEqual([{ content: expect.stringContaining('A tiny project that keeps its greetings'), isError: false }]);
    const submitTool = plannerCalls[0]!.body.tools.find((t: { name: string }) => t.name === 'submit_plan');
    const { $schema: _, ...expectedSchema } = z.toJSONSchema(planSchema, { io: 'input' }) as Record<string, unknown>;
    expect(submitTool.input_schema).toEqual(expectedSchema);

    // The workers: the worker skill as system text; g2 ran after g1 and saw its result in its prompt.
    const g2Calls = fake.requests.filter((r) => toolNames(r).includes('bash') && firstPrompt(r).includes('(g2,'));
    expect(systemText(g2Calls[0]!)).toContain('# Maestro worker');
    expect(firstPrompt(g2Calls[0]!)).toContain('- s1 Create hello.txt: wrote hello.txt');
    expect(lastToolResults(g2Calls[1]!).map((r) => r.content)).toEqual([
      expect.stringMatching(/^s2 \(task-\w+\) ◐ IN_PROGRESS\n\[exit code 0\]$/),
      expect.stringMatching(/^created out\/world\.txt/),
    ]);

    // The orchestrator's pane showed its work.
    const orchestrator = tree.sessions.find((s) => s.role === 'orchestrator')!;
    expect(orchestrator.exitCode).toBe(0);
    const pane = sessionLog(dataDir, orchestrator.id);
    expect(pane).toContain('Let me read the README first.');
    expect(pane).toContain('● read_file README.md');
    expect(pane).toMatch(/✓ plan accepted: 2 group\(s\), 3 subtask\(s\)/);
    const g1Session = tree.sessions.find((s) => s.taskId === tasks.get('g1')!.id)!;
    expect(g1Session.exitCode).toBe(0);
    expect(sessionLog(dataDir, g1Session.id)).toContain('● bash maestro task complete s1 --summary "wrote hello.txt"');
  });

  it('sends an invalid plan back as an error naming the problem, then runs the corrected plan', async () => {
    scriptWith([CYCLIC_PLAN, PLAN]);
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const result = await run(workspace, dataDir);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const rootId = rootIdOf(result);

    const plannerCalls = fake.requests.filter((r) => toolNames(r).includes('submit_plan'));
    expect(plannerCalls).toHaveLength(3);
    const [rejection] = lastToolResults(plannerCalls[2]!);
    expect(rejection!.isError).toBe(true);
    expect(rejection!.content).toMatch(/^invalid plan \(1 problem\):\n- dependency cycle: g1 → g2 → g1\n/);
    expect(rejection!.content).toContain('2 attempts left');

    const tasks = byPlanId(await treeOf(dataDir, rootId));
    expect(tasks.get('root')!.status).toBe('COMPLETED');
    expect(fs.existsSync(path.join(workspace, 'out', 'world.txt'))).toBe(true);
    const errors = timelineOf(dataDir, rootId).filter((e) => e.type === 'error');
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('dependency cycle: g1 → g2 → g1')]);
  });

  it('fails the request with every reason after three invalid plans', async () => {
    const unknownAgent = { ...PLAN, groups: [{ ...PLAN.groups[0]!, agent: 'wizard' }] };
    scriptWith([CYCLIC_PLAN, unknownAgent, { summary: 'nothing', groups: [] }]);
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const result = await run(workspace, dataDir);
    expect(result.code).toBe(1);
    const rootId = rootIdOf(result);
    const root = byPlanId(await treeOf(dataDir, rootId)).get('root')!;
    expect(root.status).toBe('FAILED');
    expect(root.result).toMatch(/^the orchestrator submitted 3 invalid plans:\n1\. invalid plan/);
    expect(root.result).toContain('dependency cycle: g1 → g2 → g1');
    expect(root.result).toContain('names unknown agent "wizard"');
    expect(root.result).toContain('the plan has no groups');
    expect(fs.readdirSync(workspace).sort()).toEqual(['.git', 'README.md']);
  });

  it("streams a command's output to the pane while the command runs", async () => {
    // The command prints a line, then waits for a file that the test makes only once that line is in the session's log.
    const flag = path.join(tmpDir(), 'proceed.flag');
    const command = `echo live-marker-1; while [ ! -f ${flag} ]; do sleep 0.05; done; echo after-the-flag; maestro task complete s1 --summary waited`;
    fake.setHandler((req) => (turnsSoFar(req) === 0 ? reply([toolUse('bash', { command })]) : reply('Done.')));
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const planFile = path.join(dataDir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify({ summary: 'wait', groups: [{ id: 'g1', title: 'Wait', subtasks: [{ id: 's1', title: 'Wait for the flag', description: '' }] }] }));
    const running = maestro(['run', '--data-dir', dataDir, '--workspace', workspace, '--plan', planFile, '--agent', 'builtin', 'Wait'], {
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_AUTH_TOKEN: '',
      ANTHROPIC_BASE_URL: fake.url,
    });
    const sessionsDir = path.join(dataDir, 'sessions');
    const logs = () => (fs.existsSync(sessionsDir) ? fs.readdirSync(sessionsDir).map((id) => path.join(sessionsDir, id, 'output.log')) : []);
    const log = await waitFor(
      () => logs().find((f) => fs.existsSync(f) && fs.readFileSync(f, 'utf8').includes('live-marker-1')),
      'the first line of the command in the pane',
      REAL_RUN_TIMEOUT_MS,
    );
    // The command is still waiting: its next line is not there, and the run goes on.
    expect(fs.readFileSync(log, 'utf8')).not.toContain('after-the-flag');
    fs.writeFileSync(flag, '');
    const result = await running;
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const pane = fs.readFileSync(log, 'utf8');
    expect(pane).toMatch(/ {2}live-marker-1\r?\n {2}after-the-flag/);
    expect(pane).toContain('[exit code 0]');
  });

  it('reminds a worker that stops with unreported subtasks once, then fails them with its last words', async () => {
    fake.setHandler((req) => {
      const turn = turnsSoFar(req);
      if (turn === 0) return reply([toolUse('bash', { command: 'maestro task complete s1 --summary "wrote hello.txt"' })]);
      if (turn === 1) return reply('I am done here.');
      return reply('Really done; s2 and s3 are not needed.');
    });
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const planFile = path.join(dataDir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify({ ...PLAN, groups: [{ ...PLAN.groups[1]!, dependsOn: [], subtasks: [PLAN.groups[0]!.subtasks[0]!, ...PLAN.groups[1]!.subtasks] }] }));
    const result = await maestro(['run', '--data-dir', dataDir, '--workspace', workspace, '--plan', planFile, '--agent', 'builtin', 'Write files'], {
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_AUTH_TOKEN: '',
      ANTHROPIC_BASE_URL: fake.url,
    });
    expect(result.code).toBe(1);
    const tasks = byPlanId(await treeOf(dataDir, rootIdOf(result)));
    expect(tasks.get('s1')!.status).toBe('COMPLETED');
    for (const id of ['s2', 's3']) {
      expect(tasks.get(id)!.status).toBe('FAILED');
      expect(tasks.get(id)!.result).toBe('the agent finished without reporting this subtask; its last words: Really done; s2 and s3 are not needed.');
    }
    // The reminder named exactly what was left.
    const reminder = fake.requests[2]!.body.messages.at(-1).content[0].text as string;
    expect(reminder).toMatch(/^These subtasks are not reported yet: s2 \(Create world.txt\), s3 \(Check both files\)\. Report each one/);
  });
});
