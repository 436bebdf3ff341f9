// The browser-mode transport: MaestroApi over one WebSocket (message shapes in preload/wire.ts).
//
// - Every call gets a request id and a promise; `error` replies reject with ApiError(code, message).
// - Calls made while the socket is not open are queued (bounded) and sent once it opens; a socket that
//   holds early frames itself (`holdsEarly`: the one in a Worker) gets them at once, so they go out the
//   moment it opens, and back into the queue if it closes without opening.
// - A lost connection rejects the calls in flight (their replies can no longer arrive) and reconnects
//   with exponential backoff and jitter. Listeners of `onConnection` learn about every state change so
//   the app can re-fetch its state after a reconnect.
// - A close with code 4401 or 1008 (policy violation) means the token was refused: no reconnect.
import type { CommandName, CommandParams, CommandResults, EngineEvents, EventName, MaestroApi } from '../../preload/contract';
import type { TreeSnapshot } from '../../preload/model';
import { expandTreeSnapshot } from '../../preload/view-wire';
import { ApiError, decodeTerminalFrame, type ClientMessage, type ServerMessage } from '../../preload/wire';
import type { TerminalBatch } from './worker-core';

/** A session's output as bytes (binary frames), with the UTF-16 chars they decode to (the unit of acks). */
export type TerminalDataListener = (sessionId: string, data: Uint8Array, chars: number) => void;

/** An API whose terminal output arrives as bytes rather than `session.data` events. */
export interface TerminalSource {
  onTerminalData(listener: TerminalDataListener): () => void;
}

/** An API that takes flow-control acknowledgements as notifications (no answer awaited). */
export interface Acknowledger {
  ack(sessionId: string, chars: number): void;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'closed';

export interface ConnectionInfo {
  state: ConnectionState;
  /** True on an `open` that follows an earlier successful connection. */
  reconnected: boolean;
}

/** A MaestroApi whose transport can drop and come back (the WebSocket client). */
export interface ConnectionAware {
  readonly connection: ConnectionInfo;
  onConnection(listener: (info: ConnectionInfo) => void): () => void;
}

/** The subset of the DOM WebSocket this client uses (lets tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  /** Set to 'arraybuffer' when present: binary frames (terminal output) then arrive as ArrayBuffers. */
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  /**
   * `send` while connecting is allowed: the frames are held and sent once the socket opens, or dropped
   * if it closes first (the WebSocket in a Worker). A DOM WebSocket throws instead.
   */
  readonly holdsEarly?: boolean;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WsApiOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  timers?: Timers;
  /** First reconnect delay; doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** 0..1 → jitter; defaults to Math.random. */
  random?: () => number;
  /** Calls kept while disconnected; more are rejected at once. */
  maxQueued?: number;
}

const CONNECTING = 0;
const OPEN = 1;
/** Close codes that mean "your token is not accepted": reconnecting cannot help. */
export const UNAUTHORIZED_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 1008]);

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type AnyListener = (payload: never) => void;

export class WsApi implements MaestroApi, ConnectionAware, TerminalSource, Acknowledger {
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, Pending>();
  private queue: { message: Extract<ClientMessage, { t: 'call' }>; pending: Pending }[] = [];
  /** Calls handed to a socket that was still connecting (`holdsEarly`), by id, until it opens. */
  private readonly early = new Map<number, { message: Extract<ClientMessage, { t: 'call' }>; pending: Pending }>();
  private readonly listeners = new Map<EventName, Set<AnyListener>>();
  private readonly connectionListeners = new Set<(info: ConnectionInfo) => void>();
  private readonly terminalListeners = new Set<TerminalDataListener>();
  private attempt = 0;
  private everOpened = false;
  private retryTimer: unknown = null;
  private stopped = false;
  private info: ConnectionInfo = { state: 'connecting', reconnected: false };
  private readonly opts: Required<Omit<WsApiOptions, 'url'>> & { url: string };

  constructor(options: WsApiOptions) {
    if (!options.url) throw new Error('WsApi: a WebSocket url is required');
    this.opts = {
      url: options.url,
      createSocket: options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike),
      timers: options.timers ?? {
        setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
        clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
      },
      initialDelayMs: options.initialDelayMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      random: options.random ?? Math.random,
      maxQueued: options.maxQueued ?? 1000,
    };
    this.connect();
  }

  get connection(): ConnectionInfo {
    return this.info;
  }

  call<K extends CommandName>(method: K, params: CommandParams<K>): Promise<CommandResults[K]> {
    return new Promise<CommandResults[K]>((resolve, reject) => {
      if (this.stopped || this.info.state === 'unauthorized') {
        reject(this.closedError());
        return;
      }
      const message: Extract<ClientMessage, { t: 'call' }> = { t: 'call', id: this.nextId++, method, params };
      // The server sends tree.get's task views compact (preload/view-wire.ts): callers get full ones.
      const done = resolve as (v: unknown) => void;
      const pending: Pending = { resolve: method === 'tree.get' ? (v) => done(v ? expandTreeSnapshot(v as TreeSnapshot) : v) : done, reject };
      if (this.socket && this.socket.readyState === OPEN) {
        this.send(message, pending);
      } else if (this.socket?.holdsEarly && this.socket.readyState === CONNECTING && this.queue.length === 0) {
        this.sendEarly(message, pending);
      } else if (this.queue.length >= this.opts.maxQueued) {
        reject(new ApiError('internal', `not connected to Maestro (${this.queue.length} calls already waiting)`));
      } else {
        this.queue.push({ message, pending });
      }
    });
  }

  /**
   * `session.ack` as a notification: sent if the socket is open, else dropped (a new connection starts
   * its flow control from zero: the server forgets a closed connection's streams).
   */
  ack(sessionId: string, chars: number): void {
    if (!this.socket || this.socket.readyState !== OPEN) return;
    const message: ClientMessage = { t: 'ack', sessionId, chars };
    try {
      this.socket.send(JSON.stringify(message));
    } catch (error) {
      console.warn('maestro: sending an acknowledgement failed', error);
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as AnyListener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  /** Terminal output of binary frames (the socket in a Worker, or on this thread with `?frames=binary`). */
  onTerminalData(listener: TerminalDataListener): () => void {
    this.terminalListeners.add(listener);
    return () => {
      this.terminalListeners.delete(listener);
    };
  }

  onConnection(listener: (info: ConnectionInfo) => void): () => void {
    this.connectionListeners.add(listener);
    return () => {
      this.connectionListeners.delete(listener);
    };
  }

  /** Closes the socket for good; pending and queued calls are rejected. */
  close(): void {
    this.stopped = true;
    if (this.retryTimer !== null) this.opts.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = s.onmessage = s.onerror = s.onopen = null;
      s.close(1000, 'client closed');
    }
    this.early.clear();
    this.failAll(this.closedError());
    this.setState('closed', false);
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url);
    } catch (error) {
      console.error('maestro: cannot open the WebSocket', error);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    if ('binaryType' in socket) socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (this.socket !== socket) return;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.early.clear(); // on their way now, like any call in flight
      const queued = this.queue;
      this.queue = [];
      for (const q of queued) this.send(q.message, q.pending);
      this.setState('open', reconnected);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.handleMessage(ev.data);
    };
    socket.onerror = () => {
      // Always followed by `close`, which does the work.
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // Calls handed over before the socket opened were never sent: they wait for the next connection.
      if (this.early.size > 0) {
        const again = [...this.early.values()];
        this.early.clear();
        for (const q of again) this.inFlight.delete(q.message.id);
        this.queue = [...again, ...this.queue];
      }
      const refused = UNAUTHORIZED_CLOSE_CODES.has(ev.code);
      this.failInFlight(
        refused
          ? new ApiError('unauthorized', 'Maestro refused the access token; open the link printed by `maestro serve` again')
          : new ApiError('internal', 'the connection to Maestro was lost'),
      );
      if (refused) {
        this.failAll(new ApiError('unauthorized', 'Maestro refused the access token'));
        this.setState('unauthorized', false);
        return;
      }
      this.scheduleReconnect();
    };
    if (socket.holdsEarly && this.queue.length > 0) {
      const queued = this.queue;
      this.queue = [];
      for (const q of queued) this.sendEarly(q.message, q.pending);
    }
  }

  /** A call handed to a socket that is still connecting (`holdsEarly`). */
  private sendEarly(message: Extract<ClientMessage, { t: 'call' }>, pending: Pending): void {
    this.early.set(message.id, { message, pending });
    this.send(message, pending);
    if (!this.inFlight.has(message.id)) this.early.delete(message.id); // it failed at once
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState(this.everOpened ? 'reconnecting' : 'connecting', false);
    const base = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** this.attempt);
    const delay = Math.round(base * (0.5 + this.opts.random() * 0.5));
    this.attempt++;
    this.retryTimer = this.opts.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private send(message: Extract<ClientMessage, { t: 'call' }>, pending: Pending): void {
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      pending.reject(new ApiError('bad-request', `the parameters of ${message.method} cannot be sent: ${String(error)}`));
      return;
    }
    this.inFlight.set(message.id, pending);
    try {
      this.socket!.send(text);
    } catch (error) {
      this.inFlight.delete(message.id);
      pending.reject(new ApiError('internal', `sending ${message.method} failed: ${String(error)}`));
    }
  }

  private handleMessage(raw: unknown): void {
    if (raw instanceof ArrayBuffer) {
      const frame = decodeTerminalFrame(raw);
      if (frame) this.terminalData(frame.sessionId, frame.bytes, frame.chars);
      else console.warn('maestro: ignoring a binary message that is not a terminal frame');
      return;
    }
    if (raw && typeof raw === 'object' && (raw as TerminalBatch).t === 'data') {
      const b = raw as TerminalBatch;
      this.terminalData(b.sessionId, b.bytes, b.chars);
      return;
    }
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(raw)) as ServerMessage;
    } catch {
      console.warn('maestro: ignoring a message that is not JSON');
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    switch (msg.t) {
      case 'result':
      case 'error': {
        const pending = this.inFlight.get(msg.id);
        if (!pending) return;
        this.inFlight.delete(msg.id);
        if (msg.t === 'result') pending.resolve(msg.result);
        else pending.reject(new ApiError(msg.error?.code ?? 'internal', msg.error?.message ?? 'unknown error'));
        return;
      }
      case 'event': {
        const set = this.listeners.get(msg.event);
        if (!set) return;
        for (const l of [...set]) {
          try {
            (l as (p: unknown) => void)(msg.payload);
          } catch (error) {
            console.error(`maestro: a listener of ${msg.event} threw`, error);
          }
        }
        return;
      }
      default:
        console.warn('maestro: ignoring an unknown message', (msg as { t?: unknown }).t);
    }
  }

  private terminalData(sessionId: string, data: Uint8Array, chars: number): void {
    for (const l of [...this.terminalListeners]) {
      try {
        l(sessionId, data, chars);
      } catch (error) {
        console.error('maestro: a terminal data listener threw', error);
      }
    }
  }

  private failInFlight(error: ApiError): void {
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const p of pending) p.reject(error);
  }

  private failAll(error: ApiError): void {
    this.failInFlight(error);
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) q.pending.reject(error);
  }

  private closedError(): ApiError {
    return this.info.state === 'unauthorized'
      ? new ApiError('unauthorized', 'Maestro refused the access token')
      : new ApiError('internal', 'the connection to Maestro is closed');
  }

  private setState(state: ConnectionState, reconnected: boolean): void {
    if (this.info.state === state && this.info.reconnected === reconnected) return;
    this.info = { state, reconnected };
    for (const l of [...this.connectionListeners]) {
      try {
        l(this.info);
      } catch (error) {
        console.error('maestro: a connection listener threw', error);
      }
    }
  }
}
