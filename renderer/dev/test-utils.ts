// Test doubles for the renderer's tests: a manual frame scheduler, manual timers and a fake API.
import type { CommandName, CommandParams, CommandResults, EngineEvents, EventName, MaestroApi } from '../../preload/contract';
import type { ConnectionAware, ConnectionInfo, Timers } from '../api/ws-client';
import type { FrameScheduler } from '../store/coalesce';

/** A frame scheduler driven by the test: `frame()` runs what was requested. */
export function manualScheduler() {
  let next = 1;
  const queued = new Map<number, () => void>();
  const scheduler: FrameScheduler = {
    request(cb) {
      const h = next++;
      queued.set(h, cb);
      return h;
    },
    cancel(h) {
      queued.delete(h as number);
    },
  };
  return {
    scheduler,
    get requested() {
      return queued.size;
    },
    frame() {
      const cbs = [...queued.values()];
      queued.clear();
      for (const cb of cbs) cb();
    },
  };
}

/** Timers that fire only when the test advances the clock. */
export function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      const h = next++;
      pending.set(h, { at: now + ms, fn });
      return h;
    },
    clearTimeout(h) {
      pending.delete(h as number);
    },
  };
  return {
    timers,
    get pending() {
      return [...pending.values()].map((p) => p.at - now);
    },
    advance(ms: number) {
      now += ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, p]) => p.at <= now).sort((a, b) => a[1].at - b[1].at);
        if (due.length === 0) return;
        const [h, p] = due[0];
        pending.delete(h);
        p.fn();
      }
    },
  };
}

type Handler<K extends CommandName> = (params: CommandParams<K>) => CommandResults[K] | Promise<CommandResults[K]>;

/** An in-memory MaestroApi: answers with the handlers given, records calls, emits events on demand. */
export class FakeApi implements MaestroApi, ConnectionAware {
  readonly calls: { method: CommandName; params: unknown }[] = [];
  private readonly listeners = new Map<EventName, Set<(p: never) => void>>();
  private readonly connListeners = new Set<(info: ConnectionInfo) => void>();
  connection: ConnectionInfo = { state: 'open', reconnected: false };

  constructor(private readonly handlers: { [K in CommandName]?: Handler<K> } = {}) {}

  handle<K extends CommandName>(method: K, handler: Handler<K>): void {
    (this.handlers as Record<string, unknown>)[method] = handler;
  }

  async call<K extends CommandName>(method: K, params: CommandParams<K>): Promise<CommandResults[K]> {
    this.calls.push({ method, params });
    const h = this.handlers[method] as Handler<K> | undefined;
    if (!h) throw new Error(`FakeApi: no handler for ${method}`);
    return h(params);
  }

  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  emit<E extends EventName>(event: E, payload: EngineEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: EngineEvents[E]) => void)(payload);
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  onConnection(listener: (info: ConnectionInfo) => void): () => void {
    this.connListeners.add(listener);
    return () => this.connListeners.delete(listener);
  }

  setConnection(info: ConnectionInfo): void {
    this.connection = info;
    for (const l of this.connListeners) l(info);
  }

  callsOf(method: CommandName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }
}

/** A promise with its resolve/reject exposed. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0));
