import { describe, expect, it } from 'vitest';
import { FakeApi, deferred, manualTimers, settle } from '../dev/test-utils';
import { RESTORED_BANNER, connectTerminal, type WritableTerminal } from './connect';
import { TerminalRouter } from './router';
import { watchPageShown, type VisibilitySource } from './visibility';

/** A terminal that records writes and runs the parse callbacks when told to. */
class FakeTerm implements WritableTerminal {
  written: string[] = [];
  private callbacks: (() => void)[] = [];
  write(data: string, cb?: () => void) {
    this.written.push(data);
    if (cb) this.callbacks.push(cb);
  }
  parse() {
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb();
  }
}

function setup(ackBatch = 10) {
  const api = new FakeApi({ 'session.ack': () => ({ ok: true }) });
  const router = new TerminalRouter(api, ackBatch);
  router.start();
  const acks = () => api.callsOf('session.ack') as { sessionId: string; chars: number }[];
  return { api, router, acks };
}

describe('TerminalRouter', () => {
  it('sends data to the attached sink only', () => {
    const { api, router } = setup();
    const a: string[] = [];
    const detach = router.attach('a', (d) => a.push(d as string));
    api.emit('session.data', { sessionId: 'a', data: 'hello' });
    api.emit('session.data', { sessionId: 'b', data: 'other' });
    detach();
    api.emit('session.data', { sessionId: 'a', data: 'late' });
    expect(a).toEqual(['hello']);
  });

  it('acknowledges data nobody shows at once, in batches', () => {
    const { api, acks } = setup(10);
    api.emit('session.data', { sessionId: 's', data: '123456' });
    expect(acks()).toEqual([]);
    api.emit('session.data', { sessionId: 's', data: '7890ab' });
    expect(acks()).toEqual([{ sessionId: 's', chars: 12 }]);
    api.emit('session.data', { sessionId: 's', data: 'x'.repeat(25) });
    expect(acks()).toEqual([
      { sessionId: 's', chars: 12 },
      { sessionId: 's', chars: 25 },
    ]);
  });

  it('a new sink replaces the previous one; the old detach does not remove it', () => {
    const { api, router } = setup();
    const first: string[] = [];
    const second: string[] = [];
    const detachFirst = router.attach('s', (d) => first.push(d as string));
    router.attach('s', (d) => second.push(d as string));
    detachFirst();
    api.emit('session.data', { sessionId: 's', data: 'x' });
    expect(first).toEqual([]);
    expect(second).toEqual(['x']);
  });

  it('rejects a non-positive batch size', () => {
    expect(() => new TerminalRouter(new FakeApi(), 0)).toThrow(/ackBatch/);
  });
});

describe('connectTerminal', () => {
  it('writes the replay first, then data that arrived meanwhile, then live data', async () => {
    const { api, router, acks } = setup(5);
    const replay = deferred<{ data: string; restored: boolean; live: boolean }>();
    api.handle('session.attach', () => replay.promise);
    const term = new FakeTerm();
    const conn = connectTerminal({ api, router, sessionId: 's', term });
    api.emit('session.data', { sessionId: 's', data: 'B1' });
    api.emit('session.data', { sessionId: 's', data: 'B2' });
    expect(term.written).toEqual([]);
    replay.resolve({ data: 'HISTORY', restored: false, live: true });
    await conn.ready;
    api.emit('session.data', { sessionId: 's', data: 'L1' });
    expect(term.written).toEqual(['HISTORY', 'B1', 'B2', 'L1']);
    expect(api.callsOf('session.attach')).toEqual([{ sessionId: 's' }]);
    // Acks only after xterm parsed the live chunks; the replay is not flow-controlled.
    expect(acks()).toEqual([]);
    term.parse();
    expect(acks()).toEqual([{ sessionId: 's', chars: 6 }]);
    conn.dispose();
  });

  it('marks restored history and reports a failed replay in the terminal', async () => {
    const { api, router } = setup();
    api.handle('session.attach', () => ({ data: 'old', restored: true, live: false }));
    const t1 = new FakeTerm();
    await connectTerminal({ api, router, sessionId: 's', term: t1 }).ready;
    expect(t1.written).toEqual(['old', RESTORED_BANNER]);

    api.handle('session.attach', () => {
      throw new Error('gone');
    });
    const t2 = new FakeTerm();
    const c2 = connectTerminal({ api, router, sessionId: 't', term: t2 });
    await c2.ready;
    api.emit('session.data', { sessionId: 't', data: 'live' });
    expect(t2.written[0]).toContain('gone');
    expect(t2.written[1]).toBe('live');
  });

  it('marks restored history once: a pane mounted again for a session this page followed live gets no banner', async () => {
    const { api, router } = setup();
    api.handle('session.attach', () => ({ data: 'earlier', restored: true, live: true }));
    const first = new FakeTerm();
    const c1 = connectTerminal({ api, router, sessionId: 's', term: first });
    await c1.ready;
    expect(first.written).toEqual(['earlier', RESTORED_BANNER]);
    c1.dispose();
    // The same pane again (another selection, a new layout): the replay is what this page showed live.
    const again = new FakeTerm();
    const c2 = connectTerminal({ api, router, sessionId: 's', term: again });
    await c2.ready;
    expect(again.written).toEqual(['earlier']);
    c2.dispose();
    // Another session this page never followed still gets its banner, and a dead one's log does not mark it as seen.
    api.handle('session.attach', () => ({ data: 'log', restored: true, live: false }));
    for (let i = 0; i < 2; i++) {
      const t = new FakeTerm();
      await connectTerminal({ api, router, sessionId: 'ended', term: t }).ready;
      expect(t.written).toEqual(['log', RESTORED_BANNER]);
    }
  });

  it('on dispose acknowledges what was received but never parsed, and detaches', async () => {
    const { api, router, acks } = setup(1);
    const replay = deferred<{ data: string; restored: boolean; live: boolean }>();
    api.handle('session.attach', () => replay.promise);
    const term = new FakeTerm();
    const conn = connectTerminal({ api, router, sessionId: 's', term });
    api.emit('session.data', { sessionId: 's', data: 'abc' }); // buffered
    conn.dispose();
    expect(acks()).toEqual([{ sessionId: 's', chars: 3 }]);
    expect(router.hasSink('s')).toBe(false);
    expect(api.callsOf('session.detach')).toEqual([{ sessionId: 's' }]);
    replay.resolve({ data: 'x', restored: false, live: true });
    await settle();
    expect(term.written).toEqual([]); // nothing written after dispose
  });

  it('counts written-but-unparsed chunks once, whether parsed or disposed', async () => {
    const { api, router, acks } = setup(1);
    api.handle('session.attach', () => ({ data: '', restored: false, live: true }));
    const term = new FakeTerm();
    const conn = connectTerminal({ api, router, sessionId: 's', term });
    await conn.ready;
    api.emit('session.data', { sessionId: 's', data: 'aa' });
    api.emit('session.data', { sessionId: 's', data: 'bbb' });
    conn.dispose();
    term.parse(); // callbacks after dispose do not ack again
    expect(acks().reduce((n, a) => n + a.chars, 0)).toBe(5);
  });
});

/** A document whose visibility the test switches. */
class FakeDocument implements VisibilitySource {
  hidden = false;
  private listeners = new Set<() => void>();
  addEventListener(_type: 'visibilitychange', l: () => void) {
    this.listeners.add(l);
  }
  removeEventListener(_type: 'visibilitychange', l: () => void) {
    this.listeners.delete(l);
  }
  set(hidden: boolean) {
    this.hidden = hidden;
    for (const l of [...this.listeners]) l();
  }
  get listening() {
    return this.listeners.size;
  }
}

describe('watchPageShown', () => {
  it('reports hidden only after the grace period, and shown again at once', () => {
    const doc = new FakeDocument();
    const clock = manualTimers();
    const changes: boolean[] = [];
    const stop = watchPageShown(doc, (shown) => changes.push(shown), 1000, clock.timers);
    doc.set(true);
    clock.advance(999);
    expect(changes).toEqual([]);
    doc.set(false); // a quick switch away and back: the panes stay
    clock.advance(5000);
    expect(changes).toEqual([]);
    doc.set(true);
    clock.advance(1000);
    expect(changes).toEqual([false]);
    doc.set(true); // repeated events change nothing
    clock.advance(5000);
    doc.set(false);
    expect(changes).toEqual([false, true]);
    stop();
    expect(doc.listening).toBe(0);
    doc.set(true);
    clock.advance(5000);
    expect(changes).toEqual([false, true]);
  });

  it('notices a page that starts hidden', () => {
    const doc = new FakeDocument();
    doc.hidden = true;
    const clock = manualTimers();
    const changes: boolean[] = [];
    watchPageShown(doc, (shown) => changes.push(shown), 1000, clock.timers);
    clock.advance(1000);
    expect(changes).toEqual([false]);
    expect(clock.pending).toEqual([]);
  });
});

describe('splitForParse', () => {
  it('cuts a batch into pieces of at most MAX_WRITE_PIECE that join back to it (bytes as views, mid-character cuts allowed)', async () => {
    const { splitForParse, MAX_WRITE_PIECE } = await import('./connect');
    const text = 'ä€𝄞 line\r\n'.repeat(20_000);
    const bytes = new TextEncoder().encode(text);
    const pieces = splitForParse(bytes) as Uint8Array[];
    expect(pieces.length).toBe(Math.ceil(bytes.length / MAX_WRITE_PIECE));
    expect(pieces.every((p) => p.length <= MAX_WRITE_PIECE && p.buffer === bytes.buffer)).toBe(true);
    // A streaming decoder (as xterm's) carries a character cut between pieces over to the next one.
    const decoder = new TextDecoder();
    expect(pieces.map((p) => decoder.decode(p, { stream: true })).join('') + decoder.decode()).toBe(text);
    const strings = splitForParse(text) as string[];
    expect(strings.join('')).toBe(text);
    expect(strings.every((p) => p.length <= MAX_WRITE_PIECE)).toBe(true);
    expect(splitForParse('short')).toEqual(['short']);
  });
});
