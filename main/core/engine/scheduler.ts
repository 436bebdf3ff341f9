// The scheduler as a pure function: the state of the active requests in, the sessions to start and the
// requests that have settled out. The engine gathers the input (gather) and carries out the output.
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
}

export interface RequestInput {
  rootId: string;
  createdAt: number;
  awaitingApproval: boolean;
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
}

export function schedule(requests: readonly RequestInput[]): Decision {
  const out: Decision = { start: [], settled: [], overBudget: [] };
  const ordered = [...requests].sort((a, b) => a.createdAt - b.createdAt);
  for (const r of ordered) {
    // A plan that waits for a person starts nothing and is not settled either.
    if (r.awaitingApproval) continue;
    let waiting = false;
    let started = 0;
    const statusOf = new Map(r.groups.map((g) => [g.id, g.status]));
    for (const g of r.groups) {
      if (g.live || g.status === 'COMPLETED' || g.stuck || !g.unfinished) continue;
      if (!g.dependsOn.every((d) => statusOf.get(d) === 'COMPLETED')) continue;
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
    if (!started && !waiting && !r.liveSessions && !r.planning && !r.settled) out.settled.push(r.rootId);
  }
  return out;
}

/** The scheduler's view of one request. */
export function gather(
  state: RootState,
  live: { workers: number; sessions: number; taskIds: ReadonlySet<string> },
  defaultConcurrency: number,
): RequestInput {
  const rootId = state.doc.rootId;
  const root = state.tasks.get(rootId)!;
  const budget = state.doc.options.budgetUsd;
  return {
    rootId,
    createdAt: root.createdAt,
    awaitingApproval: !!state.doc.awaitingApproval,
    planning: root.subtasks.length === 0 && root.status === 'IN_PROGRESS',
    settled: state.settled,
    concurrency: state.doc.options.concurrency ?? defaultConcurrency,
    budget: budget ? { limit: budget, spent: state.agg.get(rootId)?.usage.costUsd ?? 0 } : undefined,
    groups: root.subtasks.map((id) => {
      const g = state.tasks.get(id)!;
      const leaves = leavesOf(state.tasks, id);
      return {
        id,
        status: state.agg.get(id)?.status ?? g.status,
        dependsOn: g.dependsOn,
        stuck: leaves.some((l) => l.status === 'FAILED' || l.status === 'BLOCKED'),
        unfinished: leaves.some((l) => UNFINISHED.has(l.status)),
        live: live.taskIds.has(id),
      };
    }),
    liveWorkers: live.workers,
    liveSessions: live.sessions,
  };
}
