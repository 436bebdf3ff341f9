// The WebSocket of browser mode, run inside a dedicated Worker (terminal-worker.ts) so the page's main
// thread only parses and renders. Free of Worker globals: tests drive it under Node with a fake socket
// and a fake port.
//
// - Text frames (JSON: results, errors, events) go to the page as strings, in order.
// - Binary frames (a session's output, preload/wire.ts) are gathered per session and handed to the page
//   as one `Uint8Array` per batch, its buffer transferred (no copy): at once after a quiet spell (a
//   keystroke's echo), then at most one batch per `batchMs` per session, or as soon as a batch holds
//   `batchBytes`. Before any text frame goes on, every gathered batch goes first: the page sees the
//   server's order.
// - Strings from the page are text frames to send (calls, `session.ack` among them); objects are orders.
//   Strings that come while the socket is still connecting are sent as soon as it opens (after the page
//   is told `open`), so the page's first calls need not wait for that news to cross back and forth; if
//   the socket closes first they are dropped, and the page, never told it opened, sends them again.
import { decodeTerminalFrame } from '../../preload/wire';
import type { SocketLike } from './ws-client';

/** Orders from the page. Strings (not listed) are frames to send. */
export type ToWorker = { t: 'open'; url: string } | { t: 'close'; code?: number; reason?: string };

/** A session's batch of output for the page. */
export interface TerminalBatch {
  t: 'data';
  sessionId: string;
  /** UTF-16 chars the bytes decode to: what the page acknowledges once xterm has parsed them. */
  chars: number;
  bytes: Uint8Array;
}

const NAME_PREFIX = 'maestro-websocket ';

/**
 * The Worker's name carries the URL it connects to, so it opens its socket as soon as its script runs. A
 * message from the page would wait for the page's main thread: Chromium hands a new Worker the messages
 * posted to it only after the page has heard that the Worker's script ran, and while the page evaluates
 * the UI's chunk that is tens of milliseconds.
 */
export function workerName(url: string): string {
  return NAME_PREFIX + url;
}

/** The URL in a name made by workerName, or null. */
export function urlFromWorkerName(name: string): string | null {
  return name.startsWith(NAME_PREFIX) && name.length > NAME_PREFIX.length ? name.slice(NAME_PREFIX.length) : null;
}

/** Messages to the page. Strings (not listed) are text frames received. */
export type FromWorker = { t: 'open' } | { t: 'close'; code: number; reason: string } | TerminalBatch;

/** The subset of the DOM WebSocket used here: the page's, with binary frames always on. */
export type WorkerSocketLike = SocketLike & { binaryType: string };

export interface WorkerCoreOptions {
  createSocket(url: string): WorkerSocketLike;
  /** Posts to the page; `transfer` lists buffers handed over. */
  post(message: FromWorker | string, transfer?: ArrayBuffer[]): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  /** A batch goes out once it holds this many bytes. Default 256 KiB. */
  batchBytes?: number;
  /** At most one batch per session per this many ms (size aside). Default 16 (a frame). */
  batchMs?: number;
}

interface Pending {
  parts: Uint8Array[];
  bytes: number;
  chars: number;
}

const CONNECTING = 0;
const OPEN = 1;

export class WorkerCore {
  private socket: WorkerSocketLike | null = null;
  /** The URL of the current socket. */
  private url = '';
  /** Frames the page sent before the socket opened, sent in order once it does. */
  private early: string[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly lastFlush = new Map<string, number>();
  private timer: unknown = null;
  private readonly batchBytes: number;
  private readonly batchMs: number;

  constructor(private readonly o: WorkerCoreOptions) {
    this.batchBytes = o.batchBytes ?? 256 * 1024;
    this.batchMs = o.batchMs ?? 16;
  }

  /** A message from the page. */
  receive(message: ToWorker | string): void {
    // The Worker opened this socket itself, from its name (see workerName): the page's own 'open' for
    // the same URL comes later, after the page's main thread forwarded it, and changes nothing.
    if (typeof message === 'object' && message?.t === 'open' && this.socket && this.url === message.url) return;
    if (typeof message === 'string') {
      if (this.socket?.readyState === OPEN) this.socket.send(message);
      else if (this.socket?.readyState === CONNECTING) this.early.push(message);
      return;
    }
    if (message?.t === 'open') this.open(message.url);
    else if (message?.t === 'close') this.close(message.code, message.reason);
  }

  private open(url: string): void {
    this.close(1000, 'reopened');
    this.url = url;
    let socket: WorkerSocketLike;
    try {
      socket = this.o.createSocket(url);
    } catch {
      this.o.post({ t: 'close', code: 1006, reason: 'the WebSocket could not be created' });
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.o.post({ t: 'open' });
      const early = this.early;
      this.early = [];
      for (const m of early) socket.send(m);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.frame(ev.data);
    };
    socket.onerror = () => {
      // always followed by close
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.early = []; // never sent: the page queues them again (it was not told the socket opened)
      this.flushAll();
      this.o.post({ t: 'close', code: ev.code, reason: ev.reason });
    };
  }

  private close(code?: number, reason?: string): void {
    const s = this.socket;
    this.socket = null;
    this.early = [];
    this.flushAll();
    if (!s) return;
    s.onopen = s.onmessage = s.onerror = s.onclose = null;
    try {
      s.close(code, reason);
    } catch {
      // already closing
    }
  }

  private frame(data: unknown): void {
    if (typeof data === 'string') {
      this.flushAll();
      this.o.post(data);
      return;
    }
    if (!(data instanceof ArrayBuffer)) return;
    const frame = decodeTerminalFrame(data);
    if (!frame || frame.bytes.length === 0) return;
    let p = this.pending.get(frame.sessionId);
    if (!p) this.pending.set(frame.sessionId, (p = { parts: [], bytes: 0, chars: 0 }));
    p.parts.push(frame.bytes);
    p.bytes += frame.bytes.length;
    p.chars += frame.chars;
    const since = this.o.now() - (this.lastFlush.get(frame.sessionId) ?? -Infinity);
    if (p.bytes >= this.batchBytes || since >= this.batchMs) this.flush(frame.sessionId);
    else this.schedule(this.batchMs - since);
  }

  private schedule(ms: number): void {
    if (this.timer !== null) return;
    this.timer = this.o.setTimeout(() => {
      this.timer = null;
      this.flushAll();
    }, Math.max(0, ms));
  }

  private flushAll(): void {
    if (this.timer !== null) this.o.clearTimeout(this.timer);
    this.timer = null;
    for (const id of [...this.pending.keys()]) this.flush(id);
  }

  private flush(sessionId: string): void {
    const p = this.pending.get(sessionId);
    this.pending.delete(sessionId);
    if (!p || p.bytes === 0) return;
    this.lastFlush.set(sessionId, this.o.now());
    let bytes: Uint8Array;
    if (p.parts.length === 1) {
      bytes = p.parts[0]!; // a view into its own frame's buffer: hand that buffer over
    } else {
      bytes = new Uint8Array(p.bytes);
      let at = 0;
      for (const part of p.parts) {
        bytes.set(part, at);
        at += part.length;
      }
    }
    this.o.post({ t: 'data', sessionId, chars: p.chars, bytes }, [bytes.buffer as ArrayBuffer]);
  }
}
