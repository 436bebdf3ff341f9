// A minimal listener list with VS Code-style `Disposable` subscriptions, shared by the terminal primitives.

export interface Disposable {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  /** Subscribes `cb`; the same function may be subscribed more than once only through separate wrappers. */
  event(cb: (value: T) => void): Disposable {
    if (typeof cb !== 'function') throw new TypeError('listener must be a function');
    const wrapper = (value: T): void => cb(value);
    this.listeners.add(wrapper);
    return { dispose: () => void this.listeners.delete(wrapper) };
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /**
   * Calls every listener. A throwing listener does not starve the others or break the caller's pipeline;
   * its error is logged.
   */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        console.error('[terminal] event listener failed:', err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
