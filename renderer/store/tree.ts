// Pure tree functions over the tasks of one root. Everything is iterative (no recursion limits) and
// linear in the number of tasks, so a 10,000-task tree flattens in a few milliseconds.
import type { TaskView } from '../../preload/model';

export type TaskMap = ReadonlyMap<string, TaskView>;
export type TreeFilter = 'all' | 'running';

export interface TreeRow {
  id: string;
  /** 1-based depth, as aria-level wants it. */
  level: number;
  hasChildren: boolean;
  expanded: boolean;
  /** 1-based position among its visible siblings and their count (aria-posinset / aria-setsize). */
  posInSet: number;
  setSize: number;
  parentId: string | null;
}

/** Ids of the children of `id` that exist in the map, in plan order. */
export function childIds(tasks: TaskMap, id: string): string[] {
  const task = tasks.get(id);
  if (!task) return [];
  const out: string[] = [];
  for (const c of task.subtasks) if (tasks.has(c)) out.push(c);
  return out;
}

const isRunning = (t: TaskView) => t.status === 'IN_PROGRESS';

/**
 * For the `running` filter: the tasks to keep. A task is kept when it is in progress, when it is a
 * child of a running group (so the group's work list stays visible), or when a descendant is kept.
 */
export function runningKeepSet(tasks: TaskMap, rootId: string): Set<string> {
  const order: string[] = [];
  const parentOf = new Map<string, string | null>();
  const seen = new Set<string>();
  const stack: string[] = [rootId];
  parentOf.set(rootId, null);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || !tasks.has(id)) continue;
    seen.add(id);
    order.push(id);
    for (const c of childIds(tasks, id)) {
      if (!seen.has(c)) {
        parentOf.set(c, id);
        stack.push(c);
      }
    }
  }
  const keep = new Set<string>();
  // Children come after their parent in `order`, so walking it backwards visits children first.
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    const t = tasks.get(id)!;
    const parentId = parentOf.get(id) ?? null;
    const parent = parentId ? tasks.get(parentId) : undefined;
    if (isRunning(t) || (parent && parent.kind === 'group' && isRunning(parent))) keep.add(id);
    if (keep.has(id) && parentId) keep.add(parentId);
  }
  return keep;
}

/**
 * The rows a tree view shows, in order: a depth-first walk from the root that does not descend into
 * collapsed tasks. With the `running` filter only `runningKeepSet` tasks are listed.
 */
export function flattenTree(
  tasks: TaskMap,
  rootId: string,
  collapsed: ReadonlySet<string>,
  filter: TreeFilter = 'all',
): TreeRow[] {
  const root = tasks.get(rootId);
  if (!root) return [];
  const keep = filter === 'running' ? runningKeepSet(tasks, rootId) : null;
  if (keep && !keep.has(rootId)) return [];
  const kids = (id: string) => {
    const all = childIds(tasks, id);
    return keep ? all.filter((c) => keep.has(c)) : all;
  };

  const rows: TreeRow[] = [];
  const seen = new Set<string>();
  // Stack entries: [id, level, posInSet, setSize, parentId]
  const stack: [string, number, number, number, string | null][] = [[rootId, 1, 1, 1, null]];
  while (stack.length) {
    const [id, level, pos, size, parentId] = stack.pop()!;
    if (seen.has(id)) continue; // a malformed tree with a cycle or a shared child
    seen.add(id);
    const children = kids(id);
    const hasChildren = children.length > 0;
    const expanded = hasChildren && !collapsed.has(id);
    rows.push({ id, level, hasChildren, expanded, posInSet: pos, setSize: size, parentId });
    if (expanded) {
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], level + 1, i + 1, children.length, id]);
    }
  }
  return rows;
}

/** Same rows (ids, levels, expansion, positions)? Lets selectors keep the previous array. */
export function sameRows(a: readonly TreeRow[], b: readonly TreeRow[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      x.id !== y.id ||
      x.level !== y.level ||
      x.expanded !== y.expanded ||
      x.hasChildren !== y.hasChildren ||
      x.posInSet !== y.posInSet ||
      x.setSize !== y.setSize
    ) {
      return false;
    }
  }
  return true;
}

/** The ids from the root down to `id` (inclusive), or [] when `id` is not in the tree. */
export function pathTo(tasks: TaskMap, id: string): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  let cur = tasks.get(id);
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    path.push(cur.id);
    cur = cur.parentId ? tasks.get(cur.parentId) : undefined;
  }
  return path.reverse();
}

/** Whether `id` is `ancestorId` or below it. */
export function isWithin(tasks: TaskMap, id: string, ancestorId: string): boolean {
  const seen = new Set<string>();
  let cur = tasks.get(id);
  while (cur && !seen.has(cur.id)) {
    if (cur.id === ancestorId) return true;
    seen.add(cur.id);
    cur = cur.parentId ? tasks.get(cur.parentId) : undefined;
  }
  return false;
}
