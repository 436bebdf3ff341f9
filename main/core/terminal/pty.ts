// The abstract PTY the engine talks to (Tabby-style: a backend spawns processes, a process streams text),
// and its node-pty implementation. node-pty is loaded on first spawn, so importing this module is cheap.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Socket } from 'node:net';
import type * as NodePty from 'node-pty';
import { Emitter, type Disposable } from './emitter';
import { guardedSpawn } from './fd-guard';

export type { Disposable } from './emitter';

export interface PtyExit {
  exitCode: number;
  /** The signal number that ended the process, if a signal did. */
  signal?: number;
}

export interface PtySpawnOptions {
  /** Must exist. */
  cwd: string;
  /** The complete environment of the process; entries whose value is undefined are left out. */
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** The terminal name, exported as TERM. Default 'xterm-256color'. */
  name?: string;
}

export interface PtyProcess {
  readonly pid: number;
  onData(cb: (data: string) => void): Disposable;
  /** Fires once, after the last `onData` of the process. */
  onExit(cb: (e: PtyExit) => void): Disposable;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stops reading output; the child blocks once the kernel buffer is full. */
  pause(): void;
  resume(): void;
  /** Signals the process (default SIGHUP, what a closing terminal sends). Unknown signal names throw. */
  kill(signal?: string): void;
}

export interface PtyBackend {
  spawn(file: string, args: string[], opts: PtySpawnOptions): PtyProcess;
}

export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;
export const DEFAULT_TERM_NAME = 'xterm-256color';

/** Throws a RangeError unless `value` is a positive integer (a terminal dimension). */
export function assertDimension(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new RangeError(`${name} must be an integer between 1 and 10000, got ${String(value)}`);
  }
}

/** Throws unless `signal` names a signal this platform knows (e.g. 'SIGTERM'). */
export function assertSignal(signal: string): void {
  if (typeof signal !== 'string' || !(signal in os.constants.signals)) {
    throw new Error(`unknown signal: ${String(signal)}`);
  }
}

let nodePtyModule: typeof NodePty | undefined;
function loadNodePty(): typeof NodePty {
  // createRequire keeps node-pty (a native addon) out of bundles and out of the import graph until needed.
  nodePtyModule ??= createRequire(import.meta.url)('node-pty') as typeof NodePty;
  return nodePtyModule;
}

export class NodePtyBackend implements PtyBackend {
  spawn(file: string, args: string[], opts: PtySpawnOptions): PtyProcess {
    validateSpawn(file, args, opts);
    const name = opts.name ?? DEFAULT_TERM_NAME;
    // PWD and TERM as node-pty sets them, so the guard hands the program the same environment node-pty would.
    const env = { ...definedEntries(opts.env), PWD: opts.cwd, TERM: name };
    // The child must not inherit other sessions' PTY masters (node-pty 1.1 leaks them): see fd-guard.ts.
    const target = guardedSpawn(file, args, env);
    const term = loadNodePty().spawn(target.file, target.args, {
      name,
      cols: opts.cols ?? DEFAULT_COLS,
      rows: opts.rows ?? DEFAULT_ROWS,
      cwd: opts.cwd,
      env: target.env,
      // Raw bytes: one decoder of ours sees every byte, including the ones drained at exit (see below).
      encoding: null,
    });
    return new NodePtyProcess(term);
  }
}

/**
 * A node-pty terminal spawned elsewhere (with `encoding: null`), with the same exact-tail delivery as
 * the backend's: for tests that must spawn without the fd guard and still see every byte.
 */
export function withExactTail(term: NodePty.IPty): PtyProcess {
  return new NodePtyProcess(term);
}

function validateSpawn(file: string, args: string[], opts: PtySpawnOptions): void {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('spawn: file must be a non-empty string');
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new TypeError('spawn: args must be an array of strings');
  }
  if (!opts || typeof opts !== 'object') throw new TypeError('spawn: options are required');
  if (typeof opts.cwd !== 'string' || opts.cwd.length === 0) throw new TypeError('spawn: cwd must be a non-empty string');
  let isDir = false;
  try {
    isDir = fs.statSync(opts.cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new Error(`spawn: working directory does not exist: ${opts.cwd}`);
  if (!opts.env || typeof opts.env !== 'object') throw new TypeError('spawn: env must be an object');
  for (const [key, value] of Object.entries(opts.env)) {
    if (typeof value !== 'string' && value !== undefined) throw new TypeError(`spawn: env.${key} must be a string`);
  }
  if (opts.cols !== undefined) assertDimension('cols', opts.cols);
  if (opts.rows !== undefined) assertDimension('rows', opts.rows);
  if (opts.name !== undefined && (typeof opts.name !== 'string' || opts.name.length === 0)) {
    throw new TypeError('spawn: name must be a non-empty string');
  }
}

/** A copy of `env` without undefined values (an undefined entry means "unset"). */
function definedEntries(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** Upper bound for the synchronous drain when the slave side may still be open and producing output. */
const MAX_DRAIN_BYTES = 4 * 1024 * 1024;

class NodePtyProcess implements PtyProcess {
  readonly pid: number;
  private readonly decoder = new StringDecoder('utf8');
  private readonly dataEmitter = new Emitter<string>();
  private readonly exitEmitter = new Emitter<PtyExit>();
  private exited = false;

  constructor(private readonly term: NodePty.IPty) {
    this.pid = term.pid;
    // With `encoding: null` node-pty hands out Buffers although its typings say string.
    term.onData((chunk: string | Buffer) => this.handleBytes(chunk));
    term.onExit(({ exitCode, signal }) => {
      this.exited = true;
      const rest = this.decoder.end();
      if (rest) this.dataEmitter.fire(rest);
      this.exitEmitter.fire(signal ? { exitCode, signal } : { exitCode });
      this.dataEmitter.clear();
      this.exitEmitter.clear();
    });
    installExitDrain(term, (bytes) => this.handleBytes(bytes));
  }

  private handleBytes(chunk: string | Buffer): void {
    if (this.exited) return;
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text) this.dataEmitter.fire(text);
  }

  onData(cb: (data: string) => void): Disposable {
    return this.dataEmitter.event(cb);
  }

  onExit(cb: (e: PtyExit) => void): Disposable {
    return this.exitEmitter.event(cb);
  }

  write(data: string): void {
    if (typeof data !== 'string') throw new TypeError('write: data must be a string');
    if (this.exited || data.length === 0) return;
    this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    assertDimension('cols', cols);
    assertDimension('rows', rows);
    if (this.exited) return;
    this.term.resize(cols, rows);
  }

  pause(): void {
    if (!this.exited) this.term.pause();
  }

  resume(): void {
    if (!this.exited) this.term.resume();
  }

  kill(signal = 'SIGHUP'): void {
    assertSignal(signal);
    if (this.exited) return;
    this.term.kill(signal);
  }
}

/**
 * Makes node-pty 1.1 deliver every output byte on Linux/macOS before it reports the exit.
 *
 * node-pty reads the pty master through a `tty.ReadStream`, and that loses the tail in two ways:
 *  1. libuv treats POLLHUP after a short read as end-of-stream. A pty master returns at most ~4 KB per
 *     read, so when the child closes its side with more than that still queued in the kernel, the stream
 *     ends early; node-pty then closes the fd and the rest is gone (seen in most fast exits under load).
 *  2. When the child exits but the stream has not closed within 200 ms (a paused stream never reads to the
 *     end), node-pty destroys the stream; what it had buffered and what the kernel still holds is dropped.
 * Both happen while the fd is still open: on the stream's 'end' and inside `destroy()`. There we first
 * hand out what the paused stream buffered (`read()` emits it as 'data'), then read the fd synchronously
 * until the kernel reports EIO (the child side is closed and empty) or EAGAIN (still open: nothing more
 * right now). node-pty's exit follows the stream's 'close', so the exit is still reported last.
 * If node-pty's internals ever change shape, this quietly does nothing and node-pty's behaviour remains.
 */
function installExitDrain(term: NodePty.IPty, deliver: (bytes: Buffer) => void): void {
  if (process.platform === 'win32') return;
  const internals = term as unknown as { _socket?: Socket; fd?: unknown };
  const socket = internals._socket;
  const fd = internals.fd;
  if (!socket || typeof socket.destroy !== 'function' || typeof socket.read !== 'function' || typeof fd !== 'number') {
    return;
  }
  let drained = false;
  const drain = (): void => {
    if (drained) return;
    drained = true;
    while (socket.readableLength > 0 && socket.read() !== null) {
      // each read() emits its chunk as 'data', which node-pty forwards to onData
    }
    const buffer = Buffer.allocUnsafe(64 * 1024);
    let total = 0;
    while (total < MAX_DRAIN_BYTES) {
      let n: number;
      try {
        n = fs.readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        break; // EIO: drained and closed; EAGAIN: nothing more for now; EBADF: already closed
      }
      if (n <= 0) break;
      total += n;
      deliver(Buffer.from(buffer.subarray(0, n)));
    }
  };
  socket.once('end', drain);
  const destroy = socket.destroy;
  socket.destroy = function (this: Socket, ...args: Parameters<Socket['destroy']>) {
    drain();
    return destroy.apply(this, args);
  } as Socket['destroy'];
}
