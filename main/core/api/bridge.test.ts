// ClientBridge streams a session's output as `session.data` events (Electron IPC, JSON clients) or,
// when the client asked for them, through its binary-frame sender (browser mode with `?frames=binary`).
import { describe, expect, it } from 'vitest';
import { decodeTerminalFrame, encodeTerminalFrame, type ServerMessage } from '../../../preload/wire';
import type { Engine } from '../engine';
import { ClientBridge } from './bridge';

function fakeEngine() {
  const streams: ((data: string) => void)[] = [];
  const acks: number[] = [];
  const engine = {
    attachSession: async (_id: string, send: (data: string) => void) => {
      streams.push(send);
      return { data: 'replay', restored: true, live: true, ack: (n: number) => acks.push(n), detach: () => {} };
    },
  } as unknown as Engine;
  return { engine, streams, acks };
}

describe('ClientBridge terminal streams', () => {
  it('sends output as session.data events by default', async () => {
    const { engine, streams } = fakeEngine();
    const sent: ServerMessage[] = [];
    const bridge = new ClientBridge(engine, (m) => sent.push(m));
    expect(await bridge.call('session.attach', { sessionId: 's1' })).toEqual({ data: 'replay', restored: true, live: true });
    streams[0]!('héllo');
    expect(sent).toEqual([{ t: 'event', event: 'session.data', payload: { sessionId: 's1', data: 'héllo' } }]);
  });

  it('sends output through the binary sender when there is one; acks still reach the attachment', async () => {
    const { engine, streams, acks } = fakeEngine();
    const sent: ServerMessage[] = [];
    const frames: Uint8Array[] = [];
    const bridge = new ClientBridge(engine, (m) => sent.push(m), (id, data) => frames.push(encodeTerminalFrame(id, data)));
    await bridge.call('session.attach', { sessionId: 's1' });
    streams[0]!('héllo 🎉');
    expect(sent).toEqual([]);
    const f = decodeTerminalFrame(frames[0]!)!;
    expect([f.sessionId, f.chars, new TextDecoder().decode(f.bytes)]).toEqual(['s1', 'héllo 🎉'.length, 'héllo 🎉']);
    await bridge.call('session.ack', { sessionId: 's1', chars: f.chars });
    expect(acks).toEqual([f.chars]);
  });
});
