// The world of the end-to-end tests: a git workspace, a data dir, the fake Anthropic API scripted as
// the orchestrator, and the scripted worker agent. Shared by the browser and the Electron tests.
import fs from 'node:fs';
import path from 'node:path';
import { error, reply, startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../../test/fake-anthropic/server';
import { REPO_ROOT, plan3, tmpDir } from '../../test/helpers';
import { gitWorkspace, toolNames, turnsSoFar } from '../../test/agents/run-helpers';

export const API_KEY = 'e2e-test-key';

/** What the user types; the plan the fake orchestrator submits for it (plan3: g3 waits for g1 and g2). */
export const REQUEST = 'Write the five greeting files, one per subtask';
export const PLAN = plan3() as { groups: { id: string; title: string; subtasks: { id: string; title: string }[] }[] };

/** g1 streams ticks and waits for Enter typed into its pane; g2 fails its second subtask once (exit code 2). */
export const AGENT_SCRIPT = {
  g1: { ticks: 3, waitForEnter: true },
  g2: { ticks: 2, failFirstAttemptAfter: 1, exitCode: 2 },
};

export interface Scenario {
  dataDir: string;
  workspace: string;
  fake: FakeAnthropic;
  /** The custom agent command line the user enters in the settings. */
  agentCommand: string;
  /** Environment of the Maestro process: the fake API as the Anthropic endpoint (undefined: removed). */
  env: Record<string, string | undefined>;
  /** Resolves when the orchestrator waits for its first reply (it is planning, visibly). */
  plannerWaiting: Promise<void>;
  /** Lets the orchestrator's first reply go. */
  releasePlanner(): void;
  close(): Promise<void>;
}

export async function createScenario(): Promise<Scenario> {
  const dataDir = tmpDir('maestro-e2e-data-');
  const workspace = gitWorkspace();
  fs.writeFileSync(path.join(workspace, 'agent-script.json'), JSON.stringify(AGENT_SCRIPT, null, 2));
  const fake = await startFakeAnthropic({ apiKey: API_KEY });

  let waiting!: () => void;
  const plannerWaiting = new Promise<void>((r) => (waiting = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  fake.setHandler(async (req) => {
    // Only the orchestrator talks to the model here: the workers are scripted.
    if (!toolNames(req).includes('submit_plan')) return error(400, { message: 'e2e: unexpected request without submit_plan' });
    if (turnsSoFar(req) === 0) {
      waiting();
      await released;
      return reply([text('Let me look at the workspace first.'), toolUse('list_files', { path: '.' })]);
    }
    return reply([text('Three groups: two in parallel, the third after both.'), toolUse('submit_plan', PLAN as unknown as Record<string, unknown>)]);
  });

  return {
    dataDir,
    workspace,
    fake,
    agentCommand: `node ${path.join(REPO_ROOT, 'test', 'fixtures', 'scripted-agent.mjs')} {promptFile}`,
    env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_AUTH_TOKEN: undefined },
    plannerWaiting,
    releasePlanner: release,
    async close() {
      release();
      await fake.close();
    },
  };
}
