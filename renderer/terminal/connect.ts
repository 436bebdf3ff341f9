// Opens the stream of one session into a terminal: first the replay, then live data.
//
// `session.attach` answers with the session's recent output and, from that same moment on, the
// engine streams every new batch to this client: the snapshot and the stream meet exactly (the engine
// takes the snapshot and registers the stream in one tick), so nothing is lost or shown twice. Chunks
// that arrive before the answer has been handled are buffered and written after the snapshot.
// `dispose()` detaches, so a hidden pane costs the worker nothing (its output still goes to the log).
import type { MaestroApi } from '../../preload/contract';
import { errorMessage } from '../api/errors';
import type { TerminalRouter } from './router';

/** The part of an xterm Terminal this needs (lets tests use a fake). */
export interface WritableTerminal {
  write(data: string | Uint8Array, callback?: () => void): void;
}

export interface TerminalConnection {
  /** Resolves once the replay has been written (or failed) and live data flows. */
  readonly ready: Promise<void>;
  dispose(): void;
}

/** At most this many chars handed to xterm and not parsed yet; later batches wait (xterm's guide: ≤ ~500 KB). */
export const MAX_QUEUED_CHARS = 512 * 1024;

/**
 * Largest piece handed to xterm in one `write`. xterm parses each write whole and checks its ~12 ms
 * budget per frame only between writes: a 256 KiB batch in one write would hold the page's main thread
 * for 15–30 ms, and a keystroke's echo in another pane would wait behind it.
 */
export const MAX_WRITE_PIECE = 64 * 1024;

/**
 * Splits a batch into pieces of at most MAX_WRITE_PIECE (views, not copies, for bytes). A piece may end
 * inside a UTF-8 sequence or between the halves of a surrogate pair: xterm's decoders carry the partial
 * character over to the next write.
 */
export function splitForParse(data: string | Uint8Array): (string | Uint8Array)[] {
  if (data.length <= MAX_WRITE_PIECE) return [data];
  const pieces: (string | Uint8Array)[] = [];
  for (let at = 0; at < data.length; at += MAX_WRITE_PIECE) {
    const end = Math.min(data.length, at + MAX_WRITE_PIECE);
    pieces.push(typeof data === 'string' ? data.slice(at, end) : data.subarray(at, end));
  }
  return pieces;
}

/**
 * Written after replayed output: what is above it was restored, not streamed live to this page. A pane
 * mounted again (another selection, a layout change) for a session this page already followed live
 * replays the same output without it: nothing was restored there.
 */
export const RESTORED_BANNER = '\r\n\x1b[2m── history restored ──\x1b[0m\r\n';

export function connectTerminal(opts: {
  api: MaestroApi;
  router: TerminalRouter;
  sessionId: string;
  term: WritableTerminal;
}): TerminalConnection {
  const { api, router, sessionId, term } = opts;
  let disposed = false;
  let live = false;
  let buffered: { data: string | Uint8Array; chars: number }[] = [];
  /** Chars handed to xterm whose parse callback has not fired yet. */
  let inFlight = 0;

  /** Live batches waiting for xterm to parse what it holds (it stays responsive below ~500 KB queued). */
  let waiting: { data: string | Uint8Array; chars: number }[] = [];
  let waitingChars = 0;

  // One acknowledgement per batch, from the parse callback of its last piece.
  const write = (data: string | Uint8Array, chars: number) => {
    inFlight += chars;
    const pieces = splitForParse(data);
    for (let i = 0; i < pieces.length - 1; i++) term.write(pieces[i]!);
    term.write(pieces[pieces.length - 1]!, () => {
      if (disposed) return;
      inFlight -= chars;
      router.ack(sessionId, chars);
      while (waiting.length > 0 && inFlight < MAX_QUEUED_CHARS) {
        const next = waiting.shift()!;
        waitingChars -= next.chars;
        write(next.data, next.chars);
      }
    });
  };
  const writeLive = (data: string | Uint8Array, chars: number) => {
    if (inFlight < MAX_QUEUED_CHARS && waiting.length === 0) {
      write(data, chars);
    } else {
      waiting.push({ data, chars });
      waitingChars += chars;
    }
  };

  const detach = router.attach(sessionId, (data, chars) => {
    if (live) writeLive(data, chars);
    else buffered.push({ data, chars });
  });

  const goLive = () => {
    if (disposed) return;
    const chunks = buffered;
    buffered = [];
    for (const chunk of chunks) writeLive(chunk.data, chunk.chars);
    live = true;
  };

  const ready = api.call('session.attach', { sessionId }).then(
    (replay) => {
      if (disposed) return;
      if (replay.data) term.write(replay.data);
      if (replay.restored && !router.wasShownLive(sessionId)) term.write(RESTORED_BANNER);
      if (replay.live) router.markShownLive(sessionId);
      goLive();
    },
    (error: unknown) => {
      if (disposed) return;
      term.write(`\x1b[31m[could not load the earlier output: ${errorMessage(error)}]\x1b[0m\r\n`);
      goLive();
    },
  );

  return {
    ready,
    dispose() {
      if (disposed) return;
      disposed = true;
      detach();
      void api.call('session.detach', { sessionId }).catch(() => {});
      // Whatever was received but will never be parsed still counts as consumed for flow control.
      const pending = inFlight + waitingChars + buffered.reduce((n, c) => n + c.chars, 0);
      buffered = [];
      waiting = [];
      waitingChars = 0;
      inFlight = 0;
      router.ack(sessionId, pending);
    },
  };
}
