// Test-only helpers for the terminal tests: a recording PTY backend that wraps a real one.
import { NodePtyBackend, type PtyBackend, type PtyExit, type PtyProcess, type PtySpawnOptions } from './pty';
import type { Disposable } from './emitter';

export interface PtyCall {
  method: 'pause' | 'resume' | 'kill' | 'resize' | 'write';
  arg?: string;
}

/**
 * Wraps the real node-pty backend, recording the calls made on each process and the raw chunks it
 * delivered. With `splitChars`, every real chunk is re-delivered synchronously as pieces of at most that
 * many chars, which is how a session sees a storm of tiny chunks.
 */
export class RecordingBackend implements PtyBackend {
  readonly processes: RecordedProcess[] = [];
  constructor(
    private readonly inner: PtyBackend = new NodePtyBackend(),
    private readonly splitChars = 0,
  ) {}

  spawn(file: string, args: string[], opts: PtySpawnOptions): PtyProcess {
    const recorded = new RecordedProcess(this.inner.spawn(file, args, opts), this.splitChars);
    this.processes.push(recorded);
    return recorded;
  }

  get last(): RecordedProcess {
    const p = this.processes.at(-1);
    if (!p) throw new Error('nothing spawned');
    return p;
  }
}

export class RecordedProcess implements PtyProcess {
  readonly calls: PtyCall[] = [];
  /** Chunks as the real PTY delivered them (before any splitting). */
  readonly realChunks: string[] = [];
  /** Chunks as delivered to the session (after splitting). */
  deliveredChunks = 0;

  constructor(
    private readonly inner: PtyProcess,
    private readonly splitChars: number,
  ) {
    inner.onData((chunk) => this.realChunks.push(chunk));
  }

  get pid(): number {
    return this.inner.pid;
  }

  count(method: PtyCall['method']): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  onData(cb: (data: string) => void): Disposable {
    return this.inner.onData((chunk) => {
      if (this.splitChars <= 0) {
        this.deliveredChunks++;
        cb(chunk);
        return;
      }
      for (let i = 0; i < chunk.length; i += this.splitChars) {
        this.deliveredChunks++;
        cb(chunk.slice(i, i + this.splitChars));
      }
    });
  }

  onExit(cb: (e: PtyExit) => void): Disposable {
    return this.inner.onExit(cb);
  }

  write(data: string): void {
    this.calls.push({ method: 'write', arg: data });
    this.inner.write(data);
  }

  resize(cols: number, rows: number): void {
    this.calls.push({ method: 'resize', arg: `${cols}x${rows}` });
    this.inner.resize(cols, rows);
  }

  pause(): void {
    this.calls.push({ method: 'pause' });
    this.inner.pause();
  }

  resume(): void {
    this.calls.push({ method: 'resume' });
    this.inner.resume();
  }

  kill(signal?: string): void {
    this.calls.push({ method: 'kill', arg: signal });
    this.inner.kill(signal);
  }
}

/** The environment for test shells: enough to find the usual tools, nothing from the host session. */
export function testEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: process.env.HOME ?? '/tmp' };
}

/** `sh -c script` with positional arguments $1… */
export function shArgs(script: string, ...positional: string[]): string[] {
  return ['-c', script, 'sh', ...positional];
}
