// Electron's terminal port, page side: the port arrives as a message to the page's own window (posted by
// the preload), proves itself to the main process with its first message, then carries binary frames.
// Run under Node with a real MessageChannel for the port and a fake window.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { MaestroApi } from '../../preload/contract';
import { encodeTerminalFrame, TERMINAL_PORT_MESSAGE, TERMINAL_PORT_READY } from '../../preload/wire';
import { TerminalRouter } from '../terminal/router';
import { TerminalPort, withTerminalPort, type PortLike, type PortWindow } from './terminal-port';

class FakeWindow implements PortWindow {
  listeners = new Set<(ev: MessageEvent) => void>();
  addEventListener(_type: 'message', l: (ev: MessageEvent) => void) {
    this.listeners.add(l);
  }
  removeEventListener(_type: 'message', l: (ev: MessageEvent) => void) {
    this.listeners.delete(l);
  }
  /** A message to this window, as `window.postMessage` from `source` delivers it. */
  post(data: unknown, ports: unknown[], source: unknown = this) {
    for (const l of [...this.listeners]) l({ data, ports, source } as unknown as MessageEvent);
  }
}

/** The main process's end of the channel: what the page sent over it, and frames to send. */
function mainEnd() {
  const channel = new MessageChannel();
  const received: unknown[] = [];
  channel.port1.on('message', (m) => received.push(m));
  return { main: channel.port1, page: channel.port2 as unknown as PortLike, received, close: () => channel.port1.close() };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 1));
};

describe('TerminalPort (Electron: terminal frames over a MessagePort)', () => {
  it('listens before it asks, takes only its own window\'s message with a port, says it works, then delivers frames in order', async () => {
    const win = new FakeWindow();
    const { main, page, received, close } = mainEnd();
    let listeningWhenAsked = false;
    const port = new TerminalPort(win, () => (listeningWhenAsked = win.listeners.size === 1));
    expect(listeningWhenAsked).toBe(true);
    const got: [string, string, number][] = [];
    port.onTerminalData((id, bytes, chars) => got.push([id, new TextDecoder().decode(bytes), chars]));
    // Not the port: another source, another message, no port.
    win.post(TERMINAL_PORT_MESSAGE, [page], {});
    win.post('something else', [page]);
    win.post(TERMINAL_PORT_MESSAGE, []);
    expect(port.connected).toBe(false);
    win.post(TERMINAL_PORT_MESSAGE, [page]);
    expect(port.connected).toBe(true);
    expect(win.listeners.size).toBe(0);
    await until(() => received.length === 1);
    expect(received).toEqual([TERMINAL_PORT_READY]);
    const texts = ['first ', 'ünïcödé 表 🎉', '\r\nlast'];
    for (const t of texts) main.postMessage(encodeTerminalFrame('sess-1', t).slice());
    main.postMessage('not a frame');
    main.postMessage(new Uint8Array([9, 9, 9]));
    main.postMessage(encodeTerminalFrame('sess-2', 'other').slice());
    await until(() => got.length === 4);
    expect(got).toEqual([...texts.map((t) => ['sess-1', t, t.length]), ['sess-2', 'other', 5]]);
    close();
  });

  it('feeds the router like the browser transport; without requestTerminalPort the preload API is used as it is', async () => {
    const win = new FakeWindow();
    const { main, page, close } = mainEnd();
    const calls: [string, unknown][] = [];
    const preload: MaestroApi = {
      call: async (method, params) => {
        calls.push([method, params]);
        return { ok: true } as never;
      },
      on: () => () => {},
      requestTerminalPort: () => win.post(TERMINAL_PORT_MESSAGE, [page]),
    };
    const api = withTerminalPort(preload, win);
    expect(typeof api.onTerminalData).toBe('function');
    const router = new TerminalRouter(api, 1);
    router.start();
    const sink: [string | Uint8Array, number][] = [];
    router.attach('s', (data, chars) => sink.push([data, chars]));
    main.postMessage(encodeTerminalFrame('s', 'héllo').slice());
    await until(() => sink.length === 1);
    expect(new TextDecoder().decode(sink[0]![0] as Uint8Array)).toBe('héllo');
    expect(sink[0]![1]).toBe(5);
    await api.call('settings.get', {});
    expect(calls).toEqual([['settings.get', {}]]);
    close();

    const plain: MaestroApi = { call: preload.call, on: preload.on };
    expect(withTerminalPort(plain, new FakeWindow())).toBe(plain);
  });
});
