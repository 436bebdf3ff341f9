// One live PTY and its output pipeline: batching, flow control, an append-only log, an in-memory tail,
// graceful kill, and an exit that is reported only after every output byte was delivered and logged.
import fs from 'node:fs';
import path from 'node:path';
import { lastPlainLines } from './ansi';
import { Emitter, type Disposable } from './emitter';
import { startAtLine } from './log';
import { assertDimension, assertSignal, type PtyExit, type PtyProcess } from './pty';
import { batchWindowMs, readTunables, type TerminalProcessOptions, type Tunables } from './terminal-options';

export { batchWindowMs, type TerminalProcessOptions } from './terminal-options';

/**
 * Spawns on construction. Output is counted as it arrives, coalesced into batches (at most one per
 * batchMs, the first without delay after a quiet spell; early flush by size, when flow control pauses,
 * before a resize and before the exit), and each batch goes to the tail, the log and `onData`.
 * After the process exits the session waits for output to go quiet (the drain), flushes, closes the log,
 * then reports the exit once; output arriving after that is dropped. Counts are in UTF-16 chars.
 */
export class TerminalProcess {
  readonly pid: number;
  readonly logPath: string;

  private readonly settings: Tunables;
  private readonly pty: PtyProcess;
  private readonly subscriptions: Disposable[] = [];
  private readonly dataEmitter = new Emitter<string>();
  private readonly exitEmitter = new Emitter<PtyExit>();
  private log: fs.WriteStream | undefined;
  private logFailure: Error | undefined;

  // batching
  private pending: string[] = [];
  private pendingChars = 0;
  private batchTimer: NodeJS.Timeout | undefined;
  private batchImmediate: NodeJS.Immediate | undefined;
  private lastFlushAt = -Infinity;
  private lastBatchChars = 0;

  // flow control
  private flowControl: boolean;
  private unacked = 0;
  private ptyPaused = false;

  // tail
  private tailText = '';
  private totalChars = 0;

  // lifecycle
  private processExit: PtyExit | undefined;
  private processExitAt = 0;
  private lastDataAt = 0;
  private killTimer: NodeJS.Timeout | undefined;
  private finishing = false;
  private reportedExit: PtyExit | undefined;

  constructor(opts: TerminalProcessOptions) {
    if (!opts || typeof opts !== 'object') throw new TypeError('TerminalProcess: options are required');
    if (!opts.backend || typeof opts.backend.spawn !== 'function') throw new TypeError('TerminalProcess: backend is required');
    if (typeof opts.logPath !== 'string' || opts.logPath.length === 0) {
      throw new TypeError('TerminalProcess: logPath must be a non-empty string');
    }
    this.settings = readTunables(opts);
    this.flowControl = opts.flowControl ?? false;
    if (typeof this.flowControl !== 'boolean') throw new TypeError('TerminalProcess: flowControl must be a boolean');
    this.logPath = opts.logPath;

    fs.mkdirSync(path.dirname(opts.logPath), { recursive: true });
    // Open synchronously so a bad path fails here, not later in an 'error' event.
    const fd = fs.openSync(opts.logPath, 'a');
    this.log = fs.createWriteStream(opts.logPath, { fd });
    this.log.on('error', (err) => {
      this.logFailure ??= err;
      console.error(`[terminal] writing ${opts.logPath} failed:`, err);
    });

    try {
      this.pty = opts.backend.spawn(opts.file, opts.args, opts.spawn);
    } catch (err) {
      this.log.destroy();
      this.log = undefined;
      throw err;
    }
    this.pid = this.pty.pid;
    this.subscriptions.push(
      this.pty.onData((data) => this.handleData(data)),
      this.pty.onExit((e) => this.handleProcessExit(e)),
    );
  }

  /** Batched output, in order. */
  onData(cb: (batch: string) => void): Disposable {
    return this.dataEmitter.event(cb);
  }

  /**
   * Fires once, after the output drain, when every byte has been emitted through `onData` and written to
   * the log. Subscribing after that still gets the exit (on a microtask).
   */
  onExit(cb: (e: PtyExit) => void): Disposable {
    const exit = this.reportedExit;
    if (exit) {
      let live = true;
      queueMicrotask(() => {
        if (!live) return;
        try {
          cb(exit);
        } catch (err) {
          console.error('[terminal] event listener failed:', err);
        }
      });
      return { dispose: () => void (live = false) };
    }
    return this.exitEmitter.event(cb);
  }

  write(data: string): void {
    if (typeof data !== 'string') throw new TypeError('write: data must be a string');
    if (this.processExit) return;
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    assertDimension('cols', cols);
    assertDimension('rows', rows);
    if (this.processExit) return;
    // Output produced at the old size goes out before the size changes.
    this.flush();
    this.pty.resize(cols, rows);
  }

  /** Sends `signal` (default SIGTERM), then SIGKILL if the process is still alive after the grace period. */
  kill(signal = 'SIGTERM'): void {
    assertSignal(signal);
    if (this.processExit) return;
    this.pty.kill(signal);
    if (signal !== 'SIGKILL' && !this.killTimer) {
      this.killTimer = setTimeout(() => {
        this.killTimer = undefined;
        if (!this.processExit) this.pty.kill('SIGKILL');
      }, this.settings.killGraceMs);
    }
  }

  /** The consumer has parsed `chars` more chars of emitted output (e.g. from xterm's write callback). */
  acknowledge(chars: number): void {
    if (typeof chars !== 'number' || !Number.isFinite(chars) || chars < 0) {
      throw new RangeError(`acknowledge: chars must be a non-negative number, got ${String(chars)}`);
    }
    if (!this.flowControl) return;
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.ptyPaused && this.unacked < this.settings.lowWatermark) this.setPaused(false);
  }

  /**
   * Flow control applies while a consumer that acknowledges is attached. Without one (a hidden pane),
   * turn it off: the PTY resumes and output keeps flowing into the log and the tail, so the worker never
   * stalls. Turning it on starts counting from zero.
   */
  setFlowControl(enabled: boolean): void {
    if (typeof enabled !== 'boolean') throw new TypeError('setFlowControl: enabled must be a boolean');
    this.flowControl = enabled;
    this.unacked = 0;
    if (this.ptyPaused) this.setPaused(false);
  }

  /**
   * The most recent output, at most `tailBytes` chars: what a pane opened now replays. Once earlier output
   * was dropped, it starts at a line start (see `startAtLine`).
   */
  tail(): string {
    const text = this.rawTail();
    return this.totalChars > this.settings.tailBytes ? startAtLine(text) : text;
  }

  /** The last `n` non-empty lines of output as plain text (escape sequences stripped), for error reports. */
  lastLines(n: number): string[] {
    let text = this.rawTail();
    // Once the tail was cut, its first line is probably partial (maybe mid escape sequence): drop it.
    if (this.totalChars > this.settings.tailBytes) {
      const newline = text.indexOf('\n');
      if (newline >= 0) text = text.slice(newline + 1);
    }
    return lastPlainLines(text, n);
  }

  private rawTail(): string {
    const max = this.settings.tailBytes;
    let text = this.tailText.length > max ? this.tailText.slice(-max) : this.tailText;
    if (text.length > 0 && isLowSurrogate(text.charCodeAt(0))) text = text.slice(1);
    return text;
  }

  /** Total output chars received from the process. */
  get bytesWritten(): number {
    return this.totalChars;
  }

  /** True once the exit was reported (after the drain). */
  get exited(): boolean {
    return this.reportedExit !== undefined;
  }

  get exitInfo(): PtyExit | undefined {
    return this.reportedExit;
  }

  /** Emitted chars the consumer has not acknowledged yet (0 while flow control is off). */
  get unacknowledged(): number {
    return this.unacked;
  }

  /** Whether flow control is holding the PTY paused right now. */
  get paused(): boolean {
    return this.ptyPaused;
  }

  /** The first error writing the log file, if any (the session keeps running without its log). */
  get logError(): Error | undefined {
    return this.logFailure;
  }

  private handleData(data: string): void {
    if (this.finishing || data.length === 0) return;
    this.totalChars += data.length;
    this.lastDataAt = Date.now();
    this.pending.push(data);
    this.pendingChars += data.length;
    let pausing = false;
    if (this.flowControl && !this.processExit) {
      this.unacked += data.length;
      if (!this.ptyPaused && this.unacked > this.settings.highWatermark) {
        this.setPaused(true);
        pausing = true;
      }
    }
    // Nothing more will arrive while paused, and the consumer needs this batch to acknowledge: send it now.
    if (pausing || this.pendingChars >= this.settings.batchBytes) {
      this.flush();
      return;
    }
    if (this.batchTimer || this.batchImmediate) return;
    const sinceFlush = performance.now() - this.lastFlushAt;
    const windowMs = batchWindowMs(this.lastBatchChars, this.settings);
    // After a quiet spell, send once this turn of the event loop has delivered what it read.
    if (sinceFlush >= windowMs) this.batchImmediate = setImmediate(() => this.flush());
    else this.batchTimer = setTimeout(() => this.flush(), windowMs - sinceFlush);
  }

  private flush(): void {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
    }
    if (this.batchImmediate) {
      clearImmediate(this.batchImmediate);
      this.batchImmediate = undefined;
    }
    if (this.pendingChars === 0) return;
    this.lastFlushAt = performance.now();
    this.lastBatchChars = this.pendingChars;
    const batch = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.appendTail(batch);
    if (this.log && !this.logFailure) this.log.write(batch);
    this.dataEmitter.fire(batch);
  }

  private appendTail(text: string): void {
    const max = this.settings.tailBytes;
    if (text.length >= max) {
      // A batch longer than the tail replaces it: no concatenation of the whole batch to flatten later.
      this.tailText = text.slice(-max);
      return;
    }
    this.tailText += text;
    // Trim lazily so appends stay amortized O(1).
    if (this.tailText.length > 2 * max) {
      this.tailText = this.tailText.slice(-max);
    }
  }

  private setPaused(paused: boolean): void {
    this.ptyPaused = paused;
    if (paused) this.pty.pause();
    else this.pty.resume();
  }

  private handleProcessExit(e: PtyExit): void {
    if (this.processExit) return;
    this.processExit = { ...e };
    this.processExitAt = Date.now();
    if (this.killTimer) {
      clearTimeout(this.killTimer);
      this.killTimer = undefined;
    }
    // Nothing can be waiting for the consumer any more: let whatever is held back flow out.
    if (this.ptyPaused) this.setPaused(false);
    this.scheduleDrainCheck();
  }

  /** Reports the exit once output has been quiet for drainQuietMs, or drainMaxMs after the exit. */
  private scheduleDrainCheck(): void {
    const { drainQuietMs, drainMaxMs } = this.settings;
    const now = Date.now();
    const quietAt = Math.max(this.lastDataAt, this.processExitAt) + drainQuietMs;
    const deadline = this.processExitAt + drainMaxMs;
    const due = Math.min(quietAt, deadline);
    if (now >= due) {
      void this.finish();
      return;
    }
    setTimeout(() => this.scheduleDrainCheck(), due - now);
  }

  private async finish(): Promise<void> {
    this.flush();
    this.finishing = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.subscriptions.length = 0;
    await this.closeLog();
    this.reportedExit = this.processExit;
    const exit = this.reportedExit!;
    this.exitEmitter.fire(exit);
    this.exitEmitter.clear();
    this.dataEmitter.clear();
  }

  private closeLog(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    if (!log) return Promise.resolve();
    return new Promise((resolve) => {
      if (log.closed) {
        resolve();
        return;
      }
      log.once('close', () => resolve());
      if (log.destroyed) return;
      log.end();
    });
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
