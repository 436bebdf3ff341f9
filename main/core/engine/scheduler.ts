// The scheduler as a pure function: the state of the active requests in, the sessions to start and the
// requests that have settled out. The engine gathers the input (gather) and carries out the output.
//
// With worktree isolation a group's work reaches the others only through the integration branch: a
// COMPLETED group is merged (a `merge` decision) once its session has exited, and a group that depends
// on it starts only after that merge. Git work under way for a group (its worktree being prepared, its
// work committed or merged) makes it `busy`: it neither starts nor merges twice, and keeps the request
// from settling.
import type { TaskStatus } from '../../../preload/model';
import { leavesOf } from '../../../preload/tree';
import { UNFINISHED, type RootState } from './state';

export interface GroupInput {
  id: string;
  /** Aggregated status. */
  status: TaskStatus;
  dependsOn: string[];
  /** A subtask is FAILED or BLOCKED: the group waits for a retry or a person. */
  stuck: boolean;
  /** A subtask is PENDING or IN_PROGRESS. */
  unfinished: boolean;
  /** A session of this group is live. */
  live: boolean;
  /** Its work is in the request's integration branch (always true for in-place work). */
  merged: boolean;
  /** Git work for it is under way (preparing its worktree, committing, merging). */
  busy: boolean;
}

export interface RequestInput {
  rootId: string;
  createdAt: number;
  awaitingApproval: boolean;
  /** A person paused the request (nothing new starts; it waits for a resume, unsettled) or cancelled it (nothing new starts; it settles once nothing runs). */
  control?: 'paused' | 'cancelled';
  /** The orchestrator is at work (no plan yet, root IN_PROGRESS). */
  planning: boolean;
  settled: boolean;
  concurrency: number;
  /** Budget in dollars and what was spent; no limit when absent. */
  budget?: { limit: number; spent: number };
  /** Groups in plan order. */
  groups: GroupInput[];
  liveWorkers: number;
  liveSessions: number;
}

export interface Decision {
  /** Groups to start a worker session for, in order. */
  start: Array<{ rootId: string; groupId: string }>;
  /** Requests with nothing running and nothing that can start. */
  settled: string[];
  /** Requests whose budget stops a group that could start. */
  overBudget: string[];
  /** COMPLETED groups whose session has exited and whose work is to be merged into the integration branch. */
  merge: Array<{ rootId: string; groupId: string }>;
}

export function schedule(requests: readonly RequestInput[]): Decision {
  const out: Decision = { start: [], settled: [], overBudget: [], merge: [] };
  const ordered = [...requests].sort((a, b) => a.createdAt - b.createdAt);
  for (const r of ordered) {
    // A plan that waits for a person starts nothing and is not settled either.
    if (r.awaitingApproval) continue;
    let waiting = r.groups.some((g) => g.busy);
    let started = 0;
    const ready = new Set(r.groups.filter((g) => g.status === 'COMPLETED' && g.merged && !g.busy).map((g) => g.id));
    for (const g of r.groups) {
      if (g.live || g.busy || g.status !== 'COMPLETED' || g.merged) continue;
      out.merge.push({ rootId: r.rootId, groupId: g.id });
      waiting = true;
    }
    for (const g of r.groups) {
      if (r.control) break;
      if (g.live || g.busy || g.status === 'COMPLETED' || g.stuck || !g.unfinished) continue;
      if (!g.dependsOn.every((d) => ready.has(d))) continue;
      if (r.budget && r.budget.spent >= r.budget.limit) {
        out.overBudget.push(r.rootId);
        break;
      }
      if (r.liveWorkers + started >= r.concurrency) {
        waiting = true;
        break;
      }
      out.start.push({ rootId: r.rootId, groupId: g.id });
      started++;
    }
    // A paused request waits for a person, like a plan that waits for approval.
    if (r.control === 'paused') continue;
    if (!started && !waiting && !r.liveSessions && !r.planning && !r.settled) out.settled.push(r.rootId);
  }
  return out;
}

/** The scheduler's view of one request. */
export function gather(
  state: RootState,
  live: { workers: number; sessions: number; taskIds: ReadonlySet<string> },
  defaultConcurrency: number,
  git: { merged: (groupId: string) => boolean; busy: ReadonlySet<string> } = { merged: () => true, busy: new Set() },
): RequestInput {
  const rootId = state.doc.rootId;
  const root = state.tasks.get(rootId)!;
  const budget = state.doc.options.budgetUsd;
  return {
    rootId,
    createdAt: root.createdAt,
    awaitingApproval: !!state.doc.awaitingApproval,
    control: state.doc.control,
    planning: root.subtasks.length === 0 && root.status === 'IN_PROGRESS',
    settled: state.settled,
    concurrency: state.doc.options.concurrency ?? defaultConcurrency,
    budget: budget ? { limit: budget, spent: state.agg.get(rootId)?.usage.costUsd ?? 0 } : undefined,
    groups: root.subtasks.map((id) => {
      const g = state.tasks.get(id)!;
      // The aggregate counts the leaves by status (kept current by every commit); without one, the leaves.
      const agg = state.agg.get(id);
      const leaves = agg ? [] : leavesOf(state.tasks, id);
      return {
        id,
        status: agg?.status ?? g.status,
        dependsOn: g.dependsOn,
        stuck: agg ? agg.stuck > 0 : leaves.some((l) => l.status === 'FAILED' || l.status === 'BLOCKED'),
        unfinished: agg ? agg.unfinished > 0 : leaves.some((l) => UNFINISHED.has(l.status)),
        live: live.taskIds.has(id),
        merged: git.merged(id),
        busy: git.busy.has(id),
      };
    }),
    liveWorkers: live.workers,
    liveSessions: live.sessions,
  };
}
