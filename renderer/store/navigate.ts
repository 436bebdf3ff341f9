// Moving between the groups that matter while a request runs: "next running", "next that needs a
// person" (failed, blocked, or a session gone quiet), and follow-running (when the selected group's
// sessions end while other groups still run, the selection moves on to the next running group).
import type { TaskView } from '../../preload/model';
import type { AppData, AppStore } from './store';
import { isLiveSession } from './selectors';

/** Group ids in tree order (the root's subtasks, in plan order). */
function groupsInOrder(s: AppData): TaskView[] {
  const root = s.loadedRootId ? s.tasks.get(s.loadedRootId) : undefined;
  if (!root) return [];
  const out: TaskView[] = [];
  for (const id of root.subtasks) {
    const t = s.tasks.get(id);
    if (t?.kind === 'group') out.push(t);
  }
  return out;
}

/** Groups with a live session, in tree order. */
export function liveGroupIds(s: AppData): string[] {
  const live = new Set<string>();
  for (const x of s.sessions.values()) if (x.role !== 'orchestrator' && isLiveSession(x)) live.add(x.taskId);
  return groupsInOrder(s)
    .filter((g) => live.has(g.id))
    .map((g) => g.id);
}

/** Groups in progress, in tree order (what "Next running" cycles through). */
export function runningGroupIds(s: AppData): string[] {
  return groupsInOrder(s)
    .filter((g) => g.status === 'IN_PROGRESS')
    .map((g) => g.id);
}

/** Whether a task (a group, or the root for its planner) has a live session whose agent waits for a person. */
export function needsInput(s: AppData, taskId: string): boolean {
  for (const x of s.sessions.values()) if (x.taskId === taskId && x.attention && isLiveSession(x)) return true;
  return false;
}

/** Live sessions whose agent waits for a person (the window title counts them). */
export function needsInputCount(s: AppData): number {
  let n = 0;
  for (const x of s.sessions.values()) if (x.attention && isLiveSession(x)) n++;
  return n;
}

/** Groups that need a person: failed, blocked, with a session that needs input, or one that has gone quiet. */
export function attentionGroupIds(s: AppData): string[] {
  const quiet = new Set<string>();
  for (const x of s.sessions.values()) if (isLiveSession(x) && (x.quietSince !== undefined || x.attention)) quiet.add(x.taskId);
  return groupsInOrder(s)
    .filter((g) => g.status === 'FAILED' || g.status === 'BLOCKED' || quiet.has(g.id))
    .map((g) => g.id);
}

/**
 * A memoized count of `runningGroupIds` or `attentionGroupIds` for a component: counted again only when
 * the tasks, the sessions or the loaded root change, not on every store update.
 */
export function createGroupCountSelector(which: 'running' | 'attention'): (s: AppData) => number {
  let tasks: AppData['tasks'] | null = null;
  let sessions: AppData['sessions'] | null = null;
  let rootId: string | null = null;
  let count = 0;
  return (s) => {
    if (s.tasks === tasks && (which === 'running' || s.sessions === sessions) && s.loadedRootId === rootId) return count;
    tasks = s.tasks;
    sessions = s.sessions;
    rootId = s.loadedRootId;
    count = (which === 'running' ? runningGroupIds(s) : attentionGroupIds(s)).length;
    return count;
  };
}

/** The id after `current` in `ids`, wrapping around; the first when `current` is not among them. */
export function nextAfter(ids: readonly string[], current: string | null): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  return ids[(at + 1) % ids.length];
}

/**
 * The group follow-running moves to after a store update, or null. It moves only when the selected group
 * had a live session before the update and has none after it, and another group still has one: a
 * finished group the user selects on purpose stays selected.
 */
export function followTarget(prev: AppData, next: AppData): string | null {
  if (!next.prefs.followRunning || prev.sessions === next.sessions) return null;
  const selected = next.selectedTaskId;
  if (!selected || selected === next.loadedRootId || prev.selectedTaskId !== selected || prev.loadedRootId !== next.loadedRootId) return null;
  const liveIn = (s: AppData) => {
    for (const x of s.sessions.values()) if (isLiveSession(x) && (x.taskId === selected || x.taskIds.includes(selected))) return true;
    return false;
  };
  if (!liveIn(prev) || liveIn(next)) return null;
  const candidates = liveGroupIds(next);
  if (candidates.length === 0) return null;
  // The next running group after the selected one in tree order (wrapping around).
  const order = groupsInOrder(next).map((g) => g.id);
  const from = order.indexOf(next.tasks.get(selected)?.kind === 'group' ? selected : (next.tasks.get(selected)?.parentId ?? selected));
  const after = candidates.find((id) => order.indexOf(id) > from);
  return after ?? candidates[0];
}

/** Calls `select` whenever follow-running moves the selection; returns the unsubscribe function. */
export function watchFollowRunning(store: AppStore, select: (taskId: string) => void): () => void {
  return store.subscribe((next, prev) => {
    const target = followTarget(prev, next);
    if (target) select(target);
  });
}

/**
 * Selects a group (expanding its ancestors). In focus mode the maximized pane follows: it shows the
 * group's live session, else its latest one.
 */
export function jumpTo(store: AppStore, select: (taskId: string) => void, taskId: string): void {
  const s = store.getState();
  s.reveal(taskId);
  select(taskId);
  if (!s.focusedSessionId) return;
  let pick: { id: string; live: boolean; startedAt: number } | null = null;
  for (const x of s.sessions.values()) {
    if (x.taskId !== taskId && !x.taskIds.includes(taskId)) continue;
    const cand = { id: x.id, live: isLiveSession(x), startedAt: x.startedAt };
    if (!pick || Number(cand.live) - Number(pick.live) > 0 || (cand.live === pick.live && cand.startedAt > pick.startedAt)) pick = cand;
  }
  if (pick) s.setFocusedSession(pick.id);
}

/** The group a task belongs to (itself for a group), or null for the root or an unknown id. */
function groupOf(s: AppData, taskId: string | null): string | null {
  for (let t = taskId ? s.tasks.get(taskId) : undefined; t; t = t.parentId ? s.tasks.get(t.parentId) : undefined) if (t.kind === 'group') return t.id;
  return null;
}

/** "Next running" / "next that needs you": selects the next such group after the selected one. */
export function jumpNext(store: AppStore, select: (taskId: string) => void, which: 'running' | 'attention'): boolean {
  const s = store.getState();
  const target = nextAfter(which === 'running' ? runningGroupIds(s) : attentionGroupIds(s), groupOf(s, s.selectedTaskId));
  if (!target) return false;
  jumpTo(store, select, target);
  return true;
}
