// Read views of a request, as the API, the CLI and the UI see them. Pure functions of the request state:
// a task's `status` is its real status — for a parent, the one aggregated from its subtasks.
import type { TaskDetail } from '../../../preload/contract';
import type { RequestGitView, RootSummary, SessionInfo, Task, TaskView, TimelineEvent, TreeSnapshot } from '../../../preload/model';
import { isWithin } from '../../../preload/tree';
import type { RootState } from './state';

export function taskView(state: RootState, task: Task): TaskView {
  const agg = state.agg.get(task.id);
  return {
    ...task,
    status: agg?.status ?? task.status,
    subtasks: [...task.subtasks],
    dependsOn: [...task.dependsOn],
    progress: { done: agg?.done ?? 0, total: agg?.total ?? 0 },
    totalUsage: agg?.usage ?? { inputTokens: 0, outputTokens: 0 },
    sessionIds: sessionsOf(state, task.id).map((s) => s.id),
  };
}

function sessionsOf(state: RootState, taskId: string): SessionInfo[] {
  const out: SessionInfo[] = [];
  for (const s of state.sessions.values()) if (s.taskIds.includes(taskId)) out.push(s);
  return out;
}

export function treeSnapshot(
  state: RootState,
  live: (s: SessionInfo) => SessionInfo = (s) => s,
  activeTaskIds: ReadonlySet<string> = new Set(),
): TreeSnapshot {
  const snap: TreeSnapshot = {
    rootId: state.doc.rootId,
    options: state.doc.options,
    awaitingApproval: !!state.doc.awaitingApproval,
    tasks: [...state.tasks.values()].map((t) => taskView(state, t)),
    sessions: [...state.sessions.values()].map(live),
  };
  const git = gitView(state, activeTaskIds);
  if (git) snap.git = git;
  if (state.doc.isolationWarning) snap.isolationWarning = state.doc.isolationWarning;
  if (state.doc.planSummary) snap.planSummary = state.doc.planSummary;
  if (state.doc.control) snap.control = state.doc.control;
  if (state.doc.archived) snap.archived = true;
  return snap;
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
