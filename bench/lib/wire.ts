// A Node client of the browser-mode WebSocket (preload/wire.ts): calls, and every event in arrival order.
import { WebSocket } from 'ws';

export interface WireEvent {
  event: string;
  payload: any;
  at: number;
}

export class Wire {
  readonly events: WireEvent[] = [];
  private readonly socket: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  private readonly listeners = new Set<(e: WireEvent) => void>();
  private acking = false;

  private constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.t === 'event') {
        const e: WireEvent = { event: msg.event, payload: msg.payload, at: performance.timeOrigin + performance.now() };
        this.events.push(e);
        if (this.acking && msg.event === 'session.data') {
          void this.call('session.ack', { sessionId: msg.payload.sessionId, chars: msg.payload.data.length }).catch(() => {});
        }
        for (const l of [...this.listeners]) l(e);
        return;
      }
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.t === 'result') p?.resolve(msg.result);
      else p?.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
    });
  }

  /** Connects to `ws://…/ws?token=…` of a page URL printed by `maestro serve`. */
  static async connect(uiUrl: string): Promise<Wire> {
    const u = new URL(uiUrl);
    const w = new Wire(`ws://${u.host}/ws?token=${encodeURIComponent(u.searchParams.get('token') ?? '')}`);
    await new Promise<void>((resolve, reject) => {
      w.socket.once('open', () => resolve());
      w.socket.once('error', reject);
    });
    return w;
  }

  /** Acknowledge every chunk on arrival, like a pane whose terminal parses at once. */
  autoAck(): this {
    this.acking = true;
    return this;
  }

  call<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ t: 'call', id, method, params }));
    });
  }

  on(listener: (e: WireEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.socket.close();
  }
}
