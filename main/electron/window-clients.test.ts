// The Electron main process's per-window bookkeeping (window-clients.ts), driven without Electron: fake
// WebContents and ports. A window's page gets one bridge; its terminal port carries frames only after
// the page's first message over it; a new page's port request (a reload) or the window's end drops the
// previous page's attachments and closes its port.
import { describe, expect, it } from 'vitest';
import { decodeTerminalFrame, IPC_EVENT, IPC_TERMINAL_PORT, TERMINAL_PORT_READY } from '../../preload/wire';
import type { Engine } from '../core/engine';
import { WindowClients, type MainPort, type WindowContents } from './window-clients';

class FakePort implements MainPort {
  listeners: ((e: { data: unknown }) => void)[] = [];
  sent: unknown[] = [];
  started = false;
  closed = false;
  on(_event: 'message', l: (e: { data: unknown }) => void) {
    this.listeners.push(l);
  }
  start() {
    this.started = true;
  }
  postMessage(m: unknown) {
    if (!this.closed) this.sent.push(m);
  }
  close() {
    this.closed = true;
  }
  /** A message from the page's end. */
  fromPage(data: unknown) {
    for (const l of this.listeners) l({ data });
  }
}

class FakeContents implements WindowContents<FakePort> {
  sent: [string, unknown][] = [];
  posted: [string, FakePort[]][] = [];
  handlers = new Map<string, (() => void)[]>();
  constructor(readonly id: number) {}
  isDestroyed() {
    return false;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  postMessage(channel: string, _message: unknown, transfer: FakePort[]) {
    this.posted.push([channel, transfer]);
  }
  once(event: string, l: () => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), l]);
  }
  on(event: string, l: () => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), l]);
  }
  fire(event: string) {
    for (const l of this.handlers.get(event) ?? []) l();
  }
}

function setup() {
  const streams = new Map<string, (data: string) => void>();
  const detached: string[] = [];
  const engine = {
    attachSession: async (id: string, send: (data: string) => void) => {
      streams.set(id, send);
      return { data: '', restored: false, live: true, ack: () => {}, detach: () => detached.push(id) };
    },
  } as unknown as Engine;
  const channels: { port1: FakePort; port2: FakePort }[] = [];
  const clients = new WindowClients<FakePort>(
    () => engine,
    () => {
      const c = { port1: new FakePort(), port2: new FakePort() };
      channels.push(c);
      return c;
    },
  );
  return { clients, streams, detached, channels };
}

const dataEvents = (c: FakeContents) =>
  c.sent.filter(([ch, p]) => ch === IPC_EVENT && (p as { event: string }).event === 'session.data').map(([, p]) => (p as { payload: { sessionId: string; data: string } }).payload);
const framesOf = (port: FakePort) =>
  port.sent.map((m) => {
    const f = decodeTerminalFrame(m as Uint8Array)!;
    return `${f.sessionId}:${new TextDecoder().decode(f.bytes)}`;
  });

describe('WindowClients (Electron: a bridge and a terminal port per window)', () => {
  it('streams through the port only once the page has answered over it, and only the newest port', async () => {
    const { clients, streams, channels } = setup();
    const win = new FakeContents(1);
    // A page asks for its port first, then calls.
    clients.openTerminalPort(win);
    const bridge = clients.bridgeFor(win);
    expect(clients.bridgeFor(win)).toBe(bridge);
    // The far end went to the page, on the port channel; ours listens.
    expect(win.posted).toEqual([[IPC_TERMINAL_PORT, [channels[0]!.port2]]]);
    expect(channels[0]!.port1.started).toBe(true);
    // Not proven yet: a session attached now streams as events.
    await bridge.call('session.attach', { sessionId: 'early' });
    streams.get('early')!('e1');
    expect(dataEvents(win)).toEqual([{ sessionId: 'early', data: 'e1' }]);
    channels[0]!.port1.fromPage('something else');
    channels[0]!.port1.fromPage(TERMINAL_PORT_READY);
    await bridge.call('session.attach', { sessionId: 'late' });
    streams.get('late')!('l1 🎉');
    streams.get('early')!('e2');
    expect(framesOf(channels[0]!.port1)).toEqual(['late:l1 🎉']);
    expect(dataEvents(win).map((p) => p.data)).toEqual(['e1', 'e2']);
    // A second request (a new page in the window): the old page's attachments end and its port closes;
    // its answer changes nothing; the new page streams as events until its own port answers.
    const second = clients.bridgeFor(win);
    expect(second).toBe(bridge);
    clients.openTerminalPort(win);
    expect(channels[0]!.port1.closed).toBe(true);
    const next = clients.bridgeFor(win);
    expect(next).not.toBe(bridge);
    channels[0]!.port1.fromPage(TERMINAL_PORT_READY);
    await next.call('session.attach', { sessionId: 'third' });
    streams.get('third')!('t1');
    expect(dataEvents(win).map((p) => p.data)).toEqual(['e1', 'e2', 't1']);
    channels[1]!.port1.fromPage(TERMINAL_PORT_READY);
    await next.call('session.attach', { sessionId: 'fourth' });
    streams.get('fourth')!('f1');
    expect(framesOf(channels[1]!.port1)).toEqual(['fourth:f1']);
  });

  it('a reload (the new page asks for its port) or the window\'s end drops the page\'s attachments and its port', async () => {
    const { clients, detached, channels } = setup();
    const win = new FakeContents(7);
    clients.openTerminalPort(win);
    channels[0]!.port1.fromPage(TERMINAL_PORT_READY);
    const first = clients.bridgeFor(win);
    await first.call('session.attach', { sessionId: 'a' });
    await first.call('session.attach', { sessionId: 'b' });
    clients.openTerminalPort(win);
    expect(detached.sort()).toEqual(['a', 'b']);
    expect(channels[0]!.port1.closed).toBe(true);
    const second = clients.bridgeFor(win);
    expect(second).not.toBe(first);
    expect([...clients.all()]).toEqual([second]);
    // The window's listener is registered once, however many pages it shows.
    expect(win.handlers.get('destroyed')).toHaveLength(1);
    await second.call('session.attach', { sessionId: 'c' });
    win.fire('destroyed');
    expect(detached).toContain('c');
    expect(channels[1]!.port1.closed).toBe(true);
    expect([...clients.all()]).toEqual([]);
  });
});
