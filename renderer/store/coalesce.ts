// Buffers items and hands them over once per animation frame, so a burst of engine events costs one
// store update (and one React render) per frame. The scheduler is injected for tests.

export interface FrameScheduler {
  request(callback: () => void): unknown;
  cancel(handle: unknown): void;
}

/** requestAnimationFrame when there is a page; a 16 ms timer otherwise (node, hidden tabs still flush). */
export const animationFrameScheduler: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? {
        request: (cb) => requestAnimationFrame(() => cb()),
        cancel: (h) => cancelAnimationFrame(h as number),
      }
    : {
        request: (cb) => setTimeout(cb, 16),
        cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      };

/**
 * Browsers stop animation frames in hidden tabs; past this many buffered items the batch is applied
 * at once so the buffer cannot grow without bound.
 */
export const MAX_BUFFERED = 1000;

export class Coalescer<T> {
  private buffer: T[] = [];
  private handle: unknown = null;
  private disposed = false;

  constructor(
    private readonly apply: (batch: T[]) => void,
    private readonly scheduler: FrameScheduler = animationFrameScheduler,
    private readonly maxBuffered = MAX_BUFFERED,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  push(item: T): void {
    if (this.disposed) return;
    this.buffer.push(item);
    if (this.buffer.length >= this.maxBuffered) {
      this.flush();
      return;
    }
    if (this.handle === null) this.handle = this.scheduler.request(() => this.run());
  }

  /** Applies what is buffered now (e.g. before a snapshot replaces the state the events refer to). */
  flush(): void {
    if (this.handle !== null) {
      this.scheduler.cancel(this.handle);
      this.handle = null;
    }
    this.drain();
  }

  dispose(): void {
    if (this.handle !== null) this.scheduler.cancel(this.handle);
    this.handle = null;
    this.buffer = [];
    this.disposed = true;
  }

  private run(): void {
    this.handle = null;
    this.drain();
  }

  private drain(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.apply(batch);
  }
}
