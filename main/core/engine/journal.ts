// The journal: the only path from a change to disk to an event.
//
// A change to a request records timeline events (`event`, `setStatus`) and ends in `commit`, which in
// one append writes the events and a commit record (the tasks and sessions the change touched), makes
// them durable, then announces them (tasks.changed, timeline.event, roots.changed). Events without a
// change of state (a progress log) are written by `flush`. Sequence numbers are the request's, strictly
// increasing, and continue after the highest one on disk after a crash (state.ts `readRequest`).
//
// The snapshot of a request (roots/<id>.json) is only a shortcut for loading: it is rewritten in
// batches, so a report's durable cost does not grow with the size of the tree. Writing it blocks the
// engine for as long as it takes to serialize the whole request (~100 ms at 10,000 tasks), so it waits
// for a pause: SNAPSHOT_QUIET_MS without a commit — or at the latest SNAPSHOT_MAX_DELAY_MS after the
// first unsaved commit or every SNAPSHOT_EVERY commits, so a steady stream of reports cannot put it off
// for ever — and on close. Loading reads the whole journal anyway (it is the timeline), so applying a
// few thousand commit records after the snapshot costs little.
import type { EngineEvents } from '../../../preload/contract';
import type { Task, TaskStatus, TimelineEvent, TimelineEventType } from '../../../preload/model';
import type { CommitRecord, DataStore } from '../store';
import { recompute, recomputeChanged, type RootState } from './state';
import { gitView, listRoots, taskView } from './views';

export interface JournalHost {
  emit<E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]): void;
  /** Task ids with a live session (a parent being worked on counts as IN_PROGRESS). */
  activeTaskIds(rootId: string): ReadonlySet<string>;
  allStates(): Iterable<RootState>;
  /**
   * A journal write failed: the engine puts the request back as the disk holds it and stops starting
   * work. The error is thrown on to the caller after this.
   */
  writeFailed(state: RootState, err: unknown): void;
}

export interface EventExtra {
  sessionId?: string;
  exitCode?: number;
  status?: TaskStatus;
  data?: Record<string, unknown>;
}

const SNAPSHOT_QUIET_MS = 1_000;
const SNAPSHOT_MAX_DELAY_MS = 30_000;
const SNAPSHOT_EVERY = 2_000;

export class Journal {
  private readonly pending = new Map<string, TimelineEvent[]>();
  private readonly dueSnapshots = new Map<string, number>();
  private snapshotTimer: NodeJS.Timeout | null = null;
  /** When the oldest unsaved commit was made (0: every snapshot is written). */
  private unsavedSince = 0;

  constructor(
    private readonly store: DataStore,
    private readonly host: JournalHost,
  ) {}

  /** Records a timeline event (written by the next commit or flush of the request). */
  event(state: RootState, taskId: string, type: TimelineEventType, message: string, extra: EventExtra = {}): TimelineEvent {
    const ev: TimelineEvent = { seq: ++state.doc.seq, at: Date.now(), taskId, type, message };
    if (extra.status) ev.status = extra.status;
    if (extra.sessionId) ev.sessionId = extra.sessionId;
    if (extra.exitCode !== undefined) ev.exitCode = extra.exitCode;
    if (extra.data) ev.data = extra.data;
    state.timeline.push(ev);
    let list = this.pending.get(state.doc.rootId);
    if (!list) this.pending.set(state.doc.rootId, (list = []));
    list.push(ev);
    return ev;
  }

  /** Sets a task's own status and records it. */
  setStatus(state: RootState, task: Task, status: TaskStatus, text: string | undefined, extra: EventExtra = {}): void {
    const now = Date.now();
    task.status = status;
    task.updatedAt = now;
    if (status === 'IN_PROGRESS') task.startedAt ??= now;
    if (status === 'COMPLETED') task.completedAt = now;
    if (status !== 'PENDING' && status !== 'IN_PROGRESS') task.result = text;
    this.event(state, task.id, 'status', text ? `${status}: ${text}` : status, { ...extra, status });
  }

  /** Writes the request's pending events (no change of state) and announces them. */
  flush(state: RootState): void {
    const events = this.takePending(state);
    this.write(state, events);
    for (const event of events) this.host.emit('timeline.event', { rootId: state.doc.rootId, event });
  }

  /** Recomputes, makes the change durable (before returning) and announces it. */
  commit(state: RootState, changedIds: Iterable<string>): void {
    const rootId = state.doc.rootId;
    const before = state.agg.get(rootId);
    const ids = new Set(changedIds);
    // Only the changed tasks and their ancestors are aggregated again (and their kept views dropped).
    const moved = recomputeChanged(state, ids, this.host.activeTaskIds(rootId));
    const now = Date.now();
    const changed: Task[] = [];
    const removed: string[] = [];
    for (const id of ids) {
      const t = state.tasks.get(id);
      if (!t) {
        if (!state.doc.tasks[id]) removed.push(id);
        continue;
      }
      t.updatedAt = now;
      changed.push(t);
    }
    const record: CommitRecord = {
      commit: ++state.doc.seq,
      tasks: changed,
      meta: { planSummary: state.doc.planSummary, awaitingApproval: state.doc.awaitingApproval, control: state.doc.control ?? null, archived: !!state.doc.archived },
    };
    if (removed.length) record.removed = removed;
    // The git record is small but not free: it rides along only when it changed.
    const gitChanged = state.gitDirty;
    if (state.gitDirty && record.meta) {
      record.meta.git = state.doc.git;
      record.meta.integration = state.doc.integration;
      state.gitDirty = false;
    }
    if (state.dirtySessions.size) {
      record.sessions = [...state.dirtySessions].map((id) => state.sessions.get(id)!).filter(Boolean);
      state.dirtySessions.clear();
    }
    const events = this.takePending(state);
    this.write(state, [...events, record]);
    this.snapshotLater(state);

    // The tasks whose view moved: the changed ones, those whose live session started or ended, and
    // their ancestors (their status and progress moved with them). After a whole recomputation (a task
    // was removed): the changed tasks and their ancestors, as the clients hold every other one already.
    let shown = moved.ids;
    if (moved.whole) {
      shown = new Set<string>();
      for (const t of changed) {
        let cur: Task | undefined = t;
        while (cur && !shown.has(cur.id)) {
          shown.add(cur.id);
          cur = cur.parentId ? state.tasks.get(cur.parentId) : undefined;
        }
      }
    }
    const payload: EngineEvents['tasks.changed'] = { rootId, tasks: [...shown].map((id) => taskView(state, state.tasks.get(id)!)) };
    // Clients see a merge, a conflict or an apply as it happens, not only in the next snapshot.
    const git = gitChanged ? gitView(state, this.host.activeTaskIds(rootId)) : undefined;
    if (git) payload.git = git;
    this.host.emit('tasks.changed', payload);
    for (const event of events) this.host.emit('timeline.event', { rootId, event });
    const after = state.agg.get(rootId)!;
    if (!before || before.status !== after.status || before.done !== after.done || before.total !== after.total) {
      this.host.emit('roots.changed', { roots: listRoots(this.host.allStates()) });
    }
  }

  /** Announces a request as it was read back from disk (after a failed write), all its tasks. */
  resync(state: RootState, active: ReadonlySet<string>): void {
    this.pending.delete(state.doc.rootId);
    recompute(state, active);
    this.host.emit('tasks.changed', { rootId: state.doc.rootId, tasks: [...state.tasks.values()].map((t) => taskView(state, t)) });
    this.host.emit('roots.changed', { roots: listRoots(this.host.allStates()) });
  }

  /** Writes the snapshot of a request now (a new request, recovery, close). */
  snapshot(state: RootState): void {
    this.dueSnapshots.delete(state.doc.rootId);
    this.store.saveRoot(state.doc);
  }

  /** Writes every snapshot that is due. */
  snapshotAll(): void {
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = null;
    this.unsavedSince = 0;
    for (const state of this.host.allStates()) if (this.dueSnapshots.has(state.doc.rootId)) this.snapshot(state);
  }

  private snapshotLater(state: RootState): void {
    const n = (this.dueSnapshots.get(state.doc.rootId) ?? 0) + 1;
    this.dueSnapshots.set(state.doc.rootId, n);
    if (n >= SNAPSHOT_EVERY) {
      this.snapshot(state);
      return;
    }
    // Each commit puts the write off until the commits pause, but never past the latest moment.
    const now = Date.now();
    if (this.unsavedSince === 0) this.unsavedSince = now;
    const delay = Math.max(0, Math.min(SNAPSHOT_QUIET_MS, this.unsavedSince + SNAPSHOT_MAX_DELAY_MS - now));
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = null;
      try {
        this.snapshotAll();
      } catch (err) {
        // The journal holds every change; a failed snapshot only makes the next load replay more.
        this.host.emit('notice', { level: 'warning', message: `could not write a snapshot: ${(err as Error).message}` });
      }
    }, delay);
    this.snapshotTimer.unref();
  }

  private write(state: RootState, lines: Array<TimelineEvent | CommitRecord>): void {
    try {
      this.store.appendJournal(state.doc.rootId, lines);
    } catch (err) {
      this.host.writeFailed(state, err);
      throw err;
    }
  }

  private takePending(state: RootState): TimelineEvent[] {
    const events = this.pending.get(state.doc.rootId) ?? [];
    this.pending.delete(state.doc.rootId);
    return events;
  }
}
