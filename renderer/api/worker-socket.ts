// The page's end of the WebSocket Worker (terminal-worker.ts): a SocketLike for WsApi whose socket lives
// in a dedicated Worker, and the choice between that and a WebSocket on the main thread.
import type { FromWorker, ToWorker } from './worker-core';
import type { SocketLike } from './ws-client';

/** The subset of a DOM Worker used here (lets tests pass a fake). */
export interface WorkerLike {
  postMessage(message: ToWorker | string): void;
  terminate(): void;
  onmessage: ((ev: { data: FromWorker | string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/**
 * A WebSocket held by a Worker. Text frames arrive as strings, a session's output as TerminalBatch
 * objects (`{t: 'data', …}`), both through `onmessage`. `onBroken` is called when the Worker itself
 * fails before the socket opened (its script cannot load or run): the caller then stops using Workers.
 */
export class WorkerSocket implements SocketLike {
  readyState = CONNECTING;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;

  constructor(
    private readonly worker: WorkerLike,
    url: string,
    private readonly onBroken: () => void = () => {},
  ) {
    worker.onmessage = (ev) => this.fromWorker(ev.data);
    worker.onerror = () => {
      if (this.readyState === CLOSED) return;
      if (this.readyState === CONNECTING) this.onBroken();
      this.ended(1006, 'the WebSocket worker failed');
    };
    worker.postMessage({ t: 'open', url });
  }

  /** Frames sent while connecting are held by the Worker and sent once the socket opens. */
  readonly holdsEarly = true;

  send(data: string): void {
    if (this.readyState === CLOSED) throw new Error('the WebSocket is closed');
    this.worker.postMessage(data);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.worker.postMessage({ t: 'close', code, reason });
    // Give the Worker a moment to close the socket cleanly; it goes either way.
    setTimeout(() => this.worker.terminate(), 1000);
  }

  private fromWorker(m: FromWorker | string): void {
    if (this.readyState === CLOSED) return;
    if (typeof m === 'string' || m.t === 'data') {
      this.onmessage?.({ data: m });
    } else if (m.t === 'open') {
      this.readyState = OPEN;
      this.onopen?.({});
    } else if (m.t === 'close') {
      this.ended(m.code, m.reason);
    }
  }

  private ended(code: number, reason: string): void {
    this.readyState = CLOSED;
    this.worker.onmessage = this.worker.onerror = null;
    this.worker.terminate();
    this.onclose?.({ code, reason });
  }
}

export interface SocketFactoryOptions {
  /** Starts the WebSocket Worker for `url`; absent, or null / throwing when Workers are unavailable. */
  createWorker?: (url: string) => WorkerLike | null;
  /** A WebSocket on the main thread (the fallback). */
  createWebSocket(url: string): SocketLike;
  /** Told once which transport serves each new connection. */
  onTransport?: (kind: 'worker' | 'main-thread') => void;
}

/**
 * The `createSocket` for WsApi: a WebSocket in a Worker while Workers work, else one on the main thread
 * (no Worker constructor, a Worker that cannot be created, or one that failed before its socket opened).
 */
export function socketFactory(o: SocketFactoryOptions): (url: string) => SocketLike {
  let workersWork = typeof o.createWorker === 'function';
  return (url) => {
    if (workersWork) {
      let worker: WorkerLike | null = null;
      try {
        worker = o.createWorker!(url);
      } catch {
        worker = null;
      }
      if (worker) {
        o.onTransport?.('worker');
        return new WorkerSocket(worker, url, () => (workersWork = false));
      }
      workersWork = false;
    }
    o.onTransport?.('main-thread');
    return o.createWebSocket(url);
  };
}
