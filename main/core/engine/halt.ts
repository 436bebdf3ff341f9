// Writes that fail (a read-only folder, a full disk). Memory must not claim what the disk does not
// hold: the request whose write failed is read back from disk (live sessions stay linked), the engine
// starts no new work, and a probe every 2 s lifts the halt once the data dir takes writes again —
// then the exits of sessions that ended meanwhile are recorded and the work carries on.
import { assertWritable, DataDirError } from '../data-dir';
import type { DataStore } from '../store';
import type { Core } from './core';
import { recoverInterrupted } from './runs';
import { readRequest, type RequestDocument, type RootState } from './state';

/** Runs work that no caller waits for (timers, exits): a failed write is handled by the halt, not thrown into Node. */
export function guard(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof DataDirError)) throw err;
  }
}

export class WriteHalt {
  /** Why writes fail, or null. */
  reason: string | null = null;
  private probeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly core: Core,
    private readonly store: DataStore,
    private readonly dataDir: string,
  ) {}

  /** A journal write of `state` failed with `err` (the caller throws it on). */
  writeFailed(state: RootState, err: unknown): void {
    this.readBack(state.doc.rootId);
    if (this.reason) return;
    this.reason = (err as Error).message;
    this.core.notice('error', `${this.reason}. Maestro starts no new work until it can write again; what was reported before is saved.`);
    this.core.publish('engine.halted', { message: this.reason });
    this.probeTimer = setInterval(() => this.probe(), 2_000);
    this.probeTimer.unref();
  }

  stop(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  private readBack(rootId: string): void {
    const doc = this.store.readRoot(rootId);
    if (!doc) return; // the snapshot itself is unreadable now: the next start deals with it
    try {
      const fresh = readRequest(this.store, doc as RequestDocument);
      for (const info of this.core.sessions.list(rootId)) {
        fresh.sessions.set(info.id, info);
        fresh.doc.sessions[info.id] = info;
      }
      fresh.settled = false;
      this.core.requests.add(fresh);
      this.core.journal.resync(fresh, this.core.sessions.activeTaskIds(rootId));
    } catch {
      // unreadable: the next start moves it aside
    }
  }

  private probe(): void {
    try {
      assertWritable(this.dataDir);
    } catch {
      return;
    }
    this.stop();
    this.reason = null;
    for (const state of this.core.requests.all()) {
      guard(() => {
        const why = (s: { id: string }) => `session ${s.id} ended while the data dir could not be written`;
        if (recoverInterrupted(this.core, state, () => undefined, why)) this.core.activeRoots.add(state.doc.rootId);
      });
    }
    if (this.reason) return; // failed again
    this.core.notice('info', 'the data dir takes writes again: carrying on');
    this.core.publish('engine.resumed', {});
    this.core.scheduleSoon();
  }
}
