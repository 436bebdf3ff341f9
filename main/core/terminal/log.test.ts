import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { readLogTail } from './log';

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

  it('rejects bad arguments', async () => {
    await expect(readLogTail('', 10)).rejects.toThrow(/logPath/);
    await expect(readLogTail('/tmp/x.log', -1)).rejects.toThrow(/maxBytes/);
    await expect(readLogTail('/tmp/x.log', 1.5)).rejects.toThrow(/maxBytes/);
  });
});
