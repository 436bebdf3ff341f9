// How a parent's status and progress follow from its children. Pure functions over a task map.
import type { Task, TaskStatus, TokenUsage } from './model';

/**
 * The status of a parent from its children's effective statuses:
 * all COMPLETED → COMPLETED; any IN_PROGRESS → IN_PROGRESS; any BLOCKED → BLOCKED;
 * otherwise any FAILED → FAILED; else PENDING.
 */
export function aggregateStatus(children: readonly TaskStatus[]): TaskStatus {
  if (children.length === 0) return 'PENDING';
  let completed = 0;
  let running = false;
  let blocked = false;
  let failed = false;
  for (const s of children) {
    if (s === 'COMPLETED') completed++;
    else if (s === 'IN_PROGRESS') running = true;
    else if (s === 'BLOCKED') blocked = true;
    else if (s === 'FAILED') failed = true;
  }
  if (completed === children.length) return 'COMPLETED';
  if (running) return 'IN_PROGRESS';
  if (blocked) return 'BLOCKED';
  if (failed) return 'FAILED';
  return 'PENDING';
}

export interface Aggregate {
  status: TaskStatus;
  done: number;
  total: number;
  usage: TokenUsage;
  /** Leaves below (a leaf counts itself) that are FAILED or BLOCKED. */
  stuck: number;
  /** Leaves below (a leaf counts itself) that are PENDING or IN_PROGRESS. */
  unfinished: number;
}

/**
 * The aggregate of one task from the aggregates of its children (none: a leaf). `active` holds ids of
 * tasks with a live session: a parent that is being worked on counts as IN_PROGRESS until it is done,
 * even before its worker starts a subtask.
 */
export function aggregateNode(task: Task, kids: readonly Aggregate[], active: ReadonlySet<string>): Aggregate {
  const usage = addUsage({ inputTokens: 0, outputTokens: 0 }, task.usage);
  if (kids.length === 0) {
    const s = task.status;
    return {
      status: s,
      done: s === 'COMPLETED' ? 1 : 0,
      total: 1,
      usage,
      stuck: s === 'FAILED' || s === 'BLOCKED' ? 1 : 0,
      unfinished: s === 'PENDING' || s === 'IN_PROGRESS' ? 1 : 0,
    };
  }
  let done = 0;
  let total = 0;
  let stuck = 0;
  let unfinished = 0;
  const statuses: TaskStatus[] = [];
  for (const k of kids) {
    done += k.done;
    total += k.total;
    stuck += k.stuck;
    unfinished += k.unfinished;
    addUsage(usage, k.usage);
    statuses.push(k.status);
  }
  let status = aggregateStatus(statuses);
  if (active.has(task.id) && status !== 'COMPLETED') status = 'IN_PROGRESS';
  return { status, done, total, usage, stuck, unfinished };
}

/** The aggregates of a task's children that are known (a missing child is skipped). */
export function childAggregates(task: Task, agg: ReadonlyMap<string, Aggregate>): Aggregate[] {
  const kids: Aggregate[] = [];
  for (const c of task.subtasks) {
    const a = agg.get(c);
    if (a) kids.push(a);
  }
  return kids;
}

/**
 * Computes the effective status, leaf progress and summed usage of every task below (and including)
 * `rootId`, in one post-order walk (see aggregateNode).
 */
export function aggregateTree(
  tasks: ReadonlyMap<string, Task>,
  rootId: string,
  active: ReadonlySet<string> = new Set(),
): Map<string, Aggregate> {
  const out = new Map<string, Aggregate>();
  // Iterative post-order walk: deep trees must not overflow the stack.
  const stack: Array<{ id: string; expanded: boolean }> = [{ id: rootId, expanded: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const task = tasks.get(top.id);
    if (!task) {
      stack.pop();
      continue;
    }
    if (!top.expanded) {
      top.expanded = true;
      for (const c of task.subtasks) stack.push({ id: c, expanded: false });
      continue;
    }
    stack.pop();
    out.set(task.id, aggregateNode(task, childAggregates(task, out), active));
  }
  return out;
}

/** Adds `b` into `a` (mutating `a`) and returns `a`. */
export function addUsage(a: TokenUsage, b: TokenUsage | undefined): TokenUsage {
  if (!b) return a;
  a.inputTokens += b.inputTokens;
  a.outputTokens += b.outputTokens;
  if (b.costUsd !== undefined) a.costUsd = (a.costUsd ?? 0) + b.costUsd;
  return a;
}

/** Leaf tasks (no subtasks) below `id`, in tree order. */
export function leavesOf(tasks: ReadonlyMap<string, Task>, id: string): Task[] {
  const out: Task[] = [];
  const stack = [id];
  while (stack.length) {
    const t = tasks.get(stack.pop()!);
    if (!t) continue;
    if (t.subtasks.length === 0) out.push(t);
    else for (let i = t.subtasks.length - 1; i >= 0; i--) stack.push(t.subtasks[i]!);
  }
  return out;
}

/** True when `id` is `ancestorId` or lies below it. */
export function isWithin(tasks: ReadonlyMap<string, Task>, id: string, ancestorId: string): boolean {
  let cur: Task | undefined = tasks.get(id);
  while (cur) {
    if (cur.id === ancestorId) return true;
    cur = cur.parentId ? tasks.get(cur.parentId) : undefined;
  }
  return false;
}
