// One ClientBridge per window (WebContents) and its terminal MessagePort, in plain TypeScript so that
// tests drive it without Electron: main.ts passes the real WebContents and MessageChannelMain.
//
// - The terminal port (renderer/api/terminal-port.ts): a new channel per request, its far end sent to the
//   page; output keeps coming as `session.data` events until the page's first message over the port
//   (TERMINAL_PORT_READY) proves it arrived; from then on the sessions the page attaches stream binary
//   frames through it.
// - A page asks for its port before anything else (renderer/api/index.ts), so the request also says that
//   a new page started in the window (a reload, say): the previous page's attachments end there, and so
//   do they when the window is destroyed. A page that is gone acknowledges nothing, and flow control
//   would keep its sessions' PTYs paused. (Not on 'did-navigate': nothing orders that event before the
//   new page's first call.)
import type { ServerMessage } from '../../preload/wire';
import { encodeTerminalFrame, IPC_EVENT, IPC_TERMINAL_PORT, TERMINAL_PORT_READY } from '../../preload/wire';
import { ClientBridge } from '../core/api/bridge';
import type { Engine } from '../core/engine';

/** The parts of an Electron WebContents used here (`P`: its MessagePortMain). */
export interface WindowContents<P> {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
  postMessage(channel: string, message: unknown, transfer: P[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The parts of an Electron MessagePortMain used here. */
export interface MainPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  start(): void;
  postMessage(message: unknown): void;
  close(): void;
}

export class WindowClients<P extends MainPort> {
  private readonly bridges = new Map<number, ClientBridge>();
  private readonly ports = new Map<number, P>();
  private readonly wired = new WeakSet<WindowContents<P>>();

  constructor(
    private readonly engine: () => Engine,
    private readonly newChannel: () => { port1: P; port2: P },
  ) {}

  /** The window's bridge (made on its page's first call). */
  bridgeFor(contents: WindowContents<P>): ClientBridge {
    let bridge = this.bridges.get(contents.id);
    if (!bridge) {
      const send = (m: ServerMessage) => {
        if (!contents.isDestroyed() && m.t === 'event') contents.send(IPC_EVENT, { event: m.event, payload: m.payload });
      };
      bridge = new ClientBridge(this.engine(), send);
      this.bridges.set(contents.id, bridge);
      if (!this.wired.has(contents)) {
        this.wired.add(contents);
        const id = contents.id;
        contents.once('destroyed', () => this.drop(id));
      }
    }
    return bridge;
  }

  /** A new page asked for its terminal port: the previous page's bridge ends, a new channel, its far end to the page. */
  openTerminalPort(contents: WindowContents<P>): void {
    const id = contents.id;
    this.drop(id);
    const bridge = this.bridgeFor(contents);
    const { port1, port2 } = this.newChannel();
    this.ports.set(id, port1);
    port1.on('message', (e) => {
      if (e.data !== TERMINAL_PORT_READY || this.bridges.get(id) !== bridge || this.ports.get(id) !== port1) return;
      // An exact copy: the frame is a view into a larger buffer, and the whole buffer would be cloned.
      bridge.streamTerminal((sessionId, data) => port1.postMessage(encodeTerminalFrame(sessionId, data).slice()));
    });
    port1.start();
    contents.postMessage(IPC_TERMINAL_PORT, null, [port2]);
  }

  /** Every live bridge (engine events go to all of them). */
  all(): Iterable<ClientBridge> {
    return this.bridges.values();
  }

  /** The window's page is gone: its attachments end and its port closes. */
  drop(id: number): void {
    this.bridges.get(id)?.dispose();
    this.bridges.delete(id);
    this.ports.get(id)?.close();
    this.ports.delete(id);
  }

  dropAll(): void {
    for (const id of [...this.bridges.keys()]) this.drop(id);
  }
}
