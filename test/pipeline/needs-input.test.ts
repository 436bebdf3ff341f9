// Needs-input from the terminal, for an agent with no signal of its own: a scripted agent prints
// "Continue? [y/N]" and reads a line. The session is flagged once it stays quiet after that prompt, and
// typing the answer through session.write clears it; "quiet" stays the separate, slower state.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/api/dispatcher';
import type { SessionInfo } from '../../preload/model';
import { tmpDir, waitFor } from '../helpers';
import { startRig, type Rig } from './rig';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('needs-input from the terminal (scripted agent)', () => {
  it('flags a session quiet after a prompt line, and clears it when the answer is typed into the pane', async () => {
    rig = await startRig();
    const changes: SessionInfo[] = [];
    rig.engine.on('session.changed', (info) => changes.push(structuredClone(info)));
    const [session] = await rig.run({
      ask: `printf 'Working on it\\n'; printf 'Continue? [y/N] '; IFS= read -r answer; printf 'answer=%s\\n' "$answer"; IFS= read -r _`,
    });
    const id = session!.id;
    const flagged = await waitFor(() => changes.find((c) => c.id === id && c.attention), 'the session to be flagged as needing input');
    expect(flagged.attention).toMatchObject({ kind: 'needs-input', source: 'terminal', message: 'Continue? [y/N]' });
    expect(flagged.status).toBe('running');
    expect(flagged.quietSince).toBeUndefined(); // quiet (the quietSeconds setting) is another, slower state
    expect(rig.engine.tree(flagged.rootId).sessions.find((s) => s.id === id)!.attention?.kind).toBe('needs-input');
    expect(rig.engine.show(flagged.taskId).timeline.map((e) => e.message)).toContain(`session ${id} needs input: Continue? [y/N]`);

    // The terminal's own replies (focus, cursor reports) are no answer.
    rig.engine.writeSession(id, '\x1b[I');
    expect(rig.engine.session(id).attention).toBeDefined();
    rig.engine.writeSession(id, 'y\r');
    expect(rig.engine.session(id).attention).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({ id });
    expect(changes.at(-1)!.attention).toBeUndefined();
    // (The focus report went into the line too, as a terminal would send it.)
    await waitFor(() => /answer=\S*y/.test(rig!.logOf(id)), 'the script to get the answer');
  });

  it('clears a terminal flag when new output follows the prompt', async () => {
    rig = await startRig();
    const changes: SessionInfo[] = [];
    rig.engine.on('session.changed', (info) => changes.push(structuredClone(info)));
    // Asks, then carries on by itself once the test sends a line on its second read.
    const [session] = await rig.run({ ask: `printf 'Name: '; IFS= read -r _; printf 'carrying on\\n'; IFS= read -r _` });
    const id = session!.id;
    await waitFor(() => rig!.engine.session(id).attention, 'the session to be flagged');
    // Not a person's answer in the pane: the script's own output moves on (sent through the PTY directly).
    (rig.engine.sessions as unknown as { live: Map<string, { term: { write(d: string): void } }> }).live.get(id)!.term.write('\r');
    await waitFor(() => rig!.logOf(id).includes('carrying on'), 'the output after the prompt');
    await waitFor(() => rig!.engine.session(id).attention === undefined, 'the flag to be cleared by the new output');
  });
});

describe('session.attention (the agent’s own signal)', () => {
  it('is for a session itself only; clearing it records the usage its transcript gained, once', async () => {
    rig = await startRig();
    const [a, b] = await rig.run({ one: 'IFS= read -r _', two: 'IFS= read -r _' });
    const asSession = (s: SessionInfo) => ({ kind: 'session' as const, sessionId: s.id, rootId: s.rootId, scopeTaskId: s.taskId });
    await expect(dispatch(rig.engine, 'session.attention', { sessionId: b!.id, needsInput: true }, asSession(a!))).rejects.toThrow(/only set its own state/);
    const flagged = (await dispatch(rig.engine, 'session.attention', { sessionId: a!.id, needsInput: true, message: 'Allow Bash?' }, asSession(a!))) as SessionInfo;
    expect(flagged.attention).toMatchObject({ kind: 'needs-input', source: 'agent', message: 'Allow Bash?' });
    // An agent's own flag stays through its output; its end of turn clears it.
    const transcript = path.join(tmpDir('maestro-transcript-'), 'abc.jsonl');
    const line = (id: string) => JSON.stringify({ type: 'assistant', message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 1000, output_tokens: 100 } } });
    fs.writeFileSync(transcript, `${line('m1')}\n${line('m2')}\n`);
    const clear = { sessionId: a!.id, needsInput: false, transcriptPath: transcript };
    expect(((await dispatch(rig.engine, 'session.attention', clear, asSession(a!))) as SessionInfo).attention).toBeUndefined();
    await dispatch(rig.engine, 'session.attention', clear, asSession(a!)); // the same turn again: nothing new
    const group = rig.engine.getTask(a!.taskId);
    expect(group.usage).toEqual({ inputTokens: 2000, outputTokens: 200, costUsd: (2000 * 3 + 200 * 15) / 1_000_000 });
    await expect(dispatch(rig.engine, 'session.attention', { ...clear, transcriptPath: 'relative.jsonl' }, asSession(a!))).rejects.toThrow(/absolute path/);
  });
});
