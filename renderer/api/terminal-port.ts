// Electron: a window's terminal output over a MessagePort of its own, as binary frames (preload/wire.ts),
// so a session's bytes never travel as the page's IPC events. The page listens first, then asks the
// preload for the port (`requestTerminalPort`); the preload posts the port to this window; the page's
// first message over it (TERMINAL_PORT_READY) tells the main process the port works, and only from then
// on does the main process stream newly attached sessions through it. Until then, and if anything on the
// way fails, output keeps coming as `session.data` events, which the router takes as well.
import type { MaestroApi } from '../../preload/contract';
import { decodeTerminalFrame, TERMINAL_PORT_MESSAGE, TERMINAL_PORT_READY } from '../../preload/wire';
import type { TerminalDataListener, TerminalSource } from './ws-client';

/** The parts of a window used here (tests pass a fake). */
export interface PortWindow {
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
}

/** The ends of a MessagePort used here. */
export interface PortLike {
  onmessage: ((ev: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
}

/** Terminal frames from the window's MessagePort, once it has arrived. */
export class TerminalPort implements TerminalSource {
  private readonly listeners = new Set<TerminalDataListener>();
  private port: PortLike | null = null;
  private readonly onWindowMessage = (ev: MessageEvent) => {
    // Only this window's own message (the preload posts it to its window), carrying a port, and once.
    if (ev.source !== this.win || ev.data !== TERMINAL_PORT_MESSAGE || this.port) return;
    const port = ev.ports?.[0] as PortLike | undefined;
    if (!port) return;
    this.win.removeEventListener('message', this.onWindowMessage);
    this.port = port;
    port.onmessage = (m) => this.frame(m.data);
    port.postMessage(TERMINAL_PORT_READY);
  };

  /** Listens on `win`, then calls `request` (which makes the preload post the port to `win`). */
  constructor(
    private readonly win: PortWindow,
    request: () => void,
  ) {
    win.addEventListener('message', this.onWindowMessage);
    request();
  }

  /** Whether the port has arrived (and the main process was told it works). */
  get connected(): boolean {
    return this.port !== null;
  }

  onTerminalData(listener: TerminalDataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private frame(data: unknown): void {
    if (!(data instanceof Uint8Array) && !(data instanceof ArrayBuffer)) return;
    const f = decodeTerminalFrame(data);
    if (!f) return;
    for (const l of this.listeners) l(f.sessionId, f.bytes, f.chars);
  }
}

/** The preload's API with the window's terminal port beside it (when the preload offers one). */
export function withTerminalPort(bridge: MaestroApi, win: PortWindow): MaestroApi & Partial<TerminalSource> {
  if (typeof bridge.requestTerminalPort !== 'function') return bridge;
  const port = new TerminalPort(win, () => bridge.requestTerminalPort!());
  return {
    call: (method, params) => bridge.call(method, params),
    on: (event, listener) => bridge.on(event, listener),
    ...(bridge.pickFolder ? { pickFolder: () => bridge.pickFolder!() } : {}),
    onTerminalData: (listener) => port.onTerminalData(listener),
  };
}
