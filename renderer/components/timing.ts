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
  if (!task.startedAt) return null;
  if (task.status === 'IN_PROGRESS') return { label: 'Running for', ms: Math.max(0, now - task.startedAt) };
  const end = task.status === 'COMPLETED' && task.completedAt ? task.completedAt : taskEnd(task, tasks, sessions);
  return { label: task.status === 'COMPLETED' ? 'Took' : 'Ran for', ms: Math.max(0, end - task.startedAt) };
}
