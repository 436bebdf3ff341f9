// A request's branches and worktrees: the integration branch, a worktree per plan group, merging a
// finished group into the integration branch without any checkout.
//
// State lives in a small JSON record (GitRequestRecord) that the engine stores with the request. The
// functions here update the record IN PLACE and the caller persists it after each call. Each call is
// safe to repeat after a crash between the git change and the save: an existing worktree or branch
// of the group is found and reused, never recreated over.
//
// The user's checkout (HEAD, branch, index, working tree) is never touched here: new branches are
// made with `update-ref`, work happens in worktrees under the data dir, merges are made in the object
// store (`merge-tree`, `commit-tree`) and land with a compare-and-swap `update-ref`.
import fs from 'node:fs';
import path from 'node:path';
import { groupBranchName, integrationBranchName, planKey } from './names';
import { advanceBranch, branchTip, commitOf, createBranch, identityConfig, isAncestor, listWorktrees, requireTip, withRepoLock } from './repo';
import { ensureGit, git, GitError, gitOut, SAFE_COMMIT_CONFIG } from './run';
import { dirtyFiles, inspectWorkspace, type WorkspaceProblem } from './workspace';

export interface GitResolutionRecord {
  worktree: string;
  branch: string;
  /** The integration tip the resolution merge started from. */
  onto: string;
  /** The files that conflicted. */
  files: string[];
}

export interface GitGroupRecord {
  title: string;
  /** The plan id made safe for branch and folder names (`g1`). */
  key: string;
  branch: string;
  /** The group's worktree; absent once removed (after its branch was merged). */
  worktree?: string;
  /** The integration tip the branch started from (the group's diff is `startCommit..branch`). */
  startCommit: string;
  /** The integration tip that first contained the group's work, once merged. */
  mergedCommit?: string;
  /** A conflict resolution in progress. */
  resolution?: GitResolutionRecord;
}

export interface GitRequestRecord {
  /** Top level of the user's checkout (the workspace's repository). */
  repo: string;
  /** The workspace relative to `repo` ('' or `pkg/`): sessions run in the same place of a worktree. */
  subdir: string;
  rootId: string;
  /** `<dataDir>/worktrees/<rootId>`: every worktree of this request is inside. */
  worktreeRoot: string;
  baseCommit: string;
  /** The branch checked out when the request started (informational: apply uses the current one). */
  baseBranch: string;
  integrationBranch: string;
  /** By plan id. */
  groups: Record<string, GitGroupRecord>;
}

/** The workspace cannot take worktree isolation; `code` as inspectWorkspace's, plus 'not-repository'. */
export class IsolationError extends Error {
  constructor(
    readonly code: WorkspaceProblem | 'not-repository' | 'data-dir-inside',
    message: string,
  ) {
    super(message);
    this.name = 'IsolationError';
  }
}

export interface StartedRequest {
  record: GitRequestRecord;
  /** Uncommitted files in the user's checkout at start: NOT part of the request. */
  notIncluded: string[];
  hasSubmodules: boolean;
}

const isInside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
  const abs = path.resolve(p);
  if (fs.existsSync(abs)) return fs.realpathSync(abs);
  const parent = path.dirname(abs);
  return parent === abs ? abs : path.join(realish(parent), path.basename(abs));
}

/**
 * Records the base (the workspace's HEAD) and creates the request's integration branch there.
 * Throws IsolationError (nothing created) when the workspace cannot be used.
 */
export async function startRequest(opts: { repo: string; dataDir: string; rootId: string; title: string }): Promise<StartedRequest> {
  await ensureGit();
  const info = await inspectWorkspace(opts.repo);
  if (info.kind === 'not-repository') throw new IsolationError('not-repository', `${opts.repo} is not a git repository`);
  if (info.kind === 'error') throw new IsolationError(info.code, info.message);
  const worktreeRoot = path.join(realish(opts.dataDir), 'worktrees', planKey(opts.rootId));
  if (isInside(worktreeRoot, info.root)) {
    throw new IsolationError(
      'data-dir-inside',
      `the data dir ${opts.dataDir} is inside the repository ${info.root}: worktrees there would show in its git status; use a data dir outside it`,
    );
  }
  return withRepoLock(info.root, async () => {
    const wanted = integrationBranchName(opts.rootId, opts.title);
    for (let n = 1; n <= 50; n++) {
      const name = n === 1 ? wanted : `${wanted}-${n}`;
      if (await createBranch(info.root, name, info.head, `maestro: start request ${opts.rootId}`)) {
        const record: GitRequestRecord = {
          repo: info.root,
          subdir: info.subdir,
          rootId: opts.rootId,
          worktreeRoot,
          baseCommit: info.head,
          baseBranch: info.branch,
          integrationBranch: name,
          groups: {},
        };
        return { record, notIncluded: info.dirty, hasSubmodules: info.hasSubmodules };
      }
    }
    const blocker = (await branchTip(info.root, 'maestro')) ? ' (a branch named "maestro" blocks every branch under maestro/: rename it)' : '';
    throw new GitError(`cannot create a branch named ${wanted} in ${info.root}${blocker}`, ['update-ref', wanted], info.root, null, '');
  });
}

export interface PreparedGroup {
  /** The worktree folder. */
  worktree: string;
  /** Where the group's sessions run: the worktree plus the workspace's subdir. */
  cwd: string;
  branch: string;
  /** True when an existing worktree was reused as it is (a retry keeps partial work). */
  reused: boolean;
}

export function groupOf(record: GitRequestRecord, planId: string): GitGroupRecord {
  const g = record.groups[planId];
  if (!g) throw new GitError(`group ${planId} has no branch in request ${record.rootId}`, [], record.repo, null, '');
  return g;
}

function uniqueKey(record: GitRequestRecord, planId: string): string {
  const taken = new Set(Object.values(record.groups).map((g) => g.key));
  const base = planKey(planId);
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
}

/** Refuses unless `dir` is a registered worktree of `repo` with `branch` checked out. */
async function requireWorktreeOn(repo: string, dir: string, branch: string): Promise<void> {
  const real = fs.realpathSync(dir);
  const entry = (await listWorktrees(repo)).find((w) => !w.prunable && realish(w.path) === real);
  if (entry?.branch === branch) return;
  const message = entry
    ? `the worktree ${dir} is on ${entry.branch ?? 'a detached HEAD'}, not on ${branch}: switch it back (git -C ${dir} switch ${branch}), then retry`
    : `${dir} exists but is not a worktree of ${repo}: move it away (Maestro does not delete it), then retry`;
  throw new GitError(message, ['worktree', 'list'], repo, null, '');
}

async function addWorktree(repo: string, dir: string, branch: string, newAt?: string): Promise<void> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  await git(repo, ['worktree', 'prune']);
  const args = newAt ? ['worktree', 'add', '-b', branch, dir, newAt] : ['worktree', 'add', dir, branch];
  await git(repo, args, { config: SAFE_COMMIT_CONFIG });
}

/**
 * The group's worktree, on branch `<integration>--<plan id>` made from the integration branch as it
 * is now (so a group sees the merged work of the groups it depends on). An existing worktree of the
 * group is reused as it is. A group whose branch was merged and whose worktree was removed (a redo)
 * starts a new round: its branch moves up to the integration tip, and `startCommit` with it.
 */
export function prepareGroup(record: GitRequestRecord, planId: string, title: string): Promise<PreparedGroup> {
  return withRepoLock(record.repo, async () => {
    const repo = record.repo;
    const existing = record.groups[planId];
    const key = existing?.key ?? uniqueKey(record, planId);
    const branch = existing?.branch ?? groupBranchName(record.integrationBranch, key);
    const dir = existing?.worktree ?? path.join(record.worktreeRoot, key);
    const done = (reused: boolean): PreparedGroup => ({ worktree: dir, cwd: path.join(dir, record.subdir), branch, reused });

    if (fs.existsSync(dir)) {
      await requireWorktreeOn(repo, dir, branch);
      if (!existing) record.groups[planId] = { title, key, branch, worktree: dir, startCommit: await forkPoint(record, branch) };
      else existing.worktree = dir;
      return done(true);
    }

    const integration = await requireTip(repo, record.integrationBranch);
    const tip = await branchTip(repo, branch);
    if (!tip) {
      await addWorktree(repo, dir, branch, integration);
      record.groups[planId] = { title, key, branch, worktree: dir, startCommit: integration };
      return done(false);
    }
    // The branch exists without its worktree: a redo after a merge, or a crash before the record was saved.
    const g: GitGroupRecord = { ...existing, title, key, branch, worktree: dir, startCommit: existing?.startCommit ?? (await forkPoint(record, branch)) };
    if (g.mergedCommit !== undefined && (await isAncestor(repo, tip, integration))) {
      if (tip !== integration) {
        await git(repo, ['update-ref', '-m', `maestro: new round of ${planId}`, `refs/heads/${branch}`, integration, tip]);
      }
      g.startCommit = integration;
      delete g.mergedCommit;
    }
    await addWorktree(repo, dir, branch);
    record.groups[planId] = g;
    return done(false);
  });
}

/** Where a group branch found without a record left the integration branch. */
async function forkPoint(record: GitRequestRecord, branch: string): Promise<string> {
  return gitOut(record.repo, ['merge-base', `refs/heads/${record.integrationBranch}`, `refs/heads/${branch}`]);
}

/** Refuses when the worktree is not on `branch` or has a merge/rebase/cherry-pick under way. */
export async function checkWorktreeState(dir: string, branch: string): Promise<void> {
  if (!fs.existsSync(dir)) throw new GitError(`the worktree ${dir} does not exist`, [], dir, null, '');
  const head = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { ok: [0, 1] });
  if (head.stdout.trim() !== branch) {
    throw new GitError(
      `the worktree ${dir} is on ${head.stdout.trim() || 'a detached HEAD'}, not on ${branch}: switch it back (git switch ${branch}), then retry`,
      ['symbolic-ref', 'HEAD'], dir, null, '',
    );
  }
  for (const marker of ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply']) {
    const p = await gitOut(dir, ['rev-parse', '--path-format=absolute', '--git-path', marker]);
    if (fs.existsSync(p)) {
      throw new GitError(`the worktree ${dir} has an unfinished git operation (${marker}): finish or abort it, then retry`, [], dir, null, '');
    }
  }
}

/**
 * Stages everything in the group's worktree (new, changed and deleted files) and commits it on the
 * group's branch: author from git config, else "Maestro <maestro@localhost>"; no hooks, no signing.
 * Returns the new commit, or null when there was nothing to commit.
 */
export function commitGroup(record: GitRequestRecord, planId: string, opts: { message: string }): Promise<string | null> {
  return withRepoLock(record.repo, async () => {
    const g = groupOf(record, planId);
    if (!g.worktree) throw new GitError(`group ${planId} has no worktree (it was removed after its merge)`, [], record.repo, null, '');
    await checkWorktreeState(g.worktree, g.branch);
    await git(g.worktree, ['add', '--all']);
    const staged = await git(g.worktree, ['diff', '--cached', '--quiet'], { ok: [0, 1] });
    if (staged.code === 0) return null;
    const config = await identityConfig(g.worktree);
    await git(g.worktree, ['commit', '--quiet', '--no-verify', '-m', opts.message], { config });
    return (await commitOf(g.worktree, 'HEAD'))!;
  });
}

export type MergeResult = { merged: string } | { conflict: string[] };

/**
 * Merges the group's branch into the integration branch without a checkout. `{ merged }`: the new
 * integration tip (unchanged when there was nothing to merge). `{ conflict }`: the conflicted files;
 * nothing changed, both branches keep their commits (see prepareResolution).
 * Only committed work is merged: call commitGroup first.
 */
export function mergeGroup(record: GitRequestRecord, planId: string): Promise<MergeResult> {
  return withRepoLock(record.repo, async () => {
    const g = groupOf(record, planId);
    const tip = await requireTip(record.repo, g.branch);
    const r = await advanceBranch(record.repo, record.integrationBranch, tip, `Merge group ${planId}: ${g.title}`);
    if ('merged' in r) g.mergedCommit = r.merged;
    return r;
  });
}

export type RemoveResult = { removed: true } | { removed: false; reason: string };

/**
 * Removes the group's worktree, only when everything in it is in the integration branch: its branch
 * fully merged and nothing uncommitted. The branch itself stays (until apply or discard).
 */
export function removeGroupWorktree(record: GitRequestRecord, planId: string): Promise<RemoveResult> {
  return withRepoLock(record.repo, async () => {
    const g = groupOf(record, planId);
    const repo = record.repo;
    if (!g.worktree) return { removed: true };
    const tip = await requireTip(repo, g.branch);
    if (!(await isAncestor(repo, tip, await requireTip(repo, record.integrationBranch)))) {
      return { removed: false, reason: `branch ${g.branch} has commits not merged into ${record.integrationBranch}` };
    }
    if (fs.existsSync(g.worktree)) {
      const dirty = await dirtyFiles(g.worktree);
      if (dirty.length) return { removed: false, reason: `uncommitted files in ${g.worktree}: ${dirty.join(', ')}` };
      await git(repo, ['worktree', 'remove', g.worktree]);
    }
    await git(repo, ['worktree', 'prune']);
    delete g.worktree;
    removeIfEmpty(record.worktreeRoot);
    return { removed: true };
  });
}

/** Removes folder `dir` when it exists and is empty. */
export function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty, or already gone
  }
}
