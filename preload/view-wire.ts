// Task views as the browser's WebSocket carries `tree.get` (main/server, Engine.treeJson): the fields that
// hold their defaults are left out, which takes a 10,000-task answer from ~4 MB to about half. Every
// field left out is one a TaskView always has, so "missing" can only mean "the default"; a full view
// passes through `expandTaskView` unchanged. Other transports (Electron IPC, the HTTP API) send full views.
import type { TaskView, TokenUsage, TreeSnapshot } from './model';

/** A TaskView with its default fields left out (see `compactTaskView`). */
export type CompactTaskView = Omit<TaskView, 'rootId' | 'description' | 'dependsOn' | 'subtasks' | 'progress' | 'totalUsage' | 'sessionIds'> &
  Partial<Pick<TaskView, 'rootId' | 'description' | 'dependsOn' | 'subtasks' | 'progress' | 'totalUsage' | 'sessionIds'>>;

function isZeroUsage(u: TokenUsage): boolean {
  const keys = Object.keys(u);
  return keys.length === 2 && u.inputTokens === 0 && u.outputTokens === 0;
}

/** A leaf's progress follows from its status: itself, done or not. */
function leafProgress(status: TaskView['status']): TaskView['progress'] {
  return { done: status === 'COMPLETED' ? 1 : 0, total: 1 };
}

/** `view` without the fields at their defaults; `rootId` is the snapshot's (left out when equal). */
export function compactTaskView(view: TaskView, rootId: string): CompactTaskView {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) {
    switch (k) {
      case 'rootId':
        if (v === rootId) continue;
        break;
      case 'description':
        if (v === '') continue;
        break;
      case 'dependsOn':
      case 'subtasks':
      case 'sessionIds':
        if ((v as unknown[]).length === 0) continue;
        break;
      case 'totalUsage':
        if (isZeroUsage(v as TokenUsage)) continue;
        break;
      case 'progress': {
        const p = v as TaskView['progress'];
        const lp = leafProgress(view.status);
        if (view.subtasks.length === 0 && p.done === lp.done && p.total === lp.total && Object.keys(p).length === 2) continue;
        break;
      }
    }
    out[k] = v;
  }
  return out as CompactTaskView;
}

/** The full view of a compact one (a full view comes back unchanged). */
export function expandTaskView(view: CompactTaskView | TaskView, rootId: string): TaskView {
  const subtasks = view.subtasks ?? [];
  return {
    ...view,
    rootId: view.rootId ?? rootId,
    description: view.description ?? '',
    dependsOn: view.dependsOn ?? [],
    subtasks,
    progress: view.progress ?? (subtasks.length === 0 ? leafProgress(view.status) : { done: 0, total: 0 }),
    totalUsage: view.totalUsage ?? { inputTokens: 0, outputTokens: 0 },
    sessionIds: view.sessionIds ?? [],
  };
}

/** A `tree.get` answer with every task view full, whichever way it travelled. */
export function expandTreeSnapshot(snapshot: TreeSnapshot): TreeSnapshot {
  return { ...snapshot, tasks: snapshot.tasks.map((t) => expandTaskView(t, snapshot.rootId)) };
}
