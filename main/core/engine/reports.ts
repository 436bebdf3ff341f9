// Reports: what workers say about their tasks (start, log, complete, fail, block, add a subtask, usage)
// and what a person asks for (retry). Every function takes a resolved task id; who may call what is
// decided before, in the API layer (main/core/api/scope.ts).
import type { CommandResults } from '../../../preload/contract';
import type { Task, TokenUsage } from '../../../preload/model';
import { addUsage } from '../../../preload/tree';
import { ApiError } from '../../../preload/wire';
import { costOf } from '../pricing';
import { commit, type Core } from './core';
import { startPlanning } from './planning';
import { addTask, groupOf, label, leavesOf, makeTask, nextPlanId, UNFINISHED, type RootState } from './state';

/** The plan group of a task (for the facade). */
export function groupOfTask(state: RootState, task: Task): Task {
  return groupOf(state, task);
}

export function startTask(core: Core, state: RootState, task: Task, sessionId?: string): void {
  if (task.subtasks.length === 0) {
    if (task.status === 'COMPLETED') throw new ApiError('conflict', `task ${label(task)} is already COMPLETED`);
    core.journal.setStatus(state, task, 'IN_PROGRESS', 'started', { sessionId });
  } else {
    task.startedAt ??= Date.now();
    core.journal.event(state, task.id, 'log', 'started', { sessionId });
  }
  commit(core, state, [task.id]);
}

export function logTask(core: Core, state: RootState, task: Task, message: string, sessionId?: string): { ok: true; seq: number } {
  const ev = core.journal.event(state, task.id, 'log', message, { sessionId });
  core.journal.flush(state);
  return { ok: true, seq: ev.seq };
}

/**
 * Sets a final status on a leaf. On a task with subtasks it applies to its unfinished leaves, so an
 * agent that reports its whole group at once is understood; leaves already reported keep their status.
 */
export function finishTask(
  core: Core,
  state: RootState,
  task: Task,
  status: 'COMPLETED' | 'FAILED' | 'BLOCKED',
  text: string | undefined,
  sessionId?: string,
): void {
  const changed: string[] = [task.id];
  if (task.subtasks.length === 0) {
    if (task.status !== status || text !== task.result) core.journal.setStatus(state, task, status, text, { sessionId });
  } else {
    for (const leaf of leavesOf(state.tasks, task.id)) {
      if (!UNFINISHED.has(leaf.status)) continue;
      core.journal.setStatus(state, leaf, status, text, { sessionId });
      changed.push(leaf.id);
    }
    task.result = text ?? task.result;
  }
  commit(core, state, changed);
}

export function addSubtask(core: Core, state: RootState, parent: Task, title: string, description: string, sessionId?: string): Task {
  if (parent.kind === 'root') throw new ApiError('bad-request', 'subtasks go below a group or a subtask, not the request itself');
  const becomesParent = parent.subtasks.length === 0 && parent.kind === 'subtask';
  const sub = makeTask(
    { rootId: state.doc.rootId, parentId: parent.id, kind: 'subtask', planId: nextPlanId(state), title: title.trim(), description: description.trim() },
    Date.now(),
  );
  addTask(core.requests, state, sub);
  core.journal.event(state, parent.id, 'subtask-added', `subtask ${sub.planId} added: ${sub.title}${becomesParent ? ' (this task now has subtasks)' : ''}`, {
    sessionId,
    data: { subtaskId: sub.id },
  });
  commit(core, state, [parent.id, sub.id]);
  return sub;
}

export interface UsageReport {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** Adds the token usage of one LLM call (and its estimated cost) to a task. */
export function recordUsage(core: Core, state: RootState, task: Task, u: UsageReport, sessionId?: string): { ok: true; costUsd?: number } {
  const costUsd = costOf(u.model, u);
  const usage: TokenUsage = { inputTokens: u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0), outputTokens: u.outputTokens };
  if (costUsd !== undefined) usage.costUsd = costUsd;
  task.usage = addUsage(task.usage ? { ...task.usage } : { inputTokens: 0, outputTokens: 0 }, usage);
  core.journal.event(state, task.id, 'usage', `${usage.inputTokens} input + ${usage.outputTokens} output tokens (${u.model})`, {
    sessionId,
    data: { ...u, costUsd },
  });
  commit(core, state, [task.id]);
  return costUsd === undefined ? { ok: true } : { ok: true, costUsd };
}

/**
 * Carries on a request or a group: FAILED and BLOCKED subtasks go back to PENDING, a request whose
 * planning failed is planned again, and whatever is unfinished is run — so a request that a crash left
 * with work PENDING and nothing failed continues too.
 */
export function retry(core: Core, state: RootState, task: Task): CommandResults['task.retry'] {
  const rootId = state.doc.rootId;
  const root = state.tasks.get(rootId)!;
  if (state.doc.control === 'cancelled') throw new ApiError('conflict', `request ${rootId} was cancelled: nothing of it runs again`);
  if (state.doc.awaitingApproval) throw new ApiError('conflict', `request ${rootId} has a plan waiting for approval: approve, edit, re-plan or reject it`);
  const groups: Task[] = task.kind === 'root' ? root.subtasks.map((g) => state.tasks.get(g)!) : [groupOf(state, task)];
  const live = core.sessions.activeTaskIds(rootId);
  const reset: string[] = [];
  let unfinished = 0;
  for (const group of groups) {
    const leaves = leavesOf(state.tasks, group.id);
    const stuck = leaves.filter((l) => l.status === 'FAILED' || l.status === 'BLOCKED');
    unfinished += leaves.filter((l) => UNFINISHED.has(l.status)).length;
    if (stuck.length === 0) continue;
    if (live.has(group.id)) throw new ApiError('conflict', `group ${label(group)} still has a running session; stop it before retrying`);
    for (const leaf of stuck) {
      core.journal.setStatus(state, leaf, 'PENDING', `retry requested (was ${leaf.status})`);
      leaf.result = undefined;
      reset.push(leaf.id);
    }
    core.journal.event(state, group.id, 'retry', `retry: ${stuck.length} subtask(s) reset to PENDING`);
  }
  let replan = false;
  if (task.kind === 'root' && root.subtasks.length === 0 && root.status !== 'IN_PROGRESS') {
    if (live.has(rootId)) throw new ApiError('conflict', 'the request is still being planned');
    core.journal.setStatus(state, root, 'PENDING', 'retry requested: planning again');
    reset.push(rootId);
    replan = true;
  }
  if (reset.length === 0 && unfinished === 0) {
    throw new ApiError('conflict', `nothing to retry under ${label(task)}: nothing FAILED, BLOCKED or unfinished`);
  }
  if (reset.length === 0 && task.kind !== 'root') {
    // A group with nothing to reset can only carry on when what it waits for is done.
    const waitsFor = groups[0]!.dependsOn.map((d) => state.tasks.get(d)!).filter((d) => state.agg.get(d.id)?.status !== 'COMPLETED');
    if (waitsFor.length) {
      throw new ApiError(
        'conflict',
        `nothing to retry under ${label(task)}: its group waits for ${waitsFor.map((d) => `${label(d)} (${state.agg.get(d.id)?.status ?? d.status})`).join(', ')}; retry those or the request`,
      );
    }
  }
  if (reset.length === 0) core.journal.event(state, task.id, 'retry', `carrying on: ${unfinished} unfinished subtask(s)`);
  const resumed = state.doc.control === 'paused';
  if (resumed) {
    // A retry asks for the work to carry on: it ends a pause.
    state.doc.control = undefined;
    core.journal.event(state, rootId, 'notice', 'request resumed by a retry');
  }
  core.activeRoots.add(rootId);
  state.settled = false;
  commit(core, state, reset.length ? reset : [task.id]);
  if (resumed) core.rootsChanged();
  if (replan) {
    if (state.doc.options.plannerProfile) startPlanning(core, state);
    else core.notice('info', `request ${rootId} waits for its plan`, rootId);
  }
  return { rootId, reset };
}
