// Integration: the engine's side of worktree isolation (the git layer is main/core/git).
//
// Each group works in a worktree of its own on `<integration>--<plan id>`; when its session exits its
// work is committed there; when the group is COMPLETED (the scheduler's `merge` decision) its branch is
// merged into the request's integration branch, and only then do the groups that depend on it start.
// A conflict adds a leaf "Resolve the merge conflict in …" under the group: the next session of the
// group is a resolution session in the resolution worktree; if it cannot resolve, the leaf becomes
// BLOCKED with the files and the folder a person can open — so the group's status stays the one rule
// of aggregation, and a retry of the group runs the resolution again.
//
// Git calls are async. All git work of one request runs through one promise queue (IntegrationQueue),
// so its operations never interleave; a group with work queued is `busy` for the scheduler. After
// each step the git record (state.doc.git, updated in place by the git layer) is committed through
// the journal (`meta.git`), so it is replayed after a crash.
import fs from 'node:fs';
import type { SessionInfo, Task } from '../../../preload/model';
import {
  commitGroup,
  diff,
  finishResolution,
  mergeGroup,
  prepareGroup,
  prepareResolution,
  removeGroupWorktree,
  type GitRequestRecord,
} from '../git';
import type { GroupContext } from '../sessions/prompt';
import { commit, type Core } from './core';
import { addTask, leavesOf, makeTask, nextPlanId, UNFINISHED, type IntegrationRecord, type RootState } from './state';

/** One promise chain per request; counts of queued jobs per group (the scheduler's `busy`). */
export class IntegrationQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly busy = new Map<string, Map<string, number>>();
  private all: Promise<void> = Promise.resolve();

  /** `afterJob` runs when a job is done and its group no longer busy (the engine schedules then). */
  constructor(private readonly afterJob: () => void = () => {}) {}

  /** Queues `job` after the request's earlier git work; `onError` reports a failure (the queue goes on). */
  run(rootId: string, groupId: string, job: () => Promise<void>, onError: (err: Error) => void): void {
    let counts = this.busy.get(rootId);
    if (!counts) this.busy.set(rootId, (counts = new Map()));
    counts.set(groupId, (counts.get(groupId) ?? 0) + 1);
    const done = (): void => {
      const n = (counts.get(groupId) ?? 1) - 1;
      if (n > 0) counts.set(groupId, n);
      else counts.delete(groupId);
      this.afterJob();
    };
    const tail = (this.tails.get(rootId) ?? Promise.resolve())
      .then(job)
      .catch((err: unknown) => {
        try {
          onError(err instanceof Error ? err : new Error(String(err)));
        } catch {
          // a report that fails must not stop the queue
        }
      })
      .finally(done);
    this.tails.set(rootId, tail);
    this.all = Promise.all([this.all, tail]).then(() => undefined);
  }

  /** Group task ids with git work queued or under way. */
  busyGroups(rootId: string): ReadonlySet<string> {
    return new Set(this.busy.get(rootId)?.keys() ?? []);
  }

  /** Resolves once every queued job (including ones queued meanwhile) has finished. */
  async idle(): Promise<void> {
    for (;;) {
      const seen = this.all;
      await seen;
      if (seen === this.all) return;
    }
  }
}

/**
 * Runs `fn` (a person's Apply or Discard) after the request's queued git work, then commits what it
 * changed in the git record; resolves with `fn`'s result.
 */
export function afterGitWork<T>(core: Core, queue: IntegrationQueue, state: RootState, fn: () => Promise<T>): Promise<T> {
  const rootId = state.doc.rootId;
  return new Promise<T>((resolve, reject) => {
    queue.run(
      rootId,
      rootId,
      async () => {
        const out = await fn();
        state.gitDirty = true;
        commit(core, state, [rootId]);
        resolve(out);
      },
      reject,
    );
  });
}

const message = (err: Error) => err.message.split('\n')[0]!;

function integrationOf(state: RootState): IntegrationRecord {
  return (state.doc.integration ??= { resolveLeaf: {} });
}

function gitRecord(state: RootState): GitRequestRecord {
  return state.doc.git!;
}

/** The group's key in the git record: its plan id. */
function planIdOf(group: Task): string {
  return group.planId ?? group.id;
}

/** FAILS the group's unfinished leaves with `reason` (a worktree that cannot be prepared). */
function failUnfinished(core: Core, state: RootState, group: Task, reason: string): void {
  const changed = [group.id];
  core.journal.event(state, group.id, 'error', reason);
  for (const leaf of leavesOf(state.tasks, group.id)) {
    if (!UNFINISHED.has(leaf.status)) continue;
    core.journal.setStatus(state, leaf, 'FAILED', reason);
    changed.push(leaf.id);
  }
  commit(core, state, changed);
  core.notice('error', reason, state.doc.rootId, group.id);
}

/** Adds a leaf under the group (Maestro's own work item: a conflict to resolve, a merge that failed). */
function addLeaf(core: Core, state: RootState, group: Task, title: string, description: string): Task {
  const leaf = makeTask({ rootId: state.doc.rootId, parentId: group.id, kind: 'subtask', planId: nextPlanId(state), title, description }, Date.now());
  addTask(core.requests, state, leaf);
  core.journal.event(state, group.id, 'subtask-added', `subtask ${leaf.planId} added by Maestro: ${title}`, { data: { subtaskId: leaf.id } });
  return leaf;
}

/** The last attempt of a group, for the prompt of its retry: why it ended, its last lines. */
function lastAttempt(state: RootState, group: Task): { reason?: string; lastLines: string[] } | undefined {
  const sessions = [...state.sessions.values()].filter((s) => s.taskId === group.id && s.role === 'worker' && s.endedAt);
  const last = sessions.sort((a, b) => a.startedAt - b.startedAt).pop();
  if (!last) return undefined;
  const leafIds = new Set(leavesOf(state.tasks, group.id).map((l) => l.id));
  let reason: string | undefined;
  let lastLines: string[] = [];
  for (const ev of state.timeline) {
    if (ev.at < last.startedAt) continue;
    if (leafIds.has(ev.taskId) && (ev.status === 'FAILED' || ev.status === 'BLOCKED')) reason = ev.message;
    if (ev.type === 'session-exit' && ev.sessionId === last.id && Array.isArray(ev.data?.lastLines)) lastLines = ev.data.lastLines as string[];
  }
  return reason ? { reason, lastLines: lastLines.slice(-12) } : undefined;
}

const statLines = (files: Array<{ file: string; added: number; deleted: number; binary: boolean }>): string[] =>
  files.map((f) => `${f.file} | ${f.binary ? 'binary' : `+${f.added} -${f.deleted}`}`);

/** Starts a group: in place at once; with isolation, after its worktree (or its resolution worktree) is ready. */
export function startGroup(core: Core, state: RootState, group: Task): void {
  if (!state.doc.git) {
    const prev = lastAttempt(state, group);
    core.startSession(state, group, 'worker', prev ? { cwd: state.doc.options.workspace, context: { previous: { ...prev, diffStat: [] } } } : undefined);
    return;
  }
  const rootId = state.doc.rootId;
  if (state.doc.integration?.discarded) {
    failUnfinished(core, state, group, `the request's branches were discarded: group ${planIdOf(group)} cannot run again`);
    return;
  }
  core.integration.run(
    rootId,
    group.id,
    async () => {
      const rec = gitRecord(state);
      const planId = planIdOf(group);
      let cwd: string;
      let context: GroupContext;
      if (rec.groups[planId]?.resolution) {
        const prep = await prepareResolution(rec, planId);
        cwd = prep.cwd;
        context = { resolution: { worktree: prep.worktree, branch: prep.branch, groupBranch: rec.groups[planId]!.branch, integrationBranch: rec.integrationBranch, files: prep.files, others: await otherSides(state, planId, prep.files) } };
      } else {
        const prev = lastAttempt(state, group);
        const prep = await prepareGroup(rec, planId, group.title);
        delete rec.groups[planId]!.mergedCommit; // new work: it merges again when the group completes
        const diffStat = prev && prep.reused ? statLines(await diff(rec, { group: planId }, { stat: true })) : [];
        cwd = prep.cwd;
        context = { git: { branch: prep.branch, worktree: prep.worktree, integrationBranch: rec.integrationBranch }, previous: prev ? { ...prev, diffStat } : undefined };
      }
      state.gitDirty = true;
      const stillToDo = leavesOf(state.tasks, group.id).some((l) => UNFINISHED.has(l.status));
      if (core.closing || !stillToDo || core.sessions.activeTaskIds(rootId).has(group.id)) {
        commit(core, state, [group.id]);
        return;
      }
      core.startSession(state, group, 'worker', { cwd, context });
    },
    (err) => failUnfinished(core, state, group, `could not prepare the git worktree of group ${planIdOf(group)}: ${message(err)}`),
  );
}

/** The groups already merged that changed any of `files`: the other side of a conflict. */
async function otherSides(state: RootState, planId: string, files: string[]): Promise<Array<{ planId: string; title: string; subtasks: string[] }>> {
  const rec = gitRecord(state);
  const out: Array<{ planId: string; title: string; subtasks: string[] }> = [];
  const wanted = new Set(files);
  for (const [other, g] of Object.entries(rec.groups)) {
    if (other === planId || g.mergedCommit === undefined) continue;
    const changed = await diff(rec, { group: other }, { stat: true }).catch(() => []);
    if (!changed.some((f) => wanted.has(f.file))) continue;
    const task = [...state.tasks.values()].find((t) => t.kind === 'group' && t.planId === other);
    const subtasks = task ? leavesOf(state.tasks, task.id).map((l) => `${l.title}${l.description ? `: ${l.description.split('\n')[0]}` : ''}`) : [];
    out.push({ planId: other, title: g.title, subtasks });
  }
  return out;
}

/** After a worker session of an isolated request: commit its work, or finish the conflict it resolved. */
export function workerExited(core: Core, state: RootState, info: SessionInfo): void {
  const group = state.tasks.get(info.taskId);
  if (!group || group.kind !== 'group') return;
  const planId = planIdOf(group);
  core.integration.run(
    state.doc.rootId,
    group.id,
    async () => {
      const rec = gitRecord(state);
      const g = rec.groups[planId];
      if (!g || state.doc.integration?.discarded) return;
      if (g.resolution) return finishConflict(core, state, group, info);
      if (!g.worktree || !fs.existsSync(g.worktree)) return;
      const leaves = leavesOf(state.tasks, group.id).map((l) => l.planId ?? l.id);
      const sha = await commitGroup(rec, planId, { message: `${group.title}\n\nMaestro group ${planId}, subtasks ${leaves.join(', ')} (session ${info.id})` });
      if (sha) {
        core.journal.event(state, group.id, 'log', `committed the session's work on ${g.branch} (${sha.slice(0, 10)})`, { sessionId: info.id });
        core.journal.flush(state);
      }
    },
    (err) => {
      core.journal.event(state, group.id, 'error', `could not commit the work of session ${info.id}: ${message(err)}`, { sessionId: info.id });
      core.journal.flush(state);
      core.notice('error', `group ${planId}: could not commit its work: ${message(err)}`, state.doc.rootId, group.id);
    },
  );
}

/** The resolution session exited: merge its resolution, or BLOCK the conflict leaf naming the files and the folder. */
async function finishConflict(core: Core, state: RootState, group: Task, info: SessionInfo): Promise<void> {
  const rec = gitRecord(state);
  const planId = planIdOf(group);
  const g = rec.groups[planId]!;
  const res = g.resolution!;
  const integration = integrationOf(state);
  const leaf = state.tasks.get(integration.resolveLeaf[planId] ?? '');
  let why: string;
  if (!leaf || leaf.status === 'COMPLETED') {
    const r = await finishResolution(rec, planId);
    state.gitDirty = true;
    if ('merged' in r) {
      delete integration.resolveLeaf[planId];
      core.journal.event(state, group.id, 'log', `merge conflict in ${res.files.join(', ')} resolved; merged into ${rec.integrationBranch}`, { sessionId: info.id });
      await removeWorktree(core, state, group);
      commit(core, state, [group.id]);
      return;
    }
    why = 'unresolved' in r ? r.reason : `the integration branch moved meanwhile and conflicts again in ${r.conflict.join(', ')}`;
  } else {
    why = `the resolution session did not resolve it (${leaf.status}${leaf.result ? `: ${leaf.result}` : ''})`;
  }
  const reason =
    `merge conflict in ${res.files.join(', ')}: ${why}. Both versions are kept (${g.branch} and ${rec.integrationBranch}). ` +
    `Open a shell in ${res.worktree}, resolve the files, then retry the group`;
  if (leaf) core.journal.setStatus(state, leaf, 'BLOCKED', reason, { sessionId: info.id });
  state.gitDirty = true;
  commit(core, state, leaf ? [leaf.id, group.id] : [group.id]);
  core.notice('warning', `group ${planId}: ${reason}`, state.doc.rootId, group.id);
}

async function removeWorktree(core: Core, state: RootState, group: Task): Promise<void> {
  const r = await removeGroupWorktree(gitRecord(state), planIdOf(group));
  if (!r.removed) core.journal.event(state, group.id, 'notice', `its worktree was kept: ${r.reason}`);
}

/** The scheduler's `merge`: the COMPLETED group's branch into the integration branch (after a last commit). */
export function mergeGroupWork(core: Core, state: RootState, group: Task): void {
  const planId = planIdOf(group);
  core.integration.run(
    state.doc.rootId,
    group.id,
    async () => {
      const rec = gitRecord(state);
      if (state.doc.integration?.discarded) return;
      if (!rec.groups[planId]) await prepareGroup(rec, planId, group.title); // completed without a session of its own
      const g = rec.groups[planId]!;
      if (g.worktree && fs.existsSync(g.worktree)) await commitGroup(rec, planId, { message: `${group.title}\n\nMaestro group ${planId}: last changes` });
      const r = await mergeGroup(rec, planId);
      state.gitDirty = true;
      if ('merged' in r) {
        core.journal.event(state, group.id, 'log', `merged ${g.branch} into ${rec.integrationBranch} (${r.merged.slice(0, 10)})`);
        await removeWorktree(core, state, group);
        commit(core, state, [group.id]);
        return;
      }
      const prep = await prepareResolution(rec, planId);
      const files = prep.files.join(', ');
      const leaf = addLeaf(
        core,
        state,
        group,
        `Resolve the merge conflict in ${files}`,
        `Merging ${g.branch} into ${rec.integrationBranch} conflicts in ${files}. Resolve the conflict markers in ${prep.worktree}, keeping both sides' intent.`,
      );
      integrationOf(state).resolveLeaf[planId] = leaf.id;
      core.journal.event(state, group.id, 'notice', `merge conflict with ${rec.integrationBranch} in ${files}: a resolution session starts in ${prep.worktree}`);
      commit(core, state, [group.id, leaf.id]);
    },
    (err) => {
      const leaf = addLeaf(core, state, group, `Merge the group's work into the integration branch`, 'Maestro could not merge this group.');
      const reason = `could not merge group ${planId}: ${message(err)}; fix it, then retry the group`;
      core.journal.setStatus(state, leaf, 'BLOCKED', reason);
      state.gitDirty = true;
      commit(core, state, [group.id, leaf.id]);
      core.notice('error', reason, state.doc.rootId, group.id);
    },
  );
}
