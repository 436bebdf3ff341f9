// Review and the end of a request's git life: the diff of a group or a request, redo of a COMPLETED
// group with a note, apply (the integration branch into the user's current branch), discard (all the
// request's branches and worktrees), and the report of what earlier runs left behind.
// The same functions serve a running engine and the CLI without one (reading the data dir).
import type { ApplyResult, CommandResults, DiffResult } from '../../../preload/contract';
import type { Task } from '../../../preload/model';
import { ApiError } from '../../../preload/wire';
import { apply, diff, discard, pruneAndReport, type GitRequestRecord } from '../git';
import { commit, type Core } from './core';
import { addTask, groupOf, label, makeTask, nextPlanId, type RootState } from './state';

function recordOf(state: RootState): GitRequestRecord {
  const rec = state.doc.git;
  if (!rec) {
    throw new ApiError(
      'conflict',
      `request ${state.doc.rootId} works in place in ${state.doc.options.workspace} (no git isolation): it has no branch to diff, apply or discard`,
    );
  }
  if (state.doc.integration?.discarded) throw new ApiError('conflict', `request ${state.doc.rootId} was discarded: its branches are gone`);
  return rec;
}

/** What a task changed: a group its branch since it started, a subtask its group's, the root the whole request. */
export async function diffOf(state: RootState, task: Task, stat: boolean): Promise<DiffResult> {
  const rec = recordOf(state);
  if (task.kind === 'root') {
    const files = await diff(rec, 'request', { stat: true });
    const patch = stat ? undefined : await diff(rec, 'request');
    return { scope: 'request', branch: rec.integrationBranch, base: rec.baseCommit, files, ...(patch === undefined ? {} : { patch }) };
  }
  const group = groupOf(state, task);
  const planId = group.planId ?? group.id;
  const g = rec.groups[planId];
  if (!g) throw new ApiError('conflict', `group ${label(group)} has not started yet: it has no branch`);
  const files = await diff(rec, { group: planId }, { stat: true });
  const patch = stat ? undefined : await diff(rec, { group: planId });
  return { scope: 'group', branch: g.branch, base: g.startCommit, files, ...(patch === undefined ? {} : { patch }) };
}

/** Merges the integration branch into the workspace's current branch (refusing with the files named). */
export async function applyRequest(state: RootState): Promise<ApplyResult> {
  const r = await apply(recordOf(state), state.doc.options.workspace);
  if (r.ok) (state.doc.integration ??= { resolveLeaf: {} }).applied = true;
  return r;
}

/** Deletes the request's worktrees and branches (uncommitted work in them included: the user's choice). */
export async function discardRequest(state: RootState, liveSessions: number): Promise<CommandResults['roots.discard']> {
  if (liveSessions > 0) throw new ApiError('conflict', `request ${state.doc.rootId} has ${liveSessions} running session(s): stop them before discarding`);
  const r = await discard(recordOf(state));
  (state.doc.integration ??= { resolveLeaf: {} }).discarded = true;
  return r;
}

/**
 * Redo of a COMPLETED group with a note: a new subtask "Redo: …" under it makes the group unfinished,
 * so the scheduler starts a new session on the same branch; what it changes merges again.
 */
export function redo(core: Core, state: RootState, task: Task, note: string, busy: boolean): CommandResults['task.redo'] {
  const group = task.kind === 'root' ? undefined : groupOf(state, task);
  if (!group) throw new ApiError('bad-request', 'redo takes a group (or one of its subtasks), not the whole request');
  const status = state.agg.get(group.id)?.status ?? group.status;
  if (status !== 'COMPLETED') throw new ApiError('conflict', `group ${label(group)} is ${status}: only a COMPLETED group can be redone (retry a FAILED or BLOCKED one)`);
  if (busy || core.sessions.activeTaskIds(state.doc.rootId).has(group.id)) {
    throw new ApiError('conflict', `group ${label(group)} is still being worked on or merged; redo it once that is done`);
  }
  if (state.doc.integration?.discarded) throw new ApiError('conflict', `request ${state.doc.rootId} was discarded: its branches are gone`);
  const first = note.split('\n').find((l) => l.trim())?.trim() ?? note.trim();
  const title = `Redo: ${first.length > 100 ? `${first.slice(0, 99)}…` : first}`;
  const leaf = makeTask({ rootId: state.doc.rootId, parentId: group.id, kind: 'subtask', planId: nextPlanId(state), title, description: note.trim() }, Date.now());
  addTask(core.requests, state, leaf);
  core.journal.event(state, group.id, 'retry', `redo requested: ${first}`, { data: { subtaskId: leaf.id } });
  core.activeRoots.add(state.doc.rootId);
  state.settled = false;
  commit(core, state, [group.id, leaf.id]);
  return { rootId: state.doc.rootId, groupId: group.id };
}

/**
 * On start: `git worktree prune` in every repository a request uses, then the worktrees and
 * `maestro/` branches that no known request owns (a crash, a deleted data dir, another data dir).
 */
export async function leftoverReport(states: RootState[], dataDir: string): Promise<string[]> {
  const live = states.map((s) => s.doc).filter((d) => d.git && !d.integration?.discarded);
  const repos = [...new Set(live.map((d) => d.git!.repo))];
  const knownTrees = new Set<string>();
  for (const d of live) {
    for (const g of Object.values(d.git!.groups)) {
      if (g.worktree) knownTrees.add(g.worktree);
      if (g.resolution) knownTrees.add(g.resolution.worktree);
    }
  }
  const owned = (branch: string) => live.some((d) => branch === d.git!.integrationBranch || branch.startsWith(`${d.git!.integrationBranch}--`));
  const out: string[] = [];
  for (const repo of repos) {
    try {
      const r = await pruneAndReport(repo, dataDir);
      const trees = r.worktrees.filter((w) => !knownTrees.has(w.path)).map((w) => w.path);
      const branches = r.branches.filter((b) => !owned(b));
      if (trees.length) out.push(`${repo}: worktrees no request of this data dir knows: ${trees.join(', ')} (remove them with git worktree remove)`);
      if (branches.length) out.push(`${repo}: maestro branches no request of this data dir knows: ${branches.join(', ')}`);
    } catch (err) {
      out.push(`${repo}: could not check Maestro's worktrees: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return out;
}
