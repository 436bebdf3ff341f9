import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTypedInput, looksLikePrompt } from './attention';
import { TranscriptCursor } from './transcript';

describe('looksLikePrompt', () => {
  it('knows the lines that wait for an answer', () => {
    for (const line of ['Continue? [y/N]', 'Overwrite file (y/n)', 'Proceed [Yes/no]:', 'Name:', '> ', 'Press Enter to continue', 'Password for alice:', 'Do you want to proceed?']) {
      expect(looksLikePrompt(line), line).toBe(true);
    }
  });
  it('leaves ordinary output alone', () => {
    for (const line of ['Compiling 12 files', 'done.', '', undefined, 'C:', 'http:', '  ', 'x'.repeat(400) + '?']) {
      expect(looksLikePrompt(line), String(line)).toBe(false);
    }
  });
});

describe('isTypedInput', () => {
  it('tells keys from the terminal’s own replies', () => {
    expect(isTypedInput('y\r')).toBe(true);
    expect(isTypedInput('\r')).toBe(true);
    expect(isTypedInput('\x1b[A')).toBe(true); // an arrow key moves a selection
    expect(isTypedInput('\x1b[I')).toBe(false); // focus in
    expect(isTypedInput('\x1b[O')).toBe(false); // focus out
    expect(isTypedInput('\x1b[12;40R')).toBe(false); // cursor position report
    expect(isTypedInput('\x1b[?1;2c')).toBe(false); // device attributes
  });
});

function transcriptFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-transcript-'));
  return path.join(dir, 'session.jsonl');
}
const assistant = (id: string, model: string, usage: Record<string, number>) =>
  JSON.stringify({ type: 'assistant', message: { id, model, role: 'assistant', usage, content: [] } });

describe('TranscriptCursor', () => {
  it('sums new assistant usage per model once, across reads, from whole lines only', () => {
    const file = transcriptFile();
    const cursor = new TranscriptCursor(file);
    expect(cursor.read()).toEqual([]); // no file yet
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }),
        // One reply written as two lines (a text block, then a tool call): counted once, with its final figures.
        assistant('msg_1', 'claude-sonnet-4-5', { input_tokens: 100, output_tokens: 1, cache_read_input_tokens: 50, cache_creation_input_tokens: 10 }),
        assistant('msg_1', 'claude-sonnet-4-5', { input_tokens: 100, output_tokens: 40, cache_read_input_tokens: 50, cache_creation_input_tokens: 10 }),
        assistant('msg_2', 'claude-haiku-4-5', { input_tokens: 7, output_tokens: 3 }),
        assistant('err', '<synthetic>', { input_tokens: 0, output_tokens: 0 }),
        'not json',
        '',
      ].join('\n'),
    );
    expect(cursor.read()).toEqual([
      { model: 'claude-sonnet-4-5', inputTokens: 100, outputTokens: 40, cacheReadTokens: 50, cacheWriteTokens: 10 },
      { model: 'claude-haiku-4-5', inputTokens: 7, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ]);
    expect(cursor.read()).toEqual([]); // nothing new: nothing counted twice
    // A line still being written waits for its end.
    const next = assistant('msg_3', 'claude-sonnet-4-5', { input_tokens: 20, output_tokens: 5 });
    fs.appendFileSync(file, next.slice(0, 30));
    expect(cursor.read()).toEqual([]);
    fs.appendFileSync(file, `${next.slice(30)}\n${assistant('msg_4', 'claude-sonnet-4-5', { input_tokens: 1, output_tokens: 1 })}\n`);
    expect(cursor.read()).toEqual([{ model: 'claude-sonnet-4-5', inputTokens: 21, outputTokens: 6, cacheReadTokens: 0, cacheWriteTokens: 0 }]);
    // A message already counted and written again later is not counted again.
    fs.appendFileSync(file, `${assistant('msg_4', 'claude-sonnet-4-5', { input_tokens: 1, output_tokens: 1 })}\n`);
    expect(cursor.read()).toEqual([]);
  });
});
