// TerminalProcess's options: their meaning, defaults and checks, and the batching rule they feed.
import type { PtyBackend, PtySpawnOptions } from './pty';

export interface TerminalProcessOptions {
  backend: PtyBackend;
  file: string;
  args: string[];
  spawn: PtySpawnOptions;
  /** Append-only log of all output (utf8); the file and its folder are created if missing. */
  logPath: string;
  /**
   * At most one batch per this many ms (size flushes aside): output that follows a quiet spell goes out
   * in the same turn of the event loop (a keystroke's echo), output that follows a batch waits for the
   * rest of the window. Default 5 ms.
   */
  batchMs?: number;
  /**
   * While output streams (the last batch held at least `streamChars`), at most one batch per this many
   * ms instead: fewer, larger batches for the same bytes (one log write, one frame, one message per
   * batch downstream). Output after a quiet spell still goes out at once. Default 16 ms (a frame).
   */
  streamBatchMs?: number;
  /** A batch this large means the output streams (see streamBatchMs). Default 16 KiB. */
  streamChars?: number;
  /** A batch is emitted early once it holds this many chars. Default 256 KiB. */
  batchBytes?: number;
  /**
   * Pause the PTY when this many emitted chars are unacknowledged. Default 256 KiB: a few batches in
   * flight cover the round trip to the renderer; xterm.js stays responsive below ~500 KB queued.
   */
  highWatermark?: number;
  /**
   * Resume it when the unacknowledged count falls below this. Default 128 KiB: the PTY refills while
   * the renderer still parses, so the pipe never drains. Must stay above the consumer's ack batch.
   */
  lowWatermark?: number;
  /** Chars of recent output kept in memory for `tail()` and `lastLines()`. Default 16 KiB. */
  tailBytes?: number;
  /** After the process exits, wait until no output arrived for this long ... Default 150 ms. */
  drainQuietMs?: number;
  /** ... but at most this long before reporting the exit. Default 5000 ms. */
  drainMaxMs?: number;
  /** How long `kill()` waits after the first signal before it sends SIGKILL. Default 3000 ms. */
  killGraceMs?: number;
  /**
   * Whether flow control starts enabled (see `setFlowControl`). Default false: a session starts with no
   * consumer attached, and a worker must never stall because nobody is watching its pane.
   */
  flowControl?: boolean;
}

const DEFAULTS = {
  batchMs: 5,
  streamBatchMs: 16,
  streamChars: 16 * 1024,
  batchBytes: 256 * 1024,
  highWatermark: 256 * 1024,
  lowWatermark: 128 * 1024,
  tailBytes: 16 * 1024,
  drainQuietMs: 150,
  drainMaxMs: 5_000,
  killGraceMs: 3_000,
} as const;

export type Tunables = { -readonly [K in keyof typeof DEFAULTS]: number };

/** The batch window after a batch of `lastBatchChars`: longer while output streams, short otherwise. */
export function batchWindowMs(lastBatchChars: number, t: Pick<Tunables, 'batchMs' | 'streamBatchMs' | 'streamChars'>): number {
  return lastBatchChars >= t.streamChars ? Math.max(t.batchMs, t.streamBatchMs) : t.batchMs;
}

export function readTunables(opts: TerminalProcessOptions): Tunables {
  const out = { ...DEFAULTS } as Tunables;
  for (const key of Object.keys(DEFAULTS) as (keyof Tunables)[]) {
    const value = opts[key];
    if (value === undefined) continue;
    const min = key === 'drainQuietMs' || key === 'drainMaxMs' || key === 'killGraceMs' || key === 'batchMs' || key === 'streamBatchMs' ? 0 : 1;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new RangeError(`TerminalProcess: ${key} must be a number >= ${min}, got ${String(value)}`);
    }
    out[key] = value;
  }
  if (out.lowWatermark >= out.highWatermark) {
    throw new RangeError(
      `TerminalProcess: lowWatermark (${out.lowWatermark}) must be below highWatermark (${out.highWatermark})`,
    );
  }
  return out;
}
