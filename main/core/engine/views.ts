// Read views of a request, as the API, the CLI and the UI see them. Pure functions of the request state:
// a task's `status` is its real status — for a parent, the one aggregated from its subtasks.
import type { TaskDetail } from '../../../preload/contract';
import type { RequestGitView, RootSummary, SessionInfo, Task, TaskView, TimelineEvent, TreeSnapshot } from '../../../preload/model';
import { isWithin } from '../../../preload/tree';
import { compactTaskView } from '../../../preload/view-wire';
import type { RootState } from './state';

const NO_IDS: readonly string[] = [];

/** Session ids by the task ids each session answers for; rebuilt when a session is added (they never leave). */
const sessionIndexes = new WeakMap<RootState, { size: number; byTask: Map<string, string[]> }>();

function sessionIndex(state: RootState): Map<string, string[]> {
  const known = sessionIndexes.get(state);
  if (known && known.size === state.sessions.size) return known.byTask;
  const byTask = new Map<string, string[]>();
  for (const s of state.sessions.values()) {
    for (const id of new Set(s.taskIds)) {
      const list = byTask.get(id);
      if (list) list.push(s.id);
      else byTask.set(id, [s.id]);
    }
  }
  sessionIndexes.set(state, { size: state.sessions.size, byTask });
  return byTask;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The view of a task. Views are kept (state.views) until the task or anything below it changes (the
 * journal drops them on commit) or its sessions change: the same object is handed to every reader, who
 * must not change it.
 */
export function taskView(state: RootState, task: Task, sessions: Map<string, string[]> = sessionIndex(state)): TaskView {
  const sessionIds = sessions.get(task.id) ?? NO_IDS;
  const cached = state.views?.get(task.id);
  if (cached && sameIds(cached.sessionIds, sessionIds)) return cached;
  const agg = state.agg.get(task.id);
  const view: TaskView = {
    ...task,
    status: agg?.status ?? task.status,
    subtasks: [...task.subtasks],
    dependsOn: [...task.dependsOn],
    progress: { done: agg?.done ?? 0, total: agg?.total ?? 0 },
    totalUsage: agg ? { ...agg.usage } : { inputTokens: 0, outputTokens: 0 },
    sessionIds: [...sessionIds],
  };
  (state.views ??= new Map()).set(task.id, view);
  return view;
}

/**
 * The tasks a tree view shows first: the root, then depth first in the order of each task's subtasks
 * (the rows from the top, everything expanded), at most `limit` of them.
 */
function firstTasks(state: RootState, limit: number): Task[] {
  const out: Task[] = [];
  const seen = new Set<string>();
  const stack = [state.doc.rootId];
  while (stack.length > 0 && out.length < limit) {
    const id = stack.pop()!;
    const task = state.tasks.get(id);
    if (!task || seen.has(id)) continue;
    seen.add(id);
    out.push(task);
    for (let i = task.subtasks.length - 1; i >= 0; i--) stack.push(task.subtasks[i]!);
  }
  return out;
}

/**
 * The request as one object. With `limit`, only the first `limit` tasks of the tree's order
 * (`firstTasks`) and `partial: true` when others were left out: what a page paints first, before the
 * whole tree of a large request has arrived.
 */
export function treeSnapshot(
  state: RootState,
  live: (s: SessionInfo) => SessionInfo = (s) => s,
  activeTaskIds: ReadonlySet<string> = new Set(),
  limit?: number,
): TreeSnapshot {
  const snap: TreeSnapshot = {
    rootId: state.doc.rootId,
    options: state.doc.options,
    awaitingApproval: !!state.doc.awaitingApproval,
    tasks: [],
    sessions: [...state.sessions.values()].map(live),
  };
  const sessions = sessionIndex(state);
  const tasks = limit !== undefined && limit < state.tasks.size ? firstTasks(state, limit) : state.tasks.values();
  for (const t of tasks) snap.tasks.push(taskView(state, t, sessions));
  if (snap.tasks.length < state.tasks.size) snap.partial = true;
  const git = gitView(state, activeTaskIds);
  if (git) snap.git = git;
  if (state.doc.isolationWarning) snap.isolationWarning = state.doc.isolationWarning;
  if (state.doc.planSummary) snap.planSummary = state.doc.planSummary;
  if (state.doc.control) snap.control = state.doc.control;
  if (state.doc.archived) snap.archived = true;
  return snap;
}

/** The JSON text of each kept view, made once: a view is replaced, never changed, when its task changes. */
const viewTexts = new WeakMap<TaskView, string>();

function viewText(view: TaskView, rootId: string): string {
  let text = viewTexts.get(view);
  if (text === undefined) viewTexts.set(view, (text = JSON.stringify(compactTaskView(view, rootId))));
  return text;
}

/**
 * `treeSnapshot` as JSON text, for a transport that sends text (the browser's WebSocket): the text of
 * every view that did not change since the last call is reused, so the cost at 10,000 tasks is joining
 * strings rather than building and serializing 10,000 objects. The views are compact (their default
 * fields left out, preload/view-wire.ts): `expandTreeSnapshot(JSON.parse(text))` equals the snapshot.
 */
export function treeSnapshotJson(
  state: RootState,
  live: (s: SessionInfo) => SessionInfo = (s) => s,
  activeTaskIds: ReadonlySet<string> = new Set(),
  limit?: number,
): string {
  const { tasks, ...rest } = treeSnapshot(state, live, activeTaskIds, limit);
  const head = JSON.stringify(rest);
  const parts: string[] = new Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) parts[i] = viewText(tasks[i]!, rest.rootId);
  return `${head.slice(0, -1)},"tasks":[${parts.join(',')}]}`;
}

/** The request's branches and how each group's integration stands (worktree isolation only). */
export function gitView(state: RootState, activeTaskIds: ReadonlySet<string>): RequestGitView | undefined {
  const rec = state.doc.git;
  if (!rec || state.doc.integration?.discarded) return undefined;
  const groupTask = new Map([...state.tasks.values()].filter((t) => t.kind === 'group').map((t) => [t.planId ?? t.id, t.id]));
  const groups: RequestGitView['groups'] = {};
  for (const [planId, g] of Object.entries(rec.groups)) {
    if (g.resolution) {
      const live = activeTaskIds.has(groupTask.get(planId) ?? '');
      groups[planId] = { branch: g.branch, state: live ? 'resolving' : 'conflict', files: [...g.resolution.files] };
    } else groups[planId] = { branch: g.branch, state: g.mergedCommit !== undefined ? 'merged' : 'working' };
  }
  const view: RequestGitView = { integrationBranch: rec.integrationBranch, baseCommit: rec.baseCommit, baseBranch: rec.baseBranch, groups };
  if (state.doc.integration?.applied) view.applied = true;
  return view;
}

export function rootSummary(state: RootState): RootSummary {
  const root = state.tasks.get(state.doc.rootId)!;
  const agg = state.agg.get(root.id);
  const summary: RootSummary = {
    id: root.id,
    title: root.title,
    status: agg?.status ?? root.status,
    progress: { done: agg?.done ?? 0, total: agg?.total ?? 0 },
    createdAt: root.createdAt,
    workspace: state.doc.options.workspace,
    awaitingApproval: !!state.doc.awaitingApproval,
  };
  if (state.doc.control) summary.control = state.doc.control;
  if (state.doc.archived) summary.archived = true;
  return summary;
}

export function listRoots(states: Iterable<RootState>): RootSummary[] {
  return [...states].map(rootSummary).sort((a, b) => b.createdAt - a.createdAt);
}

/** The last `limit` timeline events of a task and everything below it. */
export function recentTimeline(state: RootState, taskId: string, limit: number): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (let i = state.timeline.length - 1; i >= 0 && out.length < limit; i--) {
    const ev = state.timeline[i]!;
    if (ev.taskId === taskId || isWithin(state.tasks, ev.taskId, taskId)) out.push(ev);
  }
  return out.reverse();
}

export function taskDetail(state: RootState, task: Task, timelineLimit = 20): TaskDetail {
  return {
    task: taskView(state, task),
    subtasks: task.subtasks.map((c) => taskView(state, state.tasks.get(c)!)),
    timeline: timelineLimit ? recentTimeline(state, task.id, timelineLimit) : [],
    sessions: [...state.sessions.values()].filter((s) => s.taskIds.includes(task.id) || isWithin(state.tasks, s.taskId, task.id)),
  };
}
