import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { readLogTail, startAtLine } from './log';

function logWith(content: string | Buffer): string {
  const file = path.join(tmpDir('maestro-log-'), 'session.log');
  fs.writeFileSync(file, content);
  return file;
}

describe('readLogTail', () => {
  it("returns '' for a missing log", async () => {
    expect(await readLogTail(path.join(tmpDir('maestro-log-'), 'nope.log'), 100)).toBe('');
  });

  it('returns the whole log when it is small enough, and nothing for 0 bytes', async () => {
    const file = logWith('hello\r\nworld');
    expect(await readLogTail(file, 1_000)).toBe('hello\r\nworld');
    expect(await readLogTail(file, 5)).toBe('world');
    expect(await readLogTail(file, 0)).toBe('');
  });

  it('never starts inside a multi-byte character', async () => {
    const text = 'a' + '🙂é✓'.repeat(100); // 9 bytes per unit
    const file = logWith(text);
    for (let maxBytes = 1; maxBytes <= 40; maxBytes++) {
      const tail = await readLogTail(file, maxBytes);
      expect(tail).not.toContain('\ufffd');
      expect(text.endsWith(tail)).toBe(true);
      expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(maxBytes);
      expect(Buffer.byteLength(tail)).toBeGreaterThan(maxBytes - 4);
    }
  });

  it('drops an unfinished character at the end (a writer caught mid-character)', async () => {
    const bytes = Buffer.concat([Buffer.from('ok ✓'), Buffer.from('🙂').subarray(0, 2)]);
    expect(await readLogTail(logWith(bytes), 100)).toBe('ok ✓');
  });

  it('starts a cut log at a line start, so a replay never begins inside an escape sequence', async () => {
    const file = logWith('\x1b[38;5;208mfirst line\x1b[0m\r\nsecond\r\nthird\r\n');
    expect(await readLogTail(file, 12)).toBe('third\r\n'); // the cut landed inside "second"
    expect(await readLogTail(file, 19)).toBe('second\r\nthird\r\n'); // ... inside the escape sequence
    expect(await readLogTail(file, 1_000)).toBe('\x1b[38;5;208mfirst line\x1b[0m\r\nsecond\r\nthird\r\n');
  });

  it('startAtLine keeps text whose first line break is far from the start (a full-screen program)', () => {
    expect(startAtLine('ial\r\nnext')).toBe('next');
    expect(startAtLine('no line break at all')).toBe('no line break at all');
    const longLine = `${'x'.repeat(10_000)}\nrest`;
    expect(startAtLine(longLine)).toBe(longLine);
  });

  it('rejects bad arguments', async () => {
    await expect(readLogTail('', 10)).rejects.toThrow(/logPath/);
    await expect(readLogTail('/tmp/x.log', -1)).rejects.toThrow(/maxBytes/);
    await expect(readLogTail('/tmp/x.log', 1.5)).rejects.toThrow(/maxBytes/);
  });
});
