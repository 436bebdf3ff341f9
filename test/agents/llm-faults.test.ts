// LLM faults in a real `maestro run` with the built-in agent: a rate limit that outlasts the SDK's
// retries is waited out visibly and the run completes; a rejected key fails the request with one reason.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { error, reply, startFakeAnthropic, toolUse, type FakeAnthropic } from '../fake-anthropic/server';
import { tmpDir } from '../helpers';
import { byPlanId, gitWorkspace, maestro, rootIdOf, sessionLog, timelineOf, toolNames, treeOf, turnsSoFar, REAL_RUN_TIMEOUT_MS } from './run-helpers';

const PLAN = {
  summary: 'One file.',
  groups: [{ id: 'g1', title: 'Write the note', subtasks: [{ id: 's1', title: 'Create note.txt', description: 'Write "noted".' }] }],
};

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic({ apiKey: 'test-key' });
});
afterEach(async () => {
  await fake.close();
});

function run(workspace: string, dataDir: string, apiKey: string) {
  return maestro(['run', '--data-dir', dataDir, '--workspace', workspace, 'Write a note'], {
    ANTHROPIC_API_KEY: apiKey,
    ANTHROPIC_AUTH_TOKEN: '',
    ANTHROPIC_BASE_URL: fake.url,
  });
}

// Real processes (maestro, its sessions, the agents): no time budget, only a net for a hang (see run-helpers).
describe('LLM faults with the built-in agent', { timeout: REAL_RUN_TIMEOUT_MS }, () => {
  it('waits out a rate limit beyond the SDK retries with a visible line, then continues to completion', async () => {
    let limited = 0;
    fake.setHandler((req) => {
      if (toolNames(req).includes('submit_plan')) {
        // The planner's first call is limited three times: the SDK's two retries, then the agent's own wait.
        if (limited < 3) {
          limited++;
          return error(429, { retryAfterMs: 1 });
        }
        return reply([toolUse('submit_plan', PLAN)]);
      }
      if (turnsSoFar(req) === 0) {
        return reply([toolUse('write_file', { path: 'note.txt', content: 'noted\n' }), toolUse('bash', { command: 'maestro task complete s1 --summary "wrote note.txt"' })]);
      }
      throw new Error('the worker should have stopped once s1 was reported');
    });
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const result = await run(workspace, dataDir, 'test-key');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const rootId = rootIdOf(result);
    expect(limited).toBe(3);
    expect(fs.readFileSync(path.join(workspace, 'note.txt'), 'utf8')).toBe('noted\n');

    const tree = await treeOf(dataDir, rootId);
    expect(byPlanId(tree).get('root')!.status).toBe('COMPLETED');
    const orchestrator = tree.sessions.find((s) => s.role === 'orchestrator')!;
    expect(sessionLog(dataDir, orchestrator.id)).toMatch(/! rate limited \(429 rate_limit_error\), retrying at \d\d:\d\d:\d\d \(wait 1 of 10\)/);
    // The wait is in the request's timeline too.
    const logs = timelineOf(dataDir, rootId).filter((e) => e.type === 'log' && e.taskId === rootId);
    expect(logs.map((e) => e.message)).toEqual([expect.stringMatching(/^rate limited \(429 rate_limit_error\), retrying at \d\d:\d\d:\d\d/)]);
  });

  it('fails the request with one clear reason when the key is rejected', async () => {
    fake.setHandler(() => {
      throw new Error('no request should get past the key check');
    });
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const result = await run(workspace, dataDir, 'wrong-key');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/FAILED/);
    const rootId = rootIdOf(result);
    expect(fake.requests).toHaveLength(1); // 401 is not retried

    const tree = await treeOf(dataDir, rootId);
    const root = byPlanId(tree).get('root')!;
    expect(root.status).toBe('FAILED');
    expect(root.result).toBe('the Anthropic API key was rejected (401: invalid x-api-key)');
    const orchestrator = tree.sessions.find((s) => s.role === 'orchestrator')!;
    expect(orchestrator.exitCode).toBe(1);
    expect(sessionLog(dataDir, orchestrator.id)).toContain('✗ the Anthropic API key was rejected (401: invalid x-api-key)');
  });

  it('refuses a request for the built-in agent without an API key, saying what to set, before anything exists', async () => {
    const workspace = gitWorkspace();
    const dataDir = tmpDir();
    const planFile = path.join(dataDir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify(PLAN));
    const result = await maestro(['run', '--data-dir', dataDir, '--workspace', workspace, '--plan', planFile, '--agent', 'builtin', 'Write a note'], {
      ANTHROPIC_API_KEY: '',
      ANTHROPIC_AUTH_TOKEN: '',
      ANTHROPIC_BASE_URL: fake.url,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the agent (builtin) cannot run: it needs an Anthropic API key, and none is set or stored');
    expect(fs.existsSync(path.join(dataDir, 'roots')) ? fs.readdirSync(path.join(dataDir, 'roots')) : []).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});
