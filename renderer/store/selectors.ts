// Memoized selectors. Each returns the same reference while its inputs are the same objects, so
// `useStore(store, selector)` re-renders only on real changes (zustand 5 compares with Object.is).
import type { SessionInfo, TaskView } from '../../preload/model';
import type { AppData } from './store';
import { childIds, flattenTree, sameRows, type TreeRow } from './tree';

const EMPTY_ROWS: TreeRow[] = [];

/** Builds a visible-rows selector with its own cache (one per store/consumer). */
export function createVisibleRowsSelector(): (s: AppData) => TreeRow[] {
  let tasks: AppData['tasks'] | null = null;
  let shape = -1;
  let rootId: string | null = null;
  let collapsed: AppData['collapsed'] | null = null;
  let filter: AppData['treeFilter'] | null = null;
  let rows: TreeRow[] = EMPTY_ROWS;
  return (s) => {
    // The rows depend on the tree's shape, not on statuses, unless the running filter is on: a status
    // change in a 10,000-task tree then costs no walk at all.
    const same = s.treeFilter === 'running' ? s.tasks === tasks : s.treeShape === shape;
    if (same && s.loadedRootId === rootId && s.collapsed === collapsed && s.treeFilter === filter) return rows;
    tasks = s.tasks;
    shape = s.treeShape;
    rootId = s.loadedRootId;
    collapsed = s.collapsed;
    filter = s.treeFilter;
    const next = rootId ? flattenTree(s.tasks, rootId, s.collapsed, s.treeFilter) : EMPTY_ROWS;
    // Status-only updates leave the structure alone: keep the old array so the list does not re-render.
    if (!sameRows(rows, next)) rows = next;
    return rows;
  };
}

/** The visible rows of the selected root's tree (flattened, collapse and filter applied). */
export const selectVisibleRows = createVisibleRowsSelector();

/** A selector of the children of one task (stable array while the children stay the same). */
export function createChildrenSelector(taskId: string): (s: AppData) => TaskView[] {
  let tasks: AppData['tasks'] | null = null;
  let out: TaskView[] = [];
  return (s) => {
    if (s.tasks === tasks) return out;
    tasks = s.tasks;
    const next = childIds(s.tasks, taskId).map((id) => s.tasks.get(id)!);
    if (next.length !== out.length || next.some((t, i) => t !== out[i])) out = next;
    return out;
  };
}

/**
 * Groups that are running now, in tree order. The groups (the root's children) are found again only
 * when the tree's shape changes; a status change looks at the groups alone, not at every task.
 */
export function createRunningGroupsSelector(): (s: AppData) => TaskView[] {
  let tasks: AppData['tasks'] | null = null;
  let shape = -1;
  let rootId: string | null = null;
  let groupIds: string[] = [];
  let out: TaskView[] = [];
  return (s) => {
    if (s.tasks === tasks) return out;
    if (s.treeShape !== shape || s.loadedRootId !== rootId || tasks === null) {
      const root = s.loadedRootId ? s.tasks.get(s.loadedRootId) : undefined;
      groupIds = root ? root.subtasks.filter((id) => s.tasks.get(id)?.kind === 'group') : [];
      shape = s.treeShape;
      rootId = s.loadedRootId;
    }
    tasks = s.tasks;
    const next: TaskView[] = [];
    for (const id of groupIds) {
      const t = s.tasks.get(id);
      if (t && t.status === 'IN_PROGRESS') next.push(t);
    }
    if (next.length !== out.length || next.some((t, i) => t !== out[i])) out = next;
    return out;
  };
}

export const selectRunningGroups = createRunningGroupsSelector();

const LIVE: ReadonlySet<SessionInfo['status']> = new Set(['starting', 'running']);

export function isLiveSession(s: SessionInfo): boolean {
  return LIVE.has(s.status);
}

/** Running sessions first, then the most recently started. */
export function compareSessions(a: SessionInfo, b: SessionInfo): number {
  const live = Number(isLiveSession(b)) - Number(isLiveSession(a));
  return live !== 0 ? live : b.startedAt - a.startedAt;
}

/**
 * The sessions to show for a task: every session of the root for the root itself (or no selection),
 * otherwise the sessions that served the task. Orchestrator sessions unless `showOrchestrator` is off.
 */
export function sessionsForTask(s: AppData, taskId: string | null): SessionInfo[] {
  // Shown by default (the engine's default too): the orchestrator's pane is where planning is visible.
  const showOrchestrator = s.settings?.showOrchestrator ?? true;
  const all = taskId === null || taskId === s.loadedRootId;
  const out: SessionInfo[] = [];
  for (const x of s.sessions.values()) {
    if (x.role === 'orchestrator' && !showOrchestrator) continue;
    if (all || x.taskId === taskId || x.taskIds.includes(taskId)) out.push(x);
  }
  return out.sort(compareSessions);
}

/** Memoized `sessionsForTask` for one consumer; pass the task id with the state. */
export function createSessionsSelector(): (s: AppData, taskId: string | null) => SessionInfo[] {
  let sessions: AppData['sessions'] | null = null;
  let key: string | null | undefined;
  let root: string | null = null;
  let showOrchestrator: boolean | undefined;
  let out: SessionInfo[] = [];
  return (s, taskId) => {
    const show = s.settings?.showOrchestrator;
    if (s.sessions === sessions && taskId === key && s.loadedRootId === root && show === showOrchestrator) return out;
    sessions = s.sessions;
    key = taskId;
    root = s.loadedRootId;
    showOrchestrator = show;
    const next = sessionsForTask(s, taskId);
    if (next.length !== out.length || next.some((x, i) => x !== out[i])) out = next;
    return out;
  };
}
