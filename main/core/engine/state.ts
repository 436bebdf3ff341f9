// Request state: the in-memory form of each request (its tree, sessions and timeline), the index of
// tasks to requests, and how a request is read back from disk: the last snapshot, then the journal's
// commits after it (see journal.ts). Loading here changes nothing on disk; recovery is the engine's.
import { ApiError } from '../../../preload/wire';
import type { RequestControl, SessionInfo, Task, TaskStatus, TaskView, TimelineEvent } from '../../../preload/model';
import { TASK_STATUSES } from '../../../preload/model';
import { aggregateNode, aggregateTree, childAggregates, isWithin, leavesOf, type Aggregate } from '../../../preload/tree';
import { newTaskId } from '../ids';
import type { GitRequestRecord } from '../git';
import type { RootDocument } from '../root-document';
import type { CommitRecord, DataStore } from '../store';

/** The engine's side of a request's git integration (integration.ts), beside the git layer's record. */
export interface IntegrationRecord {
  /** Per group plan id: the leaf Maestro added for a merge conflict ("Resolve the merge conflict in …"). */
  resolveLeaf: Record<string, string>;
  /** The result was merged into the user's branch (`apply`). */
  applied?: boolean;
  /** The request's branches and worktrees were deleted (`discard`): no more git work. */
  discarded?: boolean;
}

export interface RequestDocument extends RootDocument {
  planSummary?: string;
  awaitingApproval?: boolean;
  /** A person paused or cancelled the request (the scheduler starts nothing for it). */
  control?: RequestControl;
  /** Kept out of the default history list. */
  archived?: boolean;
  /** Worktree isolation: the request's branches and worktrees (main/core/git), persisted by the engine. */
  git?: GitRequestRecord;
  integration?: IntegrationRecord;
  /** In-place work in a workspace: why, and that workers share the directory. */
  isolationWarning?: string;
}

export interface RootState {
  doc: RequestDocument;
  tasks: Map<string, Task>;
  sessions: Map<string, SessionInfo>;
  timeline: TimelineEvent[];
  /**
   * Aggregated status, progress and usage of every task: computed whole when the request is loaded,
   * then on each commit only for what the commit can move (recomputeChanged). An entry is replaced,
   * never changed in place.
   */
  agg: Map<string, Aggregate>;
  /** The live-session task ids `agg` was computed with. */
  aggActive?: ReadonlySet<string>;
  /**
   * Views (TaskView) already built, by task id: dropped whenever the task or anything below it changes
   * (views.ts `invalidateViews`). Shared by every reader: never to be changed in place.
   */
  views?: Map<string, TaskView>;
  /** Nothing is running and nothing can start (the engine announced it). */
  settled: boolean;
  /** Sessions whose record changed since the last commit record. */
  dirtySessions: Set<string>;
  /** The git record changed since the last commit record (it goes into the record's `meta`). */
  gitDirty?: boolean;
}

export const UNFINISHED: ReadonlySet<TaskStatus> = new Set(['PENDING', 'IN_PROGRESS']);

/** All requests in memory and the task → request index. */
export class Requests {
  private readonly roots = new Map<string, RootState>();
  private readonly taskRoot = new Map<string, string>();

  add(state: RootState): void {
    this.roots.set(state.doc.rootId, state);
    for (const id of state.tasks.keys()) this.taskRoot.set(id, state.doc.rootId);
  }

  /** Forgets a request (deleted) and its tasks. */
  remove(rootId: string): void {
    const state = this.roots.get(rootId);
    if (!state) return;
    for (const id of state.tasks.keys()) this.taskRoot.delete(id);
    this.roots.delete(rootId);
  }

  /** Indexes a task added to a request. */
  index(taskId: string, rootId: string): void {
    this.taskRoot.set(taskId, rootId);
  }

  all(): RootState[] {
    return [...this.roots.values()];
  }

  maybe(rootId: string): RootState | undefined {
    return this.roots.get(rootId);
  }

  /** A session's record in whichever request holds it (ended sessions included). */
  sessionRecord(sessionId: string): SessionInfo | undefined {
    for (const state of this.roots.values()) {
      const s = state.sessions.get(sessionId);
      if (s) return s;
    }
    return undefined;
  }

  get(rootId: string): RootState {
    const state = this.roots.get(rootId);
    if (!state) throw new ApiError('not-found', `no request with id "${rootId}"`);
    return state;
  }

  /** The request of a task id, if any. */
  rootOf(taskId: string): string | undefined {
    return this.taskRoot.get(taskId);
  }

  /** A task by id, or by plan id (`s2`, `g1`) within `rootId`. */
  find(idOrPlanId: string, rootId?: string): { state: RootState; task: Task } | undefined {
    const owner = this.taskRoot.get(idOrPlanId);
    const indexed = owner ? this.roots.get(owner) : undefined;
    const task = indexed?.tasks.get(idOrPlanId);
    if (indexed && task) return { state: indexed, task };
    const state = rootId ? this.roots.get(rootId) : undefined;
    if (!state) return undefined;
    for (const task of state.tasks.values()) if (task.planId === idOrPlanId) return { state, task };
    return undefined;
  }

  /** Like find, but a clear not-found error. */
  locate(idOrPlanId: string, rootId?: string): { state: RootState; task: Task } {
    const hit = this.find(idOrPlanId, rootId);
    if (!hit) throw new ApiError('not-found', `no task "${idOrPlanId}"${rootId ? ` in request ${rootId}` : ''}`);
    return hit;
  }
}

/** Recomputes the aggregates of a whole request; `active` holds the task ids with a live session. */
export function recompute(state: RootState, active: ReadonlySet<string>): void {
  state.agg = aggregateTree(state.tasks, state.doc.rootId, active);
  state.aggActive = new Set(active);
  state.views?.clear();
}

/**
 * Recomputes the aggregates a change can move: those of the changed tasks, of tasks whose live session
 * started or ended, and of their ancestors, bottom up — the rest of the tree is not looked at. A removed
 * task (or no previous computation) means the whole request is computed again. Returns the ids whose
 * aggregate was recomputed (every task whose view may have changed), and whether that was all of them.
 */
export function recomputeChanged(state: RootState, changedIds: Iterable<string>, active: ReadonlySet<string>): { ids: Set<string>; whole: boolean } {
  const prev = state.aggActive;
  const starts = new Set(changedIds);
  let whole = prev === undefined;
  if (prev) {
    for (const id of active) if (!prev.has(id)) starts.add(id);
    for (const id of prev) if (!active.has(id)) starts.add(id);
  }
  for (const id of starts) if (!state.tasks.has(id)) whole = true;
  if (whole) {
    recompute(state, active);
    return { ids: new Set(state.tasks.keys()), whole: true };
  }
  // Each start and its ancestors, with their depth; then deepest first, so children come before parents.
  const depth = new Map<string, number>();
  for (const id of starts) {
    const chain: string[] = [];
    let cur: Task | undefined = state.tasks.get(id);
    let base = -1;
    while (cur) {
      const known = depth.get(cur.id);
      if (known !== undefined) {
        base = known;
        break;
      }
      chain.push(cur.id);
      cur = cur.parentId ? state.tasks.get(cur.parentId) : undefined;
    }
    for (let i = chain.length - 1, d = base + 1; i >= 0; i--, d++) depth.set(chain[i]!, d);
  }
  const order = [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)!);
  for (const id of order) {
    const task = state.tasks.get(id)!;
    state.agg.set(id, aggregateNode(task, childAggregates(task, state.agg), active));
  }
  state.aggActive = new Set(active);
  if (state.views) for (const id of order) state.views.delete(id);
  return { ids: new Set(order), whole: false };
}

export function newState(doc: RequestDocument, timeline: TimelineEvent[]): RootState {
  return {
    doc,
    tasks: new Map(Object.entries(doc.tasks)),
    sessions: new Map(Object.entries(doc.sessions)),
    timeline,
    agg: new Map(),
    settled: true,
    dirtySessions: new Set(),
  };
}

/**
 * A request as it stands on disk: the snapshot with every later commit of the journal applied. The
 * sequence number continues after the highest one written anywhere (a crash between a journal write
 * and the next snapshot never lets a number be used twice).
 */
export function readRequest(store: DataStore, doc: RequestDocument): RootState {
  const { events, commits, lastSeq } = store.readJournal(doc.rootId);
  for (const c of commits) if (c.commit > doc.seq) applyCommit(doc, c);
  doc.seq = Math.max(doc.seq, lastSeq);
  const state = newState(doc, events);
  checkInvariants(state);
  recompute(state, new Set());
  return state;
}

function applyCommit(doc: RequestDocument, c: CommitRecord): void {
  for (const t of c.tasks ?? []) doc.tasks[t.id] = t;
  for (const s of c.sessions ?? []) doc.sessions[s.id] = s;
  for (const id of c.removed ?? []) delete doc.tasks[id];
  if (c.meta) {
    if ('control' in c.meta) doc.control = c.meta.control === 'paused' || c.meta.control === 'cancelled' ? c.meta.control : undefined;
    if ('archived' in c.meta) doc.archived = c.meta.archived;
    if ('planSummary' in c.meta) doc.planSummary = c.meta.planSummary;
    if ('awaitingApproval' in c.meta) doc.awaitingApproval = c.meta.awaitingApproval;
    if (c.meta.git !== undefined) doc.git = c.meta.git as GitRequestRecord;
    if (c.meta.integration !== undefined) doc.integration = c.meta.integration as IntegrationRecord;
  }
}

/** Thrown for a request document whose content contradicts itself; the store moves such a file aside. */
export class InvalidRequestError extends Error {}

/**
 * The invariants every loaded request must hold: the root exists and is a root; task ids are the map's
 * keys and unique; every parent and child agree; the tree has no cycle and reaches every task;
 * statuses are known. A document that breaks one would hang or crash every reader.
 */
export function checkInvariants(state: RootState): void {
  const { rootId } = state.doc;
  const fail = (why: string) => {
    throw new InvalidRequestError(`request ${rootId}: ${why}`);
  };
  const root = state.tasks.get(rootId);
  if (!root) fail(`its root task ${rootId} is missing`);
  if (root!.parentId !== null) fail('the root task has a parent');
  const known = new Set<string>(TASK_STATUSES);
  for (const [key, t] of state.tasks) {
    if (!t || typeof t !== 'object') fail(`task ${key} is not an object`);
    if (t.id !== key) fail(`task ${key} carries the id ${String(t.id)}`);
    if (!known.has(t.status)) fail(`task ${key} has the unknown status ${JSON.stringify(t.status)}`);
    if (!Array.isArray(t.subtasks) || !Array.isArray(t.dependsOn)) fail(`task ${key} lacks its subtasks or dependsOn list`);
    if (t.id !== rootId) {
      const parent = t.parentId ? state.tasks.get(t.parentId) : undefined;
      if (!parent) fail(`task ${key} has a missing parent ${String(t.parentId)}`);
      if (!parent!.subtasks.includes(t.id)) fail(`task ${key} is not among its parent's subtasks`);
    }
    for (const c of t.subtasks) {
      const child = state.tasks.get(c);
      if (!child) fail(`task ${key} lists a missing subtask ${c}`);
      if (child!.parentId !== key) fail(`task ${key} lists ${c}, whose parent is ${String(child!.parentId)}`);
    }
    for (const d of t.dependsOn) if (!state.tasks.has(d)) fail(`task ${key} depends on a missing task ${d}`);
  }
  // Every task is reached exactly once from the root: no cycle, no orphan.
  const seen = new Set<string>();
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) fail(`task ${id} is reached twice (a cycle in subtasks)`);
    seen.add(id);
    stack.push(...state.tasks.get(id)!.subtasks);
  }
  if (seen.size !== state.tasks.size) fail(`${state.tasks.size - seen.size} task(s) are not below the root`);
  for (const [key, s] of state.sessions) {
    if (!s || s.id !== key || !state.tasks.has(s.taskId)) fail(`session ${key} is malformed or names a missing task`);
  }
}

/** A new PENDING task with the given fields (a fresh id unless one is given). */
export function makeTask(init: Pick<Task, 'rootId' | 'parentId' | 'kind' | 'title'> & Partial<Task>, now: number): Task {
  return { id: newTaskId(), description: '', status: 'PENDING', dependsOn: [], subtasks: [], createdAt: now, updatedAt: now, ...init };
}

export function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim())?.trim() ?? s.trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

export function label(t: Task): string {
  return t.planId ? `${t.planId} (${t.id})` : t.id;
}

/** The plan group a task belongs to. */
export function groupOf(state: RootState, task: Task): Task {
  let cur: Task | undefined = task;
  while (cur && cur.kind !== 'group') cur = cur.parentId ? state.tasks.get(cur.parentId) : undefined;
  if (!cur) throw new ApiError('bad-request', `${label(task)} is not part of a plan group`);
  return cur;
}

/** The leaves a session answers for: everything below its group (including subtasks added while it ran). */
export function sessionLeaves(state: RootState, s: SessionInfo): Task[] {
  return leavesOf(state.tasks, s.taskId).filter((l) => l.id !== s.rootId);
}

export function addTask(requests: Requests, state: RootState, task: Task): void {
  state.tasks.set(task.id, task);
  state.doc.tasks[task.id] = task;
  requests.index(task.id, state.doc.rootId);
  const parent = task.parentId ? state.tasks.get(task.parentId) : undefined;
  if (parent && !parent.subtasks.includes(task.id)) parent.subtasks.push(task.id);
}

/** Removes a task and everything below it (a plan that never ran); returns the removed ids. */
export function removeTask(state: RootState, taskId: string): string[] {
  const task = state.tasks.get(taskId);
  if (!task) return [];
  const out: string[] = [];
  for (const c of [...task.subtasks]) out.push(...removeTask(state, c));
  const parent = task.parentId ? state.tasks.get(task.parentId) : undefined;
  if (parent) parent.subtasks = parent.subtasks.filter((c) => c !== taskId);
  state.tasks.delete(taskId);
  delete state.doc.tasks[taskId];
  out.push(taskId);
  return out;
}

export function nextPlanId(state: RootState): string {
  let max = 0;
  for (const t of state.tasks.values()) {
    const m = /^s(\d+)$/.exec(t.planId ?? '');
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `s${max + 1}`;
}

export { isWithin, leavesOf };
