// The server writes terminal frames with Node's encoder; they must read as preload/wire.ts defines them.
import { describe, expect, it } from 'vitest';
import { decodeTerminalFrame, encodeTerminalFrame } from '../../preload/wire';
import { terminalFrame } from './server';

describe('the server\'s terminal frames', () => {
  it('have the layout of preload/wire.ts (Node\'s encoder, exact size)', () => {
    for (const data of ['', 'plain', 'héllo wörld 表 🎉\r\n', 'x'.repeat(70_000)]) {
      const f = terminalFrame('task-1a2b', data);
      expect(Buffer.from(encodeTerminalFrame('task-1a2b', data)).equals(f)).toBe(true);
      const d = decodeTerminalFrame(f)!;
      expect([d.sessionId, d.chars, new TextDecoder().decode(d.bytes)]).toEqual(['task-1a2b', data.length, data]);
    }
  });
});
