// Needs-input from Claude Code's own signal, for real: Claude Code (against the fake Anthropic API) asks
// "Do you want to proceed?" for a command it may not run; its PermissionRequest hook, which Maestro configures,
// calls `maestro session attention` and the session is flagged. Typing into the pane answers and clears
// it; the Stop hook at the end of the turn has Maestro record the turn's tokens from the transcript.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../preload/model';
import { startInstance, type Instance } from '../../main/core/instance';
import { stripAnsi } from '../../main/core/terminal/ansi';
import { reply, startFakeAnthropic, text, toolUse, type FakeAnthropic, type RecordedRequest, type Reply } from '../fake-anthropic/server';
import { REPO_ROOT, tmpDir, waitFor } from '../helpers';
import { claudeOfflineEnv, REAL_RUN_TIMEOUT_MS, systemText } from './run-helpers';

const MODEL = 'claude-sonnet-4-5';

/** Tool results so far: each scripted reply makes one call, so this is the step. */
function step(req: RecordedRequest): number {
  return (req.body.messages as Array<{ role: string; content: unknown }>)
    .filter((m) => m.role === 'user' && Array.isArray(m.content))
    .reduce((n, m) => n + (m.content as Array<{ type: string }>).filter((b) => b.type === 'tool_result').length, 0);
}

function script(): (req: RecordedRequest) => Reply {
  return (req) => {
    const tools = (req.body.tools ?? []) as Array<{ name: string }>;
    if (!tools.some((t) => t.name === 'Bash') || !systemText(req).includes('# Maestro worker')) return reply('Maestro test session');
    const usage = { input_tokens: 1_000, output_tokens: 100 };
    const steps: Reply[] = [
      // Running code is never pre-allowed (acceptEdits lets `touch` through): Claude Code asks in the pane.
      reply([text('Creating the marker.'), toolUse('Bash', { command: `node -e "require('fs').writeFileSync('marker.txt', '')"`, description: 'Create the marker' })], { usage, model: MODEL }),
      reply([toolUse('Bash', { command: 'maestro task complete s1 --summary "made the marker"', description: 'Report s1' })], { usage, model: MODEL }),
    ];
    return steps[step(req)] ?? reply('Done.', { usage, model: MODEL });
  };
}

let fake: FakeAnthropic;
let instance: Instance | undefined;
beforeEach(async () => {
  fake = await startFakeAnthropic({ apiKey: 'test-key' });
});
afterEach(async () => {
  await instance?.close();
  instance = undefined;
  await fake.close();
});

describe('needs-input from Claude Code', { timeout: REAL_RUN_TIMEOUT_MS }, () => {
  it('is flagged by its hooks within 5 s of the prompt, cleared by typing, and its tokens are recorded', async () => {
    const bin = process.env.CLAUDE_CODE_BIN ?? path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');
    expect(fs.existsSync(bin), `Claude Code is not installed at ${bin}`).toBe(true);
    const workspace = tmpDir('maestro-attention-ws-');
    const configDir = tmpDir('maestro-claude-config-');
    fs.writeFileSync(
      path.join(configDir, '.claude.json'),
      JSON.stringify({ hasCompletedOnboarding: true, projects: { [workspace]: { hasTrustDialogAccepted: true } } }),
    );
    fake.setHandler(script());
    const env: NodeJS.ProcessEnv = { ...process.env, ...claudeOfflineEnv(path.dirname(bin), fake.url, configDir) };
    instance = await startInstance({ dataDir: tmpDir(), baseEnv: env, port: 0 });
    const { engine } = instance;

    // When the question appears in the pane, and when the session is flagged.
    const output = new Map<string, string>();
    let promptAt: number | undefined;
    let flagged: { at: number; info: SessionInfo } | undefined;
    engine.on('session.data', ({ sessionId, data }) => {
      const all = (output.get(sessionId) ?? '') + data;
      output.set(sessionId, all.slice(-20_000));
      // Claude Code moves the cursor instead of writing spaces: compare without any.
      if (promptAt === undefined && stripAnsi(all).replace(/\s+/g, '').includes('Doyouwanttoproceed?')) promptAt = Date.now();
    });
    const changes: SessionInfo[] = [];
    engine.on('session.changed', (info) => {
      changes.push(structuredClone(info));
      if (!flagged && info.attention) flagged = { at: Date.now(), info: structuredClone(info) };
    });

    const plan = { summary: 'one group', groups: [{ id: 'g1', title: 'Marker', subtasks: [{ id: 's1', title: 'Make the marker', description: 'create marker.txt' }] }] };
    const tree = await engine.createRoot({ request: 'Make a marker', workspace, agentProfile: 'claude', isolation: 'in-place', plan });
    const rootId = tree.rootId;

    await waitFor(() => flagged, 'the session to be flagged as needing input', REAL_RUN_TIMEOUT_MS).catch((err: Error) => {
      throw new Error(`${err.message}; the panes showed:\n${[...output.values()].map((o) => stripAnsi(o).slice(-3_000)).join('\n---\n')}`);
    });
    expect(promptAt, 'the prompt was shown in the pane').toBeDefined();
    expect(flagged!.at - promptAt!).toBeLessThan(5_000);
    expect(flagged!.info.attention).toMatchObject({ kind: 'needs-input', source: 'agent' });
    expect(flagged!.info.status).toBe('running');
    const sessionId = flagged!.info.id;
    // It is part of the session wherever sessions appear: the tree (`maestro tree --json`) too.
    expect(engine.tree(rootId).sessions.find((s) => s.id === sessionId)!.attention?.kind).toBe('needs-input');

    // Typing the answer (Enter: "Yes") clears it at once.
    engine.writeSession(sessionId, '\r');
    expect(engine.session(sessionId).attention).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({ id: sessionId });
    expect(changes.at(-1)!.attention).toBeUndefined();

    const status = await engine.waitForSettled(rootId);
    expect(status).toBe('COMPLETED');
    expect(fs.existsSync(path.join(workspace, 'marker.txt'))).toBe(true);

    // The Stop hook read the transcript: three worker replies of 1,000 + 100 tokens, priced as Sonnet.
    const group = engine.tree(rootId).tasks.find((t) => t.planId === 'g1')!;
    expect(group.usage).toMatchObject({ inputTokens: 3_000, outputTokens: 300 });
    expect(group.usage!.costUsd).toBeCloseTo((3_000 * 3 + 300 * 15) / 1_000_000, 9);
  });
});
