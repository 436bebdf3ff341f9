// ClientBridge streams a session's output as `session.data` events (Electron IPC, JSON clients) or,
// when the client asked for them, through its binary-frame sender (browser mode with `?frames=binary`).
import { describe, expect, it } from 'vitest';
import { decodeTerminalFrame, encodeTerminalFrame, type ServerMessage } from '../../../preload/wire';
import type { Engine } from '../engine';
import type { Attachment } from '../sessions/attach';
import { BINARY_EXTRA_WINDOW, ClientBridge, WideWindow } from './bridge';

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

  it('sends output through the binary sender when there is one, with a wider window', async () => {
    const { engine, streams, acks } = fakeEngine();
    const sent: ServerMessage[] = [];
    const frames: Uint8Array[] = [];
    const bridge = new ClientBridge(engine, (m) => sent.push(m), (id, data) => frames.push(encodeTerminalFrame(id, data)));
    await bridge.call('session.attach', { sessionId: 's1' });
    streams[0]!('héllo 🎉');
    expect(sent).toEqual([]);
    const f = decodeTerminalFrame(frames[0]!)!;
    expect([f.sessionId, f.chars, new TextDecoder().decode(f.bytes)]).toEqual(['s1', 'héllo 🎉'.length, 'héllo 🎉']);
    // Within the binary client's wider window, the engine hears "acknowledged" at once …
    expect(acks).toEqual([f.chars]);
    // … and beyond it only as the client acknowledges.
    streams[0]!('x'.repeat(BINARY_EXTRA_WINDOW + 100));
    expect(acks).toEqual([f.chars, BINARY_EXTRA_WINDOW - f.chars]);
    await bridge.call('session.ack', { sessionId: 's1', chars: 500 });
    expect(acks).toEqual([f.chars, BINARY_EXTRA_WINDOW - f.chars, 100 + f.chars]);
  });

  it('switches the way of the sessions attached after streamTerminal, and back; earlier attachments keep theirs', async () => {
    const { engine, streams } = fakeEngine();
    const sent: ServerMessage[] = [];
    const frames: string[] = [];
    const bridge = new ClientBridge(engine, (m) => sent.push(m));
    await bridge.call('session.attach', { sessionId: 'before' });
    bridge.streamTerminal((id, data) => frames.push(`${id}:${data}`));
    await bridge.call('session.attach', { sessionId: 'after' });
    streams[0]!('a');
    streams[1]!('b');
    expect(sent).toEqual([{ t: 'event', event: 'session.data', payload: { sessionId: 'before', data: 'a' } }]);
    expect(frames).toEqual(['after:b']);
    bridge.streamTerminal(undefined);
    await bridge.call('session.attach', { sessionId: 'again' });
    streams[2]!('c');
    streams[1]!('d');
    expect(sent.map((m) => m.t === 'event' && (m.payload as { data: string }).data)).toEqual(['a', 'c']);
    expect(frames).toEqual(['after:b', 'after:d']);
  });
});

describe('WideWindow (a binary client\'s wider flow-control window)', () => {
  it('acknowledges to the engine at once up to the extra window, then as the client acknowledges', () => {
    const w = new WideWindow(100);
    expect(w.sent(60)).toBe(60); // client holds 60 ≤ 100: the engine sees none unacknowledged
    expect(w.sent(60)).toBe(40); // client holds 120: 20 stay with the engine
    expect(w.sent(50)).toBe(0); // 170: 70 with the engine
    expect(w.acked(30)).toBe(30); // 140: 40 with the engine
    expect(w.acked(200)).toBe(40); // the client caught up (over-acknowledging is clamped)
    expect(w.sent(10)).toBe(10);
  });

  it('every char sent is acknowledged to the engine exactly once when the client acknowledges all', () => {
    const w = new WideWindow(1000);
    let sent = 0;
    let toEngine = 0;
    for (let i = 1; i <= 200; i++) {
      sent += 37 * i;
      toEngine += w.sent(37 * i);
      if (i % 3 === 0) toEngine += w.acked(37 * i * 2);
    }
    toEngine += w.acked(sent);
    expect(toEngine).toBe(sent);
  });
});

// An attach overtaken by a detach (or a newer attach) while it waited for the engine leaves no second
// stream behind (a pane re-mounted within a millisecond showed every line twice).
function slowEngine() {
  const pending: Array<() => void> = [];
  const live = new Set<number>();
  let next = 0;
  const engine = {
    attachSession: () =>
      new Promise<Attachment>((resolve) => {
        const id = next++;
        pending.push(() => {
          live.add(id);
          resolve({ data: 'x', restored: true, live: true, ack: () => {}, detach: () => live.delete(id) });
        });
      }),
  } as unknown as Engine;
  return { engine, release: () => pending.shift()!(), live };
}

describe('ClientBridge attachments', () => {
  it('drops an attach that a detach overtook while it waited', async () => {
    const { engine, release, live } = slowEngine();
    const bridge = new ClientBridge(engine, () => {});
    const attaching = bridge.call('session.attach', { sessionId: 's1' });
    await bridge.call('session.detach', { sessionId: 's1' });
    release();
    expect(await attaching).toMatchObject({ live: false });
    expect(live.size).toBe(0);
  });

  it('keeps only the newest of two overlapping attaches', async () => {
    const { engine, release, live } = slowEngine();
    const bridge = new ClientBridge(engine, () => {});
    const first = bridge.call('session.attach', { sessionId: 's1' });
    const second = bridge.call('session.attach', { sessionId: 's1' });
    release();
    release();
    expect(await first).toMatchObject({ live: false });
    expect(await second).toMatchObject({ live: true });
    expect(live.size).toBe(1);
    bridge.dispose();
    expect(live.size).toBe(0);
  });
});
