// Terminal bytes never enter the store: a session's output goes straight to the sink (an xterm
// instance) registered for that session — `session.data` events (Electron IPC), or byte batches when the
// API delivers binary frames (browser mode: WsApi.onTerminalData, from the WebSocket Worker). Flow control: the engine pauses a PTY when too many chars are
// unacknowledged, so every char received must eventually be acknowledged with `session.ack` —
// by the pane once xterm has parsed it, or here at once when no pane shows the session (the engine
// keeps the log; a pane opened later replays it).
import type { MaestroApi } from '../../preload/contract';
import type { Acknowledger, TerminalSource } from '../api/ws-client';

/** Receives a session's output: text, or UTF-8 bytes; `chars` is what to acknowledge once parsed. */
export type TerminalSink = (data: string | Uint8Array, chars: number) => void;

function isTerminalSource(api: unknown): api is TerminalSource {
  return typeof (api as Partial<TerminalSource>).onTerminalData === 'function';
}

function isAcknowledger(api: unknown): api is Acknowledger {
  return typeof (api as Partial<Acknowledger>).ack === 'function';
}

/** Chars acknowledged per `session.ack` call. Must stay ≤ the engine's low watermark. */
export const ACK_BATCH_CHARS = 5000;

export class TerminalRouter {
  private readonly sinks = new Map<string, TerminalSink>();
  private readonly unacked = new Map<string, number>();
  /** Sessions whose live output a pane of this page has shown (see connect.ts: no "history restored" again). */
  private readonly shownLive = new Set<string>();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeBytes: (() => void) | null = null;

  constructor(
    private readonly api: MaestroApi,
    private readonly ackBatch = ACK_BATCH_CHARS,
  ) {
    if (!(ackBatch > 0)) throw new Error('TerminalRouter: ackBatch must be a positive number');
  }

  /** Starts routing `session.data` events. Returns a function that stops it. */
  start(): () => void {
    this.unsubscribe ??= this.api.on('session.data', ({ sessionId, data }) => {
      if (typeof data === 'string') this.route(sessionId, data, data.length);
    });
    if (isTerminalSource(this.api)) this.unsubscribeBytes ??= this.api.onTerminalData((sessionId, data, chars) => this.route(sessionId, data, chars));
    return () => this.stop();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribeBytes?.();
    this.unsubscribeBytes = null;
  }

  /**
   * Sends a session's data to `sink` until the returned function is called. One sink per session:
   * a new one replaces the previous.
   */
  attach(sessionId: string, sink: TerminalSink): () => void {
    this.sinks.set(sessionId, sink);
    return () => {
      if (this.sinks.get(sessionId) === sink) this.sinks.delete(sessionId);
    };
  }

  hasSink(sessionId: string): boolean {
    return this.sinks.has(sessionId);
  }

  /** A pane of this page showed the session's live output: what a later replay holds was seen here. */
  markShownLive(sessionId: string): void {
    this.shownLive.add(sessionId);
  }

  wasShownLive(sessionId: string): boolean {
    return this.shownLive.has(sessionId);
  }

  /** Records `chars` as consumed; sends `session.ack` once a batch is full. */
  ack(sessionId: string, chars: number): void {
    if (!(chars > 0)) return;
    const total = (this.unacked.get(sessionId) ?? 0) + chars;
    if (total < this.ackBatch) {
      this.unacked.set(sessionId, total);
      return;
    }
    this.unacked.delete(sessionId);
    if (isAcknowledger(this.api)) {
      this.api.ack(sessionId, total);
      return;
    }
    this.api.call('session.ack', { sessionId, chars: total }).catch(() => {
      // The session may be gone (exited, deleted); nothing to pause any more.
    });
  }

  /** Forgets the partial batch of a session (it ended). */
  forget(sessionId: string): void {
    this.unacked.delete(sessionId);
  }

  private route(sessionId: string, data: string | Uint8Array, chars: number): void {
    if (data.length === 0) return;
    const sink = this.sinks.get(sessionId);
    if (!sink) {
      this.ack(sessionId, chars);
      return;
    }
    try {
      sink(data, chars);
    } catch (error) {
      console.error('maestro: a terminal sink threw', error);
      this.ack(sessionId, chars);
    }
  }
}
