// `maestro run` plans with the built-in agent when an API key is stored in the data dir (the settings'
// key), not only when ANTHROPIC_API_KEY is set: the CLI and the engine decide who plans with one
// function (main/core/planner.ts). Here the workers run a custom command that reports its subtask.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../main/core/secrets';
import { reply, startFakeAnthropic, toolUse, type FakeAnthropic } from '../fake-anthropic/server';
import { tmpDir } from '../helpers';
import { byPlanId, gitWorkspace, maestro, rootIdOf, toolNames, treeOf } from './run-helpers';

const PLAN = {
  summary: 'One file.',
  groups: [{ id: 'g1', title: 'Write the note', subtasks: [{ id: 's1', title: 'Create note.txt', description: 'Write "noted".' }] }],
};

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic({ apiKey: 'stored-key' });
});
afterEach(async () => {
  await fake.close();
});

const noKeyEnv = () => ({ ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: '', ANTHROPIC_BASE_URL: fake.url });
const worker = 'maestro task complete s1 --summary "done by the custom worker"';

describe('who plans `maestro run`', () => {
  it('the built-in planner, with the key stored in the data dir', async () => {
    fake.setHandler((req) => {
      if (toolNames(req).includes('submit_plan')) return reply([toolUse('submit_plan', PLAN)]);
      throw new Error('only the planner talks to the API here');
    });
    const dataDir = tmpDir();
    new FileSecretStore(dataDir).set('stored-key');
    const result = await maestro(['run', '--data-dir', dataDir, '--workspace', gitWorkspace(), '--profile', 'custom', '--agent-command', worker, 'Write a note'], noKeyEnv());
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const tree = await treeOf(dataDir, rootIdOf(result));
    expect(tree.options.plannerProfile).toBe('builtin');
    expect(tree.options.agentProfile).toBe('custom');
    expect(byPlanId(tree).get('s1')!.result).toBe('done by the custom worker');
    // The fake accepts only the stored key.
    expect(fake.requests.filter((r) => toolNames(r).includes('submit_plan')).length).toBeGreaterThan(0);
  });

  it('nobody without a key, a plan or an agent CLI: a usage error that says what to pass', async () => {
    const result = await maestro(['run', '--data-dir', tmpDir(), '--workspace', gitWorkspace(), '--profile', 'custom', '--agent-command', worker, 'Write a note'], noKeyEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/who plans this request\? .*--planner claude\|codex\|gemini/);
    expect(fake.requests).toHaveLength(0);
  });
});
