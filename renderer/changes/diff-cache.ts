// Diffs (`task.diff`) live here, not in the app store: a small LRU cache keyed by task id, filled when a
// Changes view opens and refreshed on demand. The file list uses `stat: true`; the diff view loads the
// full patch.
import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { DiffResult, MaestroApi } from '../../preload/contract';
import { errorMessage } from '../api/errors';

export type DiffEntry =
  | { status: 'loading'; data: DiffResult | null; at?: number }
  | { status: 'ready'; data: DiffResult; at: number }
  | { status: 'error'; data: DiffResult | null; error: string; at?: number };

export interface DiffCacheOptions {
  /** At most this many entries (a stat and a full diff of one task are two). */
  maxEntries?: number;
  /** At most about this many characters of patch text in all. */
  maxChars?: number;
  now?: () => number;
}

const keyOf = (id: string, full: boolean) => `${full ? 'full' : 'stat'}:${id}`;
const sizeOf = (e: DiffEntry) => (e.data?.patch?.length ?? 0) + (e.data?.files.length ?? 0) * 64;

export class DiffCache {
  private readonly entries = new Map<string, DiffEntry>();
  private readonly listeners = new Set<() => void>();
  /** The newest request per key: an older answer that arrives late is dropped. */
  private readonly requests = new Map<string, number>();
  private seq = 0;
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private readonly now: () => number;

  constructor(opts: DiffCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 12;
    this.maxChars = opts.maxChars ?? 16_000_000;
    this.now = opts.now ?? (() => Date.now());
  }

  get(id: string, full: boolean): DiffEntry | undefined {
    return this.entries.get(keyOf(id, full));
  }

  get size(): number {
    return this.entries.size;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Loads a task's diff unless it is there or on its way (`force`: load it again, keeping what is shown meanwhile). */
  async load(api: MaestroApi, id: string, { full = false, force = false }: { full?: boolean; force?: boolean } = {}): Promise<void> {
    const key = keyOf(id, full);
    const current = this.entries.get(key);
    if (current && !force && current.status !== 'error') return;
    const request = ++this.seq;
    this.requests.set(key, request);
    this.put(key, { status: 'loading', data: current?.data ?? null, at: current?.at });
    try {
      const data = await api.call('task.diff', { id, stat: !full });
      if (this.requests.get(key) !== request) return;
      const at = this.now();
      this.put(key, { status: 'ready', data, at });
      // A full diff also answers the file list.
      if (full) {
        const statKey = keyOf(id, false);
        const { patch: _patch, ...stat } = data;
        this.requests.delete(statKey);
        this.put(statKey, { status: 'ready', data: stat, at }, key);
      }
    } catch (error) {
      if (this.requests.get(key) !== request) return;
      this.put(key, { status: 'error', data: current?.data ?? null, error: errorMessage(error), at: current?.at });
    } finally {
      if (this.requests.get(key) === request) this.requests.delete(key);
    }
  }

  /** Loads again what is cached of a task (its file list, and its full diff if it was loaded). */
  async refresh(api: MaestroApi, id: string): Promise<void> {
    const full = this.entries.has(keyOf(id, true));
    await Promise.all([this.load(api, id, { full: false, force: true }), full ? this.load(api, id, { full: true, force: true }) : null]);
  }

  /** Drops the entries of these tasks (e.g. a request's, after it was discarded). */
  forget(ids: Iterable<string>): void {
    let changed = false;
    for (const id of ids) {
      for (const full of [false, true]) {
        const key = keyOf(id, full);
        this.requests.delete(key);
        changed = this.entries.delete(key) || changed;
      }
    }
    if (changed) this.notify();
  }

  /** Stores an entry, then drops the least recently stored ones over the limits (never `key` nor `keep`). */
  private put(key: string, entry: DiffEntry, keep?: string): void {
    this.entries.delete(key); // re-inserted: the newest in the LRU order
    this.entries.set(key, entry);
    let chars = 0;
    for (const e of this.entries.values()) chars += sizeOf(e);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && chars <= this.maxChars) break;
      if (k === key || k === keep) continue;
      this.entries.delete(k);
      this.requests.delete(k);
      chars -= sizeOf(e);
    }
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

export const DiffCacheContext = createContext<DiffCache>(new DiffCache());

export function useDiffCache(): DiffCache {
  return useContext(DiffCacheContext);
}

/** A task's diff from the cache, loaded when the view first asks for it. */
export function useDiff(api: MaestroApi, id: string | null, full: boolean): DiffEntry | undefined {
  const cache = useDiffCache();
  const read = () => (id ? cache.get(id, full) : undefined);
  const entry = useSyncExternalStore(cache.subscribe, read, read);
  const missing = id !== null && entry === undefined;
  useEffect(() => {
    if (id && missing) void cache.load(api, id, { full });
  }, [api, cache, id, full, missing]);
  return entry;
}
