// Claude Code for real, offline against the fake Anthropic API: `maestro run --planner claude --agent
// claude`. The planner submits its plan through `maestro plan submit -` with a heredoc; the worker
// reports through the maestro CLI with its Bash tool and writes with its Write tool. Claude Code is
// interactive: Maestro ends each session once its work is reported.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeAnthropic, text, toolUse, type FakeAnthropic, type RecordedRequest, type Reply } from '../fake-anthropic/server';
import { REPO_ROOT, tmpDir } from '../helpers';
import { byPlanId, claudeOfflineEnv, gitWorkspace, maestro, rootIdOf, systemText, timelineOf, treeOf, REAL_RUN_TIMEOUT_MS } from './run-helpers';

/** The folder of the project's `claude` (a devDependency), or of the one CLAUDE_CODE_BIN points at. */
function claudeBinDir(): string {
  const bin = process.env.CLAUDE_CODE_BIN ?? path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');
  if (path.basename(bin) !== 'claude' || !fs.existsSync(bin)) {
    throw new Error(`Claude Code is not installed at ${bin}: add @anthropic-ai/claude-code to the devDependencies (or set CLAUDE_CODE_BIN to a .../bin/claude)`);
  }
  return path.dirname(bin);
}

const PLAN = {
  summary: 'One group: write alpha.txt and confirm the workspace skill was offered.',
  groups: [
    {
      id: 'g1',
      title: 'Alpha',
      subtasks: [
        { id: 's1', title: 'Write alpha.txt', description: 'Write "alpha" into alpha.txt.' },
        { id: 's2', title: 'Confirm the skill', description: 'Check that csv-rules is offered.' },
      ],
    },
  ],
};

type Block = { type: string };
/** Tool results so far in the conversation: each scripted reply makes one call, so this is the step. */
function step(req: RecordedRequest): number {
  return (req.body.messages as Array<{ role: string; content: unknown }>)
    .filter((m) => m.role === 'user' && Array.isArray(m.content))
    .reduce((n, m) => n + (m.content as Block[]).filter((b) => b.type === 'tool_result').length, 0);
}

function script(workspace: string): (req: RecordedRequest) => Reply {
  return (req) => {
    const tools = (req.body.tools ?? []) as Array<{ name: string }>;
    if (!tools.some((t) => t.name === 'Bash')) return reply('Maestro test session'); // the title request
    const system = systemText(req);
    const n = step(req);
    if (system.includes('# Maestro orchestrator')) {
      if (n === 0) {
        const command = `maestro plan submit - <<'EOF'\n${JSON.stringify(PLAN, null, 2)}\nEOF`;
        return reply([text('Submitting the plan.'), toolUse('Bash', { command, description: 'Submit the plan' })]);
      }
      return reply('The plan is submitted.');
    }
    if (system.includes('# Maestro worker')) {
      const steps: Reply[] = [
        reply([text('Starting s1.'), toolUse('Bash', { command: 'maestro task start s1', description: 'Start s1' })]),
        reply([toolUse('Write', { file_path: path.join(workspace, 'alpha.txt'), content: 'alpha\n' })]),
        reply([toolUse('Bash', { command: 'maestro task complete s1 --summary "wrote alpha.txt"', description: 'Report s1' })]),
        reply([toolUse('Bash', { command: 'maestro task complete s2 "csv-rules is offered"', description: 'Report s2' })]),
      ];
      return steps[n] ?? reply('Every subtask is reported.');
    }
    throw new Error('a request from neither a Maestro orchestrator nor a worker');
  };
}

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic({ apiKey: 'test-key' });
});
afterEach(async () => {
  await fake.close();
});

// Real processes (maestro, its sessions, the agents): no time budget, only a net for a hang (see run-helpers).
describe('Claude Code as orchestrator and worker', { timeout: REAL_RUN_TIMEOUT_MS }, () => {
  it('plans through maestro plan submit, works through the maestro CLI, and is ended once all is reported', async () => {
    const binDir = claudeBinDir();
    const workspace = gitWorkspace({
      '.skills/csv-rules/SKILL.md': '---\nname: csv-rules\ndescription: How this workspace quotes CSV fields\n---\n# CSV rules\nQuote every field.\n',
    });
    const configDir = tmpDir('maestro-claude-config-');
    fs.writeFileSync(
      path.join(configDir, '.claude.json'),
      JSON.stringify({ hasCompletedOnboarding: true, projects: { [workspace]: { hasTrustDialogAccepted: true } } }),
    );
    const dataDir = tmpDir();
    fake.setHandler(script(workspace));

    const result = await maestro(
      ['run', '--data-dir', dataDir, '--workspace', workspace, '--planner', 'claude', '--agent', 'claude', 'Write alpha'],
      claudeOfflineEnv(binDir, fake.url, configDir),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const rootId = rootIdOf(result);

    const tree = await treeOf(dataDir, rootId);
    const tasks = byPlanId(tree);
    expect(tasks.get('root')!.status).toBe('COMPLETED');
    expect(tasks.get('s1')!.result).toBe('wrote alpha.txt');
    expect(tasks.get('s2')!.result).toBe('csv-rules is offered');
    expect(fs.readFileSync(path.join(workspace, 'alpha.txt'), 'utf8')).toBe('alpha\n');

    // The skills reached Claude Code: Maestro's skill in the system prompt, the workspace skill as a plugin skill.
    const worker = fake.requests.find((r) => systemText(r).includes('# Maestro worker'))!;
    expect(systemText(worker)).toContain('Report EVERY subtask before you exit.');
    expect(JSON.stringify(worker.body.messages)).toContain('maestro-workspace:csv-rules: How this workspace quotes CSV fields');
    const planner = fake.requests.find((r) => systemText(r).includes('# Maestro orchestrator'))!;
    expect(systemText(planner)).toContain('# Available agents');

    // Both sessions were ended by Maestro once their work was reported; nothing was written into the repository.
    expect(tree.sessions.map((s) => s.role).sort()).toEqual(['orchestrator', 'worker']);
    const exits = timelineOf(dataDir, rootId).filter((e) => e.type === 'session-exit');
    expect(exits.map((e) => e.message)).toEqual([
      expect.stringMatching(/was ended by Maestro: its work is reported$/),
      expect.stringMatching(/was ended by Maestro: its work is reported$/),
    ]);
    expect(fs.readdirSync(workspace).sort()).toEqual(['.git', '.skills', 'README.md', 'alpha.txt']);
  });
});
