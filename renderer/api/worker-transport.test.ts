// The browser transport for terminal output: binary frames, the WebSocket Worker (run here under Node
// with a fake socket and a fake port), acknowledgements per batch, and the fallback to a WebSocket on
// the main thread. Deterministic: a manual clock, no real timers.
import { describe, expect, it } from 'vitest';
import { decodeTerminalFrame, encodeTerminalFrame } from '../../preload/wire';
import { manualTimers, settle } from '../dev/test-utils';
import { connectTerminal, type WritableTerminal } from '../terminal/connect';
import { TerminalRouter } from '../terminal/router';
import { WorkerCore, urlFromWorkerName, workerName, type FromWorker, type ToWorker, type WorkerSocketLike } from './worker-core';
import { WorkerSocket, socketFactory, type WorkerLike } from './worker-socket';
import { WsApi, type SocketLike } from './ws-client';

/** The server's end of the Worker's WebSocket. */
class FakeServerSocket implements WorkerSocketLike {
  binaryType = 'blob';
  readyState = 0;
  sent: string[] = [];
  onopen: WorkerSocketLike['onopen'] = null;
  onclose: WorkerSocketLike['onclose'] = null;
  onerror: WorkerSocketLike['onerror'] = null;
  onmessage: WorkerSocketLike['onmessage'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** A binary frame as the browser hands it over: its own ArrayBuffer. */
  terminal(sessionId: string, data: string) {
    const f = encodeTerminalFrame(sessionId, data);
    this.onmessage?.({ data: f.slice().buffer });
  }
  text(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

function workerCore(opts: { batchBytes?: number; batchMs?: number } = {}) {
  const clock = manualTimers();
  let now = 0;
  const posted: { message: FromWorker | string; transfer?: ArrayBuffer[] }[] = [];
  const sockets: FakeServerSocket[] = [];
  const core = new WorkerCore({
    createSocket: (url) => {
      const s = new FakeServerSocket(url);
      sockets.push(s);
      return s;
    },
    post: (message, transfer) => posted.push({ message, transfer }),
    setTimeout: clock.timers.setTimeout,
    clearTimeout: clock.timers.clearTimeout,
    now: () => now,
    ...opts,
  });
  const advance = (ms: number) => {
    now += ms;
    clock.advance(ms);
  };
  return { core, posted, sockets, advance, socket: () => sockets[sockets.length - 1]! };
}

const utf8 = new TextDecoder();
const batchesOf = (posted: { message: FromWorker | string }[], sessionId: string) =>
  posted.map((p) => p.message).filter((m): m is Extract<FromWorker, { t: 'data' }> => typeof m !== 'string' && m.t === 'data' && m.sessionId === sessionId);

describe('terminal frames (preload/wire.ts)', () => {
  it('carry the session id, the UTF-16 length and the UTF-8 bytes', () => {
    const data = 'plain, ünïcödé, 表, and 🎉\r\n';
    const f = decodeTerminalFrame(encodeTerminalFrame('sess-1', data))!;
    expect(f.sessionId).toBe('sess-1');
    expect(f.chars).toBe(data.length);
    expect(utf8.decode(f.bytes)).toBe(data);
  });

  it('a frame that is not a terminal frame reads as null', () => {
    expect(decodeTerminalFrame(new Uint8Array([2, 0, 0, 0, 0, 0]))).toBeNull();
    expect(decodeTerminalFrame(new Uint8Array([1, 0, 0]))).toBeNull();
    expect(decodeTerminalFrame(new Uint8Array([1, 0, 0, 0, 0, 9, 65]))).toBeNull();
  });
});

describe('WorkerCore (the WebSocket Worker)', () => {
  it('delivers every byte of every session in order, batched, with the buffers transferred', () => {
    const { core, posted, socket, advance } = workerCore({ batchBytes: 1000, batchMs: 16 });
    core.receive({ t: 'open', url: 'ws://h/ws' });
    expect(socket().binaryType).toBe('arraybuffer');
    socket().open();
    const sent: Record<string, string> = { a: '', b: '' };
    for (let i = 0; i < 400; i++) {
      const id = i % 3 === 0 ? 'b' : 'a';
      const chunk = `${i}:${'x'.repeat(i % 37)}é🎉\r\n`;
      sent[id] += chunk;
      socket().terminal(id, chunk);
      if (i % 50 === 0) advance(5);
    }
    advance(100);
    for (const id of ['a', 'b']) {
      const batches = batchesOf(posted, id);
      expect(utf8.decode(concat(batches.map((b) => b.bytes)))).toBe(sent[id]);
      expect(batches.reduce((n, b) => n + b.chars, 0)).toBe(sent[id]!.length);
      // Fewer batches than frames: gathered; none far above the size limit.
      expect(batches.length).toBeLessThan(200);
    }
    for (const p of posted) {
      if (typeof p.message !== 'string' && p.message.t === 'data') expect(p.transfer).toEqual([p.message.bytes.buffer]);
    }
  });

  it('sends the first batch after a quiet spell at once, then at most one per batchMs unless it is full', () => {
    const { core, posted, socket, advance } = workerCore({ batchBytes: 100, batchMs: 16 });
    core.receive({ t: 'open', url: 'ws://h/ws' });
    socket().open();
    socket().terminal('s', 'echo');
    expect(batchesOf(posted, 's').length).toBe(1);
    socket().terminal('s', 'more');
    socket().terminal('s', 'and more');
    expect(batchesOf(posted, 's').length).toBe(1);
    advance(16);
    expect(batchesOf(posted, 's').map((b) => utf8.decode(b.bytes))).toEqual(['echo', 'moreand more']);
    socket().terminal('s', 'y'.repeat(150)); // full: goes at once
    expect(batchesOf(posted, 's').length).toBe(3);
  });

  it('keeps the server order between output and text frames', () => {
    const { core, posted, socket } = workerCore({ batchMs: 16 });
    core.receive({ t: 'open', url: 'ws://h/ws' });
    socket().open();
    socket().terminal('s', 'first');
    socket().terminal('s', 'second');
    socket().text({ t: 'event', event: 'session.changed', payload: { id: 's' } });
    const order = posted.map((p) => (typeof p.message === 'string' ? 'text' : p.message.t === 'data' ? utf8.decode(p.message.bytes) : p.message.t));
    expect(order).toEqual(['open', 'first', 'second', 'text']);
  });

  it('sends the page strings as text frames, those from before the open as it opens, and reports the close', () => {
    const { core, posted, socket } = workerCore();
    core.receive('dropped: no socket at all');
    core.receive({ t: 'open', url: 'ws://h/ws' });
    core.receive('{"t":"call","id":1}');
    core.receive('{"t":"call","id":2}');
    expect(socket().sent).toEqual([]);
    socket().open();
    // The page hears `open` first; the held frames go out at once, in order.
    expect(posted.map((p) => p.message)).toEqual([{ t: 'open' }]);
    expect(socket().sent).toEqual(['{"t":"call","id":1}', '{"t":"call","id":2}']);
    core.receive('{"t":"call","id":3}');
    expect(socket().sent.at(-1)).toBe('{"t":"call","id":3}');
    socket().onclose?.({ code: 4401, reason: 'invalid token' });
    expect(posted.at(-1)!.message).toEqual({ t: 'close', code: 4401, reason: 'invalid token' });
  });

  it('drops the held frames of a socket that closes before it opens (the page sends them again)', () => {
    const { core, posted, sockets, socket } = workerCore();
    core.receive({ t: 'open', url: 'ws://h/ws' });
    core.receive('{"t":"call","id":1}');
    socket().onclose?.({ code: 1006, reason: '' });
    expect(posted.map((p) => p.message)).toEqual([{ t: 'close', code: 1006, reason: '' }]);
    core.receive({ t: 'open', url: 'ws://h/ws' });
    socket().open();
    expect(sockets.map((s) => s.sent)).toEqual([[], []]);
  });

  it('connects from its name before the page\'s open arrives; that open, for the same URL, changes nothing', () => {
    const url = 'ws://127.0.0.1:1/ws?token=t%20k&frames=binary';
    expect(urlFromWorkerName(workerName(url))).toBe(url);
    expect(urlFromWorkerName('maestro-websocket ')).toBeNull();
    expect(urlFromWorkerName('some other worker')).toBeNull();
    const { core, posted, sockets, socket } = workerCore();
    // terminal-worker.ts: the URL from the Worker's name, at once.
    core.receive({ t: 'open', url: urlFromWorkerName(workerName(url))! });
    // What the page posted meanwhile: its open, then its first calls.
    core.receive({ t: 'open', url });
    core.receive('{"t":"call","id":1}');
    expect(sockets).toHaveLength(1);
    socket().open();
    expect(posted.map((p) => p.message)).toEqual([{ t: 'open' }]);
    expect(socket().sent).toEqual(['{"t":"call","id":1}']);
    // After a close, the same URL opens a new socket (a reconnect in the same Worker).
    socket().onclose?.({ code: 1006, reason: '' });
    core.receive({ t: 'open', url });
    expect(sockets).toHaveLength(2);
    // A different URL replaces the socket.
    core.receive({ t: 'open', url: 'ws://127.0.0.1:1/ws?token=other' });
    expect(sockets).toHaveLength(3);
    expect(sockets[1]!.readyState).toBe(3);
  });
});

/** A Worker whose other end is a WorkerCore in this process; messages cross asynchronously, as between threads. */
class FakeWorker implements WorkerLike {
  onmessage: WorkerLike['onmessage'] = null;
  onerror: WorkerLike['onerror'] = null;
  terminated = false;
  readonly posted: (ToWorker | string)[] = [];
  constructor(readonly core: (post: (m: FromWorker | string) => void) => WorkerCore) {}
  private instance: WorkerCore | null = null;
  postMessage(message: ToWorker | string) {
    this.posted.push(message);
    this.instance ??= this.core((m) => queueMicrotask(() => this.onmessage?.({ data: m })));
    queueMicrotask(() => this.instance!.receive(message));
  }
  terminate() {
    this.terminated = true;
  }
}

class FakeTerm implements WritableTerminal {
  written: (string | Uint8Array)[] = [];
  private callbacks: (() => void)[] = [];
  write(data: string | Uint8Array, cb?: () => void) {
    this.written.push(data);
    if (cb) this.callbacks.push(cb);
  }
  parse() {
    for (const cb of this.callbacks.splice(0)) cb();
  }
  get pendingCallbacks() {
    return this.callbacks.length;
  }
}

describe('the Worker transport end to end (WsApi → router → pane)', () => {
  it('every byte reaches the pane in order and the acknowledgements flow back through the Worker', async () => {
    const clock = manualTimers();
    let now = 0;
    const servers: FakeServerSocket[] = [];
    const makeCore = (post: (m: FromWorker | string) => void) =>
      new WorkerCore({
        createSocket: (url) => {
          const s = new FakeServerSocket(url);
          servers.push(s);
          return s;
        },
        post,
        setTimeout: clock.timers.setTimeout,
        clearTimeout: clock.timers.clearTimeout,
        now: () => now,
        batchBytes: 4096,
      });
    const transports: string[] = [];
    const api = new WsApi({
      url: 'ws://h/ws?frames=binary',
      createSocket: socketFactory({
        createWorker: () => new FakeWorker(makeCore),
        createWebSocket: () => {
          throw new Error('the main-thread socket must not be used');
        },
        onTransport: (k) => transports.push(k),
      }),
      timers: clock.timers,
    });
    await settle();
    const server = servers[0]!;
    expect(server.url).toBe('ws://h/ws?frames=binary');
    server.open();
    await settle();
    expect(api.connection.state).toBe('open');
    const router = new TerminalRouter(api, 1000);
    router.start();
    const term = new FakeTerm();
    const conn = connectTerminal({ api, router, sessionId: 's1', term });
    await settle();
    const attach = JSON.parse(server.sent[0]!);
    expect(attach.method).toBe('session.attach');
    server.text({ t: 'result', id: attach.id, result: { data: '', restored: false, live: true } });
    await conn.ready;
    let expected = '';
    for (let i = 0; i < 300; i++) {
      const chunk = `line ${i} ${'ä'.repeat(i % 50)}\r\n`;
      expected += chunk;
      server.terminal('s1', chunk);
      if (i % 20 === 0) {
        now += 20;
        clock.advance(20);
      }
      await settle();
    }
    now += 100;
    clock.advance(100);
    await settle();
    const bytes = term.written.filter((w): w is Uint8Array => w instanceof Uint8Array);
    expect(utf8.decode(concat(bytes))).toBe(expected);
    expect(transports).toEqual(['worker']);
    // Parsed → acknowledged, through the Worker's socket, in batches; every char once.
    term.parse();
    await settle();
    // Acknowledgements are notifications ({t: 'ack'}): nothing comes back for them.
    const sent = server.sent.map((s) => JSON.parse(s));
    expect(sent.filter((m) => m.method === 'session.ack')).toEqual([]);
    const acks = sent.filter((m) => m.t === 'ack');
    expect(acks.length).toBeGreaterThan(0);
    expect(acks.every((a) => a.sessionId === 's1' && a.chars >= 1000 && a.id === undefined)).toBe(true);
    const acked = acks.reduce((n, a) => n + a.chars, 0);
    expect(acked).toBeLessThanOrEqual(expected.length);
    expect(expected.length - acked).toBeLessThan(1000); // the router's last partial batch
    conn.dispose();
  });
});

describe('calls made while the Worker\'s socket connects', () => {
  function setup() {
    const clock = manualTimers();
    const servers: FakeServerSocket[] = [];
    const workers: FakeWorker[] = [];
    const mains: MainThreadSocket[] = [];
    const api = new WsApi({
      url: 'ws://h/ws',
      createSocket: socketFactory({
        createWorker: () => {
          const w = new FakeWorker((post) => new WorkerCore({ createSocket: (u) => (servers.push(new FakeServerSocket(u)), servers.at(-1)!), post, setTimeout: () => 0, clearTimeout: () => {}, now: () => 0 }));
          workers.push(w);
          return w;
        },
        createWebSocket: (u) => (mains.push(new MainThreadSocket(u)), mains.at(-1)!),
      }),
      timers: clock.timers,
      random: () => 1,
      initialDelayMs: 10,
    });
    return { api, clock, servers, workers, mains };
  }
  const callsIn = (sent: string[]) => sent.map((x) => JSON.parse(x)).map((m) => `${m.id}:${m.method}`);

  it('go out the moment it opens, before the page has heard that it did', async () => {
    const { api, servers } = setup();
    const roots = api.call('roots.list', {});
    const tree = api.call('tree.get', { rootId: 'r', limit: 200 });
    await settle();
    expect(servers[0]!.sent).toEqual([]);
    servers[0]!.open(); // the Worker sends them at once: no round trip through the page
    expect(callsIn(servers[0]!.sent)).toEqual(['1:roots.list', '2:tree.get']);
    expect(api.connection.state).toBe('connecting');
    servers[0]!.text({ t: 'result', id: 1, result: [] });
    servers[0]!.text({ t: 'result', id: 2, result: { rootId: 'r', options: {}, awaitingApproval: false, tasks: [], sessions: [] } });
    await settle();
    expect(api.connection.state).toBe('open');
    await expect(roots).resolves.toEqual([]);
    await expect(tree).resolves.toMatchObject({ rootId: 'r', tasks: [] });
  });

  it('wait for the next connection when the socket closes without opening: sent once, answered once', async () => {
    const { api, servers, clock } = setup();
    const roots = api.call('roots.list', {});
    await settle();
    servers[0]!.onclose?.({ code: 1006, reason: '' });
    await settle();
    expect(api.connection.state).toBe('connecting');
    const later = api.call('settings.get', {});
    clock.advance(10);
    await settle();
    servers[1]!.open();
    expect(callsIn(servers[1]!.sent)).toEqual(['1:roots.list', '2:settings.get']);
    servers[1]!.text({ t: 'result', id: 1, result: ['ok'] });
    servers[1]!.text({ t: 'result', id: 2, result: { scrollback: 1 } });
    await expect(roots).resolves.toEqual(['ok']);
    await expect(later).resolves.toEqual({ scrollback: 1 });
    expect(servers[0]!.sent).toEqual([]);
  });

  it('reach the main-thread socket when the Worker fails before its socket opened', async () => {
    const { api, workers, mains, clock } = setup();
    const roots = api.call('roots.list', {});
    await settle();
    workers[0]!.onerror?.({});
    clock.advance(10);
    await settle();
    expect(mains[0]!.sent).toEqual([]); // a DOM WebSocket cannot take frames before it opens
    mains[0]!.open();
    expect(callsIn(mains[0]!.sent)).toEqual(['1:roots.list']);
    mains[0]!.onmessage?.({ data: JSON.stringify({ t: 'result', id: 1, result: [] }) });
    await expect(roots).resolves.toEqual([]);
  });

  it('are refused with the token, not sent again', async () => {
    const { api, servers } = setup();
    const roots = api.call('roots.list', {});
    roots.catch(() => {}); // looked at below
    await settle();
    servers[0]!.onclose?.({ code: 4401, reason: 'invalid token' });
    await settle();
    await expect(roots).rejects.toMatchObject({ code: 'unauthorized' });
    expect(api.connection.state).toBe('unauthorized');
  });
});

/** A WebSocket on the main thread that records what WsApi set on it. */
class MainThreadSocket implements SocketLike {
  binaryType = 'blob';
  readyState = 0;
  sent: string[] = [];
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  constructor(readonly url: string) {}
  send(d: string) {
    this.sent.push(d);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
}

describe('the fallback to a WebSocket on the main thread', () => {
  it('is used when there is no Worker, and still takes binary frames', async () => {
    const made: MainThreadSocket[] = [];
    const kinds: string[] = [];
    const api = new WsApi({
      url: 'ws://h/ws?frames=binary',
      createSocket: socketFactory({ createWebSocket: (u) => (made.push(new MainThreadSocket(u)), made.at(-1)!), onTransport: (k) => kinds.push(k) }),
      timers: manualTimers().timers,
    });
    expect(kinds).toEqual(['main-thread']);
    expect(made[0]!.binaryType).toBe('arraybuffer');
    made[0]!.open();
    const got: string[] = [];
    api.onTerminalData((id, data, chars) => got.push(`${id}:${utf8.decode(data)}:${chars}`));
    made[0]!.onmessage?.({ data: encodeTerminalFrame('s', 'héllo').slice().buffer });
    expect(got).toEqual(['s:héllo:5']);
  });

  it('is used when creating the Worker throws', () => {
    const kinds: string[] = [];
    const create = socketFactory({
      createWorker: () => {
        throw new Error('Workers are disabled');
      },
      createWebSocket: (u) => new MainThreadSocket(u),
      onTransport: (k) => kinds.push(k),
    });
    expect(create('ws://h/ws')).toBeInstanceOf(MainThreadSocket);
    expect(create('ws://h/ws')).toBeInstanceOf(MainThreadSocket);
    expect(kinds).toEqual(['main-thread', 'main-thread']);
  });

  it('takes over for good when the Worker fails before its socket opened', async () => {
    const clock = manualTimers();
    const workers: FakeWorker[] = [];
    const mains: MainThreadSocket[] = [];
    const kinds: string[] = [];
    const api = new WsApi({
      url: 'ws://h/ws',
      createSocket: socketFactory({
        createWorker: () => {
          const w = new FakeWorker(() => new WorkerCore({ createSocket: (u) => new FakeServerSocket(u), post: () => {}, setTimeout: () => 0, clearTimeout: () => {}, now: () => 0 }));
          workers.push(w);
          return w;
        },
        createWebSocket: (u) => (mains.push(new MainThreadSocket(u)), mains.at(-1)!),
        onTransport: (k) => kinds.push(k),
      }),
      timers: clock.timers,
      random: () => 1,
      initialDelayMs: 10,
    });
    workers[0]!.onerror?.({}); // e.g. the Worker's script could not load
    expect(workers[0]!.terminated).toBe(true);
    expect(api.connection.state).toBe('connecting');
    clock.advance(10);
    expect(kinds).toEqual(['worker', 'main-thread']);
    mains[0]!.open();
    expect(api.connection.state).toBe('open');
  });

  it('a WorkerSocket takes frames while connecting (the Worker holds them) and refuses them once closed', () => {
    const w = new FakeWorker(() => new WorkerCore({ createSocket: (u) => new FakeServerSocket(u), post: () => {}, setTimeout: () => 0, clearTimeout: () => {}, now: () => 0 }));
    const s = new WorkerSocket(w, 'ws://h/ws');
    expect(s.holdsEarly).toBe(true);
    s.send('x');
    expect(w.posted).toEqual([{ t: 'open', url: 'ws://h/ws' }, 'x']);
    s.close();
    expect(() => s.send('y')).toThrow(/closed/);
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('a pane holds at most MAX_QUEUED_CHARS in xterm', () => {
  it('later batches wait for the parse, in order, and everything is acknowledged', async () => {
    const { FakeApi } = await import('../dev/test-utils');
    const { MAX_QUEUED_CHARS } = await import('../terminal/connect');
    const api = new FakeApi({ 'session.ack': () => ({ ok: true }), 'session.attach': () => ({ data: '', restored: false, live: true }) });
    const router = new TerminalRouter(api, 1);
    router.start();
    const term = new FakeTerm();
    const conn = connectTerminal({ api, router, sessionId: 's', term });
    await conn.ready;
    const { MAX_WRITE_PIECE } = await import('../terminal/connect');
    const batches = Array.from({ length: 5 }, (_, i) => String.fromCharCode(97 + i).repeat(200 * 1024));
    for (const data of batches) api.emit('session.data', { sessionId: 's', data });
    const writtenChars = () => term.written.reduce((n, w) => n + w.length, 0);
    const batch = batches[0]!;
    expect(writtenChars()).toBe(Math.ceil(MAX_QUEUED_CHARS / batch.length) * batch.length); // 3 × 200 KiB ≥ 512 KiB, then wait
    // Each batch reaches xterm in pieces of at most MAX_WRITE_PIECE, with one parse callback (on its last piece).
    expect(term.written.every((w) => w.length <= MAX_WRITE_PIECE)).toBe(true);
    expect(term.pendingCallbacks).toBe(3);
    term.parse();
    expect(writtenChars()).toBe(5 * batch.length);
    expect(term.written.join('')).toBe(batches.join(''));
    term.parse();
    const acked = (api.callsOf('session.ack') as { chars: number }[]).reduce((n, a) => n + a.chars, 0);
    expect(acked).toBe(5 * batch.length);
  });
});
