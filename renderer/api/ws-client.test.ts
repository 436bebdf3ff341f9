import { describe, expect, it } from 'vitest';
import { ApiError } from '../../preload/wire';
import { manualTimers, settle } from '../dev/test-utils';
import { resolveToken, webSocketUrl } from './index';
import { WsApi, type ConnectionInfo, type SocketLike } from './ws-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closedWith: number | undefined;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const clock = manualTimers();
  const states: ConnectionInfo[] = [];
  const api = new WsApi({
    url: 'ws://host/ws?token=t',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers: clock.timers,
    random: () => 1,
    initialDelayMs: 100,
    maxDelayMs: 1000,
  });
  api.onConnection((i) => states.push(i));
  return { api, sockets, clock, states, last: () => sockets[sockets.length - 1] };
}

describe('WsApi', () => {
  it('sends acknowledgements as notifications while open, and drops them while not (a new connection starts from zero)', () => {
    const { api, last } = setup();
    api.ack('s1', 100); // not open yet: not queued either
    expect(last().sent).toEqual([]);
    last().open();
    api.ack('s1', 5000);
    expect(last().sent).toEqual([{ t: 'ack', sessionId: 's1', chars: 5000 }]);
    last().drop();
    expect(() => api.ack('s1', 7)).not.toThrow();
    expect(last().sent).toEqual([{ t: 'ack', sessionId: 's1', chars: 5000 }]);
  });

  it('queues calls until open, then sends them with ids and resolves results', async () => {
    const { api, last } = setup();
    const p = api.call('roots.list', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ t: 'call', id: 1, method: 'roots.list', params: {} }]);
    last().receive({ t: 'result', id: 1, result: [] });
    await expect(p).resolves.toEqual([]);
  });

  it('rejects with ApiError(code, message) on an error reply', async () => {
    const { api, last } = setup();
    last().open();
    const p = api.call('task.retry', { id: 'x' });
    last().receive({ t: 'error', id: 1, error: { code: 'not-found', message: 'no task x' } });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not-found', message: 'no task x' });
  });

  it('dispatches events to listeners until they unsubscribe; a throwing listener does not stop others', () => {
    const { api, last } = setup();
    last().open();
    const got: string[] = [];
    api.on('session.data', () => {
      throw new Error('bad listener');
    });
    const off = api.on('session.data', (p) => got.push(p.data));
    const original = console.error;
    console.error = () => {};
    try {
      last().receive({ t: 'event', event: 'session.data', payload: { sessionId: 's', data: 'a' } });
      off();
      last().receive({ t: 'event', event: 'session.data', payload: { sessionId: 's', data: 'b' } });
    } finally {
      console.error = original;
    }
    expect(got).toEqual(['a']);
  });

  it('on a lost connection rejects calls in flight, reconnects with backoff and reports reconnected', async () => {
    const { api, sockets, clock, states, last } = setup();
    last().open();
    const inflight = api.call('roots.list', {});
    last().drop();
    await expect(inflight).rejects.toMatchObject({ code: 'internal' });
    expect(states.at(-1)).toEqual({ state: 'reconnecting', reconnected: false });
    expect(clock.pending).toEqual([100]);
    clock.advance(100);
    expect(sockets).toHaveLength(2);
    last().drop(); // still down: the delay doubles
    expect(clock.pending).toEqual([200]);
    clock.advance(200);
    const queued = api.call('settings.get', {});
    last().open();
    expect(states.at(-1)).toEqual({ state: 'open', reconnected: true });
    expect(last().sent).toEqual([{ t: 'call', id: 2, method: 'settings.get', params: {} }]);
    last().receive({ t: 'result', id: 2, result: { ok: 1 } });
    await expect(queued).resolves.toEqual({ ok: 1 });
    last().drop(); // backoff resets after a successful open
    expect(clock.pending).toEqual([100]);
  });

  it('caps the backoff', () => {
    const { sockets, clock, last } = setup();
    for (let i = 0; i < 10; i++) {
      last().drop();
      clock.advance(Math.max(...clock.pending));
    }
    expect(sockets).toHaveLength(11);
    last().drop();
    expect(clock.pending).toEqual([1000]);
  });

  it('stops for good when the token is refused', async () => {
    const { api, sockets, clock, states, last } = setup();
    const queued = api.call('roots.list', {});
    last().drop(4401);
    await expect(queued).rejects.toMatchObject({ code: 'unauthorized' });
    expect(states.at(-1)?.state).toBe('unauthorized');
    expect(clock.pending).toEqual([]);
    await expect(api.call('roots.list', {})).rejects.toMatchObject({ code: 'unauthorized' });
    expect(sockets).toHaveLength(1);
  });

  it('close rejects what is queued and does not reconnect', async () => {
    const { api, clock, last } = setup();
    const queued = api.call('roots.list', {});
    api.close();
    await expect(queued).rejects.toBeInstanceOf(ApiError);
    expect(last().closedWith).toBe(1000);
    expect(clock.pending).toEqual([]);
    await settle();
  });

  it('ignores replies to unknown ids and messages that are not JSON', () => {
    const { last } = setup();
    last().open();
    const warn = console.warn;
    console.warn = () => {};
    try {
      last().receive({ t: 'result', id: 99, result: 1 });
      last().onmessage?.({ data: 'not json' });
    } finally {
      console.warn = warn;
    }
  });
});

describe('token and URL', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  };

  it('takes the token from the page URL and keeps it for reloads', () => {
    const storage = memory();
    expect(resolveToken({ href: 'http://127.0.0.1:5000/?token=abc' }, storage)).toBe('abc');
    expect(resolveToken({ href: 'http://127.0.0.1:5000/' }, storage)).toBe('abc');
    expect(resolveToken({ href: 'http://127.0.0.1:5000/' }, memory())).toBeNull();
  });

  it('builds ws/wss URLs on the page host', () => {
    expect(webSocketUrl('http://127.0.0.1:5000/?token=abc#x', 'abc')).toBe('ws://127.0.0.1:5000/ws?token=abc');
    expect(webSocketUrl('https://maestro.example/', 'a b')).toBe('wss://maestro.example/ws?token=a+b');
    expect(webSocketUrl('http://h/', null)).toBe('ws://h/ws');
  });
});
