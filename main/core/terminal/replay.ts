// A headless mirror of a terminal screen, serialized for replay after a reload or restart.
import * as headlessModule from '@xterm/headless';
import * as serializeModule from '@xterm/addon-serialize';

// Both packages ship CommonJS bundles. Under Node's ESM loader (vitest, tsx) they appear as a `default`
// export only; in an esbuild bundle the namespace carries the named exports as well. Accept either.
type HeadlessModule = typeof import('@xterm/headless');
type SerializeModule = typeof import('@xterm/addon-serialize');
const { Terminal } = (headlessModule as unknown as { default?: HeadlessModule }).default ?? headlessModule;
const { SerializeAddon } = (serializeModule as unknown as { default?: SerializeModule }).default ?? serializeModule;

/** A dim separator written between restored history and new output. */
export const HISTORY_RESTORED_MARKER = '\r\n\x1b[2m── history restored ──\x1b[0m\r\n';

export interface ScreenMirrorOptions {
  cols: number;
  rows: number;
  /** Lines kept above the screen; bounds the mirror's memory (~1–1.5 KB per 80-column line). */
  scrollback: number;
}

export class ScreenMirror {
  private readonly terminal: InstanceType<typeof Terminal>;
  private readonly serializer: InstanceType<typeof SerializeAddon>;
  private disposed = false;
  private readonly waiting = new Set<() => void>();

  constructor(opts: ScreenMirrorOptions) {
    if (!opts || typeof opts !== 'object') throw new TypeError('ScreenMirror: options are required');
    checkInteger('cols', opts.cols, 1);
    checkInteger('rows', opts.rows, 1);
    checkInteger('scrollback', opts.scrollback, 0);
    this.terminal = new Terminal({
      cols: opts.cols,
      rows: opts.rows,
      scrollback: opts.scrollback,
      allowProposedApi: true,
    });
    this.serializer = new SerializeAddon();
    this.terminal.loadAddon(this.serializer);
  }

  /** Feeds output to the mirror (parsed asynchronously, in order). */
  write(data: string): void {
    if (typeof data !== 'string') throw new TypeError('ScreenMirror.write: data must be a string');
    if (this.disposed || data.length === 0) return;
    this.terminal.write(data);
  }

  resize(cols: number, rows: number): void {
    checkInteger('cols', cols, 1);
    checkInteger('rows', rows, 1);
    if (this.disposed) return;
    this.terminal.resize(cols, rows);
  }

  /** Waits until everything written so far is parsed, then returns the screen and scrollback as escape sequences. */
  async serialize(): Promise<string> {
    if (this.disposed) throw new Error('ScreenMirror: serialize() after dispose()');
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.waiting.delete(done);
        resolve();
      };
      this.waiting.add(done);
      this.terminal.write('', done);
    });
    if (this.disposed) throw new Error('ScreenMirror: disposed while serializing');
    return this.serializer.serialize();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.terminal.dispose();
    // A disposed terminal never runs pending write callbacks: release the waiting serialize() calls.
    for (const done of [...this.waiting]) done();
  }
}

function checkInteger(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`ScreenMirror: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}
