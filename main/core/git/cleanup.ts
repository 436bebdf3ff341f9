// Ending a request's git footprint (discard) and finding what earlier runs left behind (prune).
import fs from 'node:fs';
import path from 'node:path';
import type { GitRequestRecord } from './integration';
import { BRANCH_PREFIX } from './names';
import { listWorktrees, withRepoLock, type WorktreeEntry } from './repo';
import { ensureGit, git, splitNul } from './run';

export interface DiscardResult {
  removedWorktrees: string[];
  deletedBranches: string[];
  /** Branches git refused to delete (e.g. the user checked one out): kept, with git's reason. */
  kept: { branch: string; reason: string }[];
}

const inside = (p: string, dir: string): boolean => {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

const real = (p: string): string => (fs.existsSync(p) ? fs.realpathSync(p) : path.resolve(p));

/** Local branches under `refs/heads/maestro/`, short names. */
async function maestroBranches(repo: string): Promise<string[]> {
  const out = await git(repo, ['for-each-ref', '--format=%(refname:short)%00', `refs/heads/${BRANCH_PREFIX}`]);
  return splitNul(out.stdout.replace(/\n/g, '')).filter(Boolean);
}

/** The request's branches: the integration branch and every `<integration>--…` (groups, resolutions). */
const ownedBy = (record: GitRequestRecord) => (branch: string): boolean =>
  branch === record.integrationBranch || branch.startsWith(`${record.integrationBranch}--`);

/**
 * Removes every worktree of the request (uncommitted work in them included: this is the user's
 * explicit choice) and deletes its branches. A branch that is checked out in the user's own checkout
 * is kept and reported; nothing of the user's checkout is touched.
 */
export function discard(record: GitRequestRecord): Promise<DiscardResult> {
  return withRepoLock(record.repo, async () => {
    const repo = record.repo;
    const owned = ownedBy(record);
    const root = real(record.worktreeRoot);
    const removedWorktrees: string[] = [];
    for (const w of (await listWorktrees(repo)).slice(1)) {
      if (!inside(real(w.path), root)) continue; // only Maestro's own folders, never a checkout of the user's
      if (fs.existsSync(w.path)) {
        await git(repo, ['worktree', 'remove', '--force', '--force', w.path]);
        removedWorktrees.push(w.path);
      }
    }
    await git(repo, ['worktree', 'prune']);
    // The request's folder under `<dataDir>/worktrees/`: checked, so that a damaged record cannot
    // point the removal at anything else.
    if (path.basename(path.dirname(root)) === 'worktrees' && !inside(root, real(repo)) && root !== real(repo)) {
      fs.rmSync(root, { recursive: true, force: true });
    }
    for (const g of Object.values(record.groups)) {
      delete g.worktree;
      delete g.resolution;
    }
    const deletedBranches: string[] = [];
    const kept: DiscardResult['kept'] = [];
    for (const branch of (await maestroBranches(repo)).filter(owned)) {
      const r = await git(repo, ['branch', '-D', '--', branch], { ok: [0, 1, 128] });
      if (r.code === 0) deletedBranches.push(branch);
      else kept.push({ branch, reason: r.stderr.trim().split('\n').pop() ?? 'git refused' });
    }
    return { removedWorktrees, deletedBranches, kept };
  });
}

export interface LeftoverReport {
  /** Worktrees (registered, folder present) under `<dataDir>/worktrees/` or on a `maestro/` branch. */
  worktrees: WorktreeEntry[];
  /** Every local branch under `maestro/` (the caller knows which requests are still alive). */
  branches: string[];
}

/** `git worktree prune` (drops entries whose folder is gone), then lists what Maestro has left in `repo`. */
export async function pruneAndReport(repo: string, dataDir: string): Promise<LeftoverReport> {
  await ensureGit();
  return withRepoLock(repo, async () => {
    await git(repo, ['worktree', 'prune']);
    const root = real(path.join(dataDir, 'worktrees'));
    const worktrees = (await listWorktrees(repo))
      .slice(1)
      .filter((w) => inside(real(w.path), root) || (w.branch?.startsWith(BRANCH_PREFIX) ?? false));
    return { worktrees, branches: await maestroBranches(repo) };
  });
}
