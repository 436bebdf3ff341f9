// The built-in agent's pane: a command's output as it runs, and the whole text of long results kept in
// a file whose path the pane shows (the model still gets a shortened form).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tmpDir, waitFor } from '../../../test/helpers';
import { OutputFiles, outputDirFor } from './output-files';
import { RESULT_LINES, Screen, SPILL_AFTER_CHARS } from './screen';
import { MAX_RESULT_CHARS } from './tools';
import { bashTool } from './worker';

function capture(files?: OutputFiles): { screen: Screen; output: () => string } {
  const out = new PassThrough();
  let s = '';
  out.on('data', (d: Buffer) => (s += d.toString()));
  return { screen: new Screen(out, false, files), output: () => s };
}

describe('a command in the pane', () => {
  it('shows its output while it runs, then only its status', async () => {
    const ws = tmpDir('maestro-live-');
    const { screen, output } = capture(new OutputFiles(tmpDir()));
    let ended = false;
    const call = bashTool(ws, { command: 'echo first-line; while [ ! -f go ]; do sleep 0.02; done; echo second-line' }, process.env, screen).then((r) => {
      ended = true;
      return r;
    });
    // The first line is in the pane while the command still waits for the file.
    await waitFor(() => output().includes('  first-line\n'), 'the first line in the pane');
    expect(ended).toBe(false);
    expect(output()).not.toContain('second-line');
    fs.writeFileSync(path.join(ws, 'go'), '');
    const r = await call;
    expect(output()).toBe('  first-line\n  second-line\n');
    // The model gets the whole (short) output with the exit code; the pane shows the status once.
    expect(r).toEqual({ content: 'first-line\nsecond-line\n[exit code 0]', isError: false, display: '[exit code 0]' });
  });

  it('says so when a command printed nothing, and cleans control sequences from what it prints', async () => {
    const { screen, output } = capture();
    const quiet = await bashTool(tmpDir(), { command: 'true' }, process.env, screen);
    expect(quiet.display).toBe('(no output)\n[exit code 0]');
    screen.live('a\x1b]52;c;aGk=\x07b\r\nprogress 1\rprogress 2\n');
    expect(output()).toBe('  ab\n  progress 1\n  progress 2\n');
  });

  it('keeps a long output whole in a file named to the model and the pane; the model gets head and tail', async () => {
    const dir = path.join(tmpDir(), 'tool-output');
    const { screen, output } = capture(new OutputFiles(dir));
    const lines = 5_000; // "line N\n" × 5,000 ≈ 44 KB: more than the model's share
    const r = await bashTool(tmpDir(), { command: `i=1; while [ $i -le ${lines} ]; do echo "line $i"; i=$((i+1)); done` }, process.env, screen);
    const file = path.join(dir, '001-bash.txt');
    const whole = fs.readFileSync(file, 'utf8');
    expect(whole.split('\n')).toHaveLength(lines + 1);
    expect(whole.length).toBeGreaterThan(SPILL_AFTER_CHARS);
    expect(whole.startsWith('line 1\nline 2\n')).toBe(true);
    expect(whole.endsWith(`line ${lines}\n`)).toBe(true);
    expect(r.content.length).toBeLessThan(MAX_RESULT_CHARS + 500);
    expect(r.content).toContain('characters omitted');
    expect(r.content).toContain(`[all ${whole.length} characters of the output are in ${file}]`);
    expect(r.display).toBe(`[exit code 0]\nall of the output: ${file}`);
    // The pane showed every line as it came.
    expect(output()).toContain(`  line 2500\n`);
  });
});

describe('long results of the other tools', () => {
  it('shows the first lines and the path of a file with all of it', () => {
    const dir = path.join(tmpDir(), 'tool-output');
    const { screen, output } = capture(new OutputFiles(dir));
    const text = Array.from({ length: 40 }, (_, i) => `entry ${i + 1}`).join('\n');
    screen.toolResult(text, false, 'read_file');
    const file = path.join(dir, '001-read_file.txt');
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    const shown = output().trimEnd().split('\n');
    expect(shown).toHaveLength(RESULT_LINES);
    expect(shown.at(-1)).toBe(`  … ${40 - RESULT_LINES + 1} more lines · all of it: ${file}`);
    // Short results make no file.
    screen.toolResult('one\ntwo', false, 'search');
    expect(fs.readdirSync(dir)).toEqual(['001-read_file.txt']);
  });

  it('without a folder says how much was cut', () => {
    const { screen, output } = capture();
    screen.toolResult(Array.from({ length: 10 }, (_, i) => `l${i}`).join('\n'), false);
    expect(output().trimEnd().split('\n').at(-1)).toBe(`  … ${10 - RESULT_LINES + 1} more lines`);
  });

  it('uses the session folder only when the prompt file is in it', () => {
    const session = path.join(tmpDir(), 'sessions', 'sess-abc');
    expect(outputDirFor(path.join(session, 'prompt.md'), 'sess-abc')).toBe(path.join(session, 'tool-output'));
    const elsewhere = outputDirFor('/home/me/prompt.md', 'sess-abc');
    expect(elsewhere.startsWith(os.tmpdir())).toBe(true);
    expect(elsewhere).not.toContain('/home/me');
    expect(outputDirFor(path.join(session, 'prompt.md'), undefined)).not.toContain('sess-abc');
  });
});
