// How long a task ran, for the detail view: "Running for" counts while it runs; once it has ended, the
// real duration up to its end ("Took" when it COMPLETED, "Ran for" otherwise), not a clock that keeps going.
import type { SessionInfo, TaskView } from '../../preload/model';

export interface TaskTiming {
  label: 'Running for' | 'Took' | 'Ran for';
  ms: number;
}

/**
 * The end of a task that is not running: its completion time when the engine recorded one, else the
 * last change of it or of a subtask below it, or the end of a session that served it, whichever is latest.
 */
export function taskEnd(task: TaskView, tasks: ReadonlyMap<string, TaskView>, sessions: Iterable<SessionInfo>): number {
  let end = task.completedAt ?? task.updatedAt;
  const stack = [...task.subtasks];
  while (stack.length) {
    const t = tasks.get(stack.pop()!);
    if (!t) continue;
    end = Math.max(end, t.completedAt ?? t.updatedAt);
    stack.push(...t.subtasks);
  }
  for (const s of sessions) {
    if (s.endedAt !== undefined && (s.taskId === task.id || s.taskIds.includes(task.id) || (task.kind === 'root' && s.rootId === task.id))) {
      end = Math.max(end, s.endedAt);
    }
  }
  return end;
}

export function taskTiming(task: TaskView, tasks: ReadonlyMap<string, TaskView>, sessions: Iterable<SessionInfo>, now = Date.now()): TaskTiming | null {
  return timingWithEnd(task, needsEnd(task) ? taskEnd(task, tasks, sessions) : null, now);
}

/** Whether `taskTiming` needs `taskEnd` (the task ran and ended without a recorded completion time). */
function needsEnd(task: TaskView): boolean {
  return !!task.startedAt && task.status !== 'IN_PROGRESS' && !(task.status === 'COMPLETED' && task.completedAt);
}

/** `taskTiming` with the task's end already known (`taskEnd`, or null when `needsEnd` says it is not needed). */
export function timingWithEnd(task: TaskView, end: number | null, now = Date.now()): TaskTiming | null {
  if (!task.startedAt) return null;
  if (task.status === 'IN_PROGRESS') return { label: 'Running for', ms: Math.max(0, now - task.startedAt) };
  const until = task.status === 'COMPLETED' && task.completedAt ? task.completedAt : (end ?? task.completedAt ?? task.updatedAt);
  return { label: task.status === 'COMPLETED' ? 'Took' : 'Ran for', ms: Math.max(0, until - task.startedAt) };
}

/**
 * A memoized `taskEnd` for one component: it walks the task's subtree only when the task has ended
 * without a completion time, and again only when the tasks or sessions change.
 */
export function createTaskEndSelector(): (s: { tasks: ReadonlyMap<string, TaskView>; sessions: ReadonlyMap<string, SessionInfo> }, task: TaskView | undefined) => number | null {
  let tasks: ReadonlyMap<string, TaskView> | null = null;
  let sessions: ReadonlyMap<string, SessionInfo> | null = null;
  let of: TaskView | undefined;
  let end: number | null = null;
  return (s, task) => {
    if (!task || !needsEnd(task)) return null;
    if (s.tasks === tasks && s.sessions === sessions && task === of) return end;
    tasks = s.tasks;
    sessions = s.sessions;
    of = task;
    end = taskEnd(task, s.tasks, s.sessions.values());
    return end;
  };
}
