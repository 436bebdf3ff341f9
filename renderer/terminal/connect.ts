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
  write(data: string, callback?: () => void): void;
}

export interface TerminalConnection {
  /** Resolves once the replay has been written (or failed) and live data flows. */
  readonly ready: Promise<void>;
  dispose(): void;
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
  let buffered: string[] = [];
  /** Chars handed to xterm whose parse callback has not fired yet. */
  let inFlight = 0;

  const writeLive = (data: string) => {
    inFlight += data.length;
    term.write(data, () => {
      if (disposed) return;
      inFlight -= data.length;
      router.ack(sessionId, data.length);
    });
  };

  const detach = router.attach(sessionId, (data) => {
    if (live) writeLive(data);
    else buffered.push(data);
  });

  const goLive = () => {
    if (disposed) return;
    const chunks = buffered;
    buffered = [];
    for (const chunk of chunks) writeLive(chunk);
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
      const pending = inFlight + buffered.reduce((n, c) => n + c.length, 0);
      buffered = [];
      inFlight = 0;
      router.ack(sessionId, pending);
    },
  };
}
