// The dev mock's worktree isolation: each demo request's git view (integration branch, base, each
// group's branch and state), and `task.diff`, `roots.apply`, `roots.discard`, `task.redo` the way the
// engine answers them (preload/contract.ts). Patches are in mock-diffs.ts.
import type { ApplyResult, CommandParams, CommandResults, DiffResult } from '../../preload/contract';
import type { RequestGitView, TaskView } from '../../preload/model';
import { ApiError } from '../../preload/wire';
import { filesOf } from '../changes/patch';
import type { MockRoot } from './mock-api';
import { GENERIC_PATCH, GROUP_PATCHES } from './mock-diffs';

export interface GitMockContext {
  rootOf(taskId: string): MockRoot;
  roots: Map<string, MockRoot>;
  /** Tells the clients that tasks changed (the git view travels with the next `tree.get`). */
  publish(root: MockRoot): void;
  /** Runs a group again: its subtasks go back to work in a new session, and complete after a while. */
  rerun(root: MockRoot, group: TaskView, taskIds: string[], message: string, done: () => void): void;
  log(root: MockRoot, taskId: string, message: string): void;
  dirtyWorkspace: boolean;
  dataDir: string;
}

const BASE_COMMIT = '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39';
/** A readable branch name part: the title's first words, lower case, at most about 24 characters. */
function slug(title: string): string {
  let out = '';
  for (const word of title.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
    if (out && out.length + word.length + 1 > 24) break;
    out = out ? `${out}-${word}` : word.slice(0, 24);
  }
  return out || 'request';
}

/** A request's git view at its start: an integration branch on the user's `main`, no group yet. */
export function newGitView(root: MockRoot): RequestGitView {
  const title = root.tasks.get(root.id)?.title ?? root.id;
  return { integrationBranch: `maestro/${root.id}-${slug(title)}`, baseCommit: BASE_COMMIT, baseBranch: 'main', groups: {} };
}

/** The demo request: g1 finished and merged; g2 and g3 at work on their branches; g4 failed on its branch. */
export function demoGitView(root: MockRoot): RequestGitView {
  const git = newGitView(root);
  const branch = (planId: string) => `${git.integrationBranch}/${planId}`;
  git.groups = {
    g1: { branch: branch('g1'), state: 'merged', files: filesOf(GROUP_PATCHES.g1).map((f) => f.file) },
    g2: { branch: branch('g2'), state: 'working' },
    g3: { branch: branch('g3'), state: 'working' },
    g4: { branch: branch('g4'), state: 'working' },
  };
  return git;
}

const patchOf = (root: MockRoot, planId: string) => (root.id === 'demo' ? (GROUP_PATCHES[planId] ?? '') : GENERIC_PATCH);

export function createGitMock(ctx: GitMockContext) {
  const gitOf = (root: MockRoot): RequestGitView => {
    if (!root.git) throw new ApiError('conflict', root.isolationWarning ? 'this request runs in place: there are no branches to compare' : `request ${root.id} has no branches`);
    return root.git;
  };
  /** The group a task's diff is about: itself, or a subtask's group. */
  const groupOf = (root: MockRoot, id: string): TaskView => {
    const t = root.tasks.get(id)!;
    return t.kind === 'subtask' ? root.tasks.get(t.parentId!)! : t;
  };
  const requestPatch = (root: MockRoot, git: RequestGitView) =>
    Object.entries(git.groups)
      .filter(([, g]) => g.state === 'merged')
      .map(([planId]) => patchOf(root, planId))
      .join('');

  const handlers: { [K in 'task.diff' | 'roots.apply' | 'roots.discard' | 'task.redo']: (p: CommandParams<K>) => CommandResults[K] } = {
    'task.diff': ({ id, stat }): DiffResult => {
      const root = ctx.rootOf(id);
      const git = gitOf(root);
      const task = root.tasks.get(id)!;
      let result: DiffResult;
      if (task.kind === 'root') {
        const patch = requestPatch(root, git);
        result = { scope: 'request', branch: git.integrationBranch, base: git.baseCommit.slice(0, 7), files: filesOf(patch), patch };
      } else {
        const group = groupOf(root, id);
        const g = git.groups[group.planId!];
        if (!g) throw new ApiError('conflict', `${group.title} has not started: it has no branch yet`);
        const patch = patchOf(root, group.planId!);
        result = { scope: 'group', branch: g.branch, base: `${git.integrationBranch}@${git.baseCommit.slice(0, 7)}`, files: filesOf(patch), patch };
      }
      if (stat) delete result.patch;
      return result;
    },

    'roots.apply': ({ rootId }): ApplyResult => {
      const root = ctx.roots.get(rootId);
      if (!root) throw new ApiError('not-found', `no request ${rootId}`);
      const git = gitOf(root);
      const files = filesOf(requestPatch(root, git)).map((f) => f.file);
      if (ctx.dirtyWorkspace) {
        return {
          ok: false,
          reason: 'dirty',
          message: `${git.baseBranch} has uncommitted changes in files the merge would touch. Commit or stash them, then apply again.`,
          files: files.slice(0, 2),
        };
      }
      const alreadyApplied = git.applied === true;
      root.git = { ...git, applied: true };
      ctx.log(root, rootId, alreadyApplied ? `${git.integrationBranch} was already applied to ${git.baseBranch}` : `applied ${git.integrationBranch} to ${git.baseBranch}`);
      ctx.publish(root);
      const after = '9d8e7f6';
      return { ok: true, branch: git.baseBranch, before: alreadyApplied ? after : git.baseCommit.slice(0, 7), after, files: alreadyApplied ? [] : files, alreadyApplied };
    },

    'roots.discard': ({ rootId }) => {
      const root = ctx.roots.get(rootId);
      if (!root) throw new ApiError('not-found', `no request ${rootId}`);
      const git = gitOf(root);
      const removedWorktrees: string[] = [];
      const deletedBranches: string[] = [git.integrationBranch];
      const kept: { branch: string; reason: string }[] = [];
      for (const [planId, g] of Object.entries(git.groups)) {
        const group = root.tasks.get(`${root.id}-${planId}`);
        if (group?.status === 'IN_PROGRESS') {
          kept.push({ branch: g.branch, reason: 'a session is still working in its worktree; stop it first' });
          continue;
        }
        if (g.state !== 'merged') removedWorktrees.push(`${ctx.dataDir}/worktrees/${root.id}/${planId}`);
        deletedBranches.push(g.branch);
      }
      root.git = kept.length
        ? { ...git, groups: Object.fromEntries(Object.entries(git.groups).filter(([, g]) => kept.some((k) => k.branch === g.branch))) }
        : undefined;
      if (!root.git) root.isolationWarning = undefined;
      ctx.log(root, rootId, `discarded: ${deletedBranches.length} branch(es) deleted, ${kept.length} kept`);
      ctx.publish(root);
      return { removedWorktrees, deletedBranches, kept };
    },

    'task.redo': ({ id, note }) => {
      const root = ctx.rootOf(id);
      const group = root.tasks.get(id)!;
      if (group.kind !== 'group') throw new ApiError('bad-request', 'only a group can be redone');
      if (group.status !== 'COMPLETED') throw new ApiError('conflict', `${group.title} is ${group.status.toLowerCase()}: only a completed group can be redone`);
      const git = root.git;
      const setState = (state: 'working' | 'merged') => {
        if (git && root.git?.groups[group.planId!]) root.git = { ...root.git, groups: { ...root.git.groups, [group.planId!]: { ...root.git.groups[group.planId!], state } } };
      };
      setState('working');
      ctx.rerun(root, group, group.subtasks, `Redo with a note: ${note}`, () => setState('merged'));
      return { rootId: root.id, groupId: group.id };
    },
  };
  return handlers;
}
