// Resolving a merge conflict between a group's branch and the integration branch.
//
// prepareResolution makes a worktree of Maestro's own (under the data dir) on a temporary branch at
// the integration tip, with `git merge --no-commit <group branch>` under way: the conflicted files
// hold conflict markers for an agent (or a person) to resolve. finishResolution checks that no marker
// is left, commits the merge, advances the integration branch by compare-and-swap, and removes the
// temporary worktree and branch. The group's own branch is never changed: both sides keep their commits.
import fs from 'node:fs';
import path from 'node:path';
import { groupOf, removeIfEmpty, type GitRequestRecord, type GitResolutionRecord } from './integration';
import { resolutionBranchName } from './names';
import { advanceBranch, branchTip, commitOf, identityConfig, isAncestor, listWorktrees, requireTip, withRepoLock } from './repo';
import { git, GitError, gitOut, SAFE_COMMIT_CONFIG, splitNul } from './run';

export interface PreparedResolution {
  worktree: string;
  /** Where a resolving session runs: the worktree plus the workspace's subdir. */
  cwd: string;
  branch: string;
  /** The files with conflicts (relative to the repository's top level). */
  files: string[];
  /** True when a resolution worktree of this group was already there and is reused as it is. */
  reused: boolean;
}

export type FinishResult =
  | { merged: string }
  /** Refused: conflict markers (or an unusable state) remain in these files; nothing changed. */
  | { unresolved: string[]; reason: string }
  /** The integration branch moved meanwhile and the resolved merge conflicts with it (rare). */
  | { conflict: string[] };

/** A line that git writes as a conflict marker (`<<<<<<< ours`, `>>>>>>> theirs`, `||||||| base`). */
const MARKER = /^(<{7}|>{7}|\|{7})( |$)/m;

/** The files among `files` (relative to `dir`) that still hold conflict markers. */
export function filesWithMarkers(dir: string, files: string[]): string[] {
  return files.filter((f) => {
    const p = path.join(dir, f);
    try {
      return fs.statSync(p).isFile() && MARKER.test(fs.readFileSync(p, 'utf8'));
    } catch {
      return false;
    }
  });
}

async function unmergedFiles(dir: string): Promise<string[]> {
  return [...new Set(splitNul((await git(dir, ['diff', '--name-only', '--diff-filter=U', '-z'])).stdout))];
}

async function mergeInProgress(dir: string): Promise<boolean> {
  return fs.existsSync(await gitOut(dir, ['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD']));
}

/**
 * The group's resolution worktree with the merge under way. Reused as it is when it exists (a retry).
 * Nothing of the user's checkout, the integration branch or the group's branch changes here.
 */
export function prepareResolution(record: GitRequestRecord, planId: string): Promise<PreparedResolution> {
  return withRepoLock(record.repo, async () => {
    const repo = record.repo;
    const g = groupOf(record, planId);
    const branch = g.resolution?.branch ?? resolutionBranchName(record.integrationBranch, g.key);
    const dir = g.resolution?.worktree ?? path.join(record.worktreeRoot, `${g.key}--resolve`);
    const result = (files: string[], reused: boolean): PreparedResolution => ({
      worktree: dir, cwd: path.join(dir, record.subdir), branch, files, reused,
    });

    if (fs.existsSync(dir)) {
      const real = fs.realpathSync(dir);
      const registered = (await listWorktrees(repo)).some((w) => w.branch === branch && fs.existsSync(w.path) && fs.realpathSync(w.path) === real);
      if (!registered || !g.resolution) {
        throw new GitError(`${dir} exists but is not this group's resolution worktree: move it away, then retry`, [], repo, null, '');
      }
      return result(g.resolution.files, true);
    }

    const onto = await requireTip(repo, record.integrationBranch);
    await requireTip(repo, g.branch);
    const leftover = await branchTip(repo, branch);
    if (leftover) {
      // A temporary branch without its worktree (a crash, or a removed folder): restart it only when
      // nothing on it is lost, i.e. all its commits are in the integration branch already.
      if (!(await isAncestor(repo, leftover, onto))) {
        throw new GitError(`branch ${branch} has commits that are not merged: merge or delete it by hand, then retry`, [], repo, null, '');
      }
      await git(repo, ['update-ref', '-d', `refs/heads/${branch}`, leftover]);
    }
    fs.mkdirSync(record.worktreeRoot, { recursive: true });
    await git(repo, ['worktree', 'prune']);
    await git(repo, ['worktree', 'add', '-b', branch, dir, onto], { config: SAFE_COMMIT_CONFIG });
    const config = await identityConfig(dir);
    const merge = await git(dir, ['merge', '--no-commit', '--no-ff', '--no-edit', `refs/heads/${g.branch}`], { config, ok: [0, 1] });
    const files = await unmergedFiles(dir);
    if (merge.code === 1 && files.length === 0) {
      throw new GitError(`git merge failed in ${dir}: ${merge.stderr.trim() || merge.stdout.trim()}`, ['merge'], dir, 1, merge.stderr);
    }
    g.resolution = { worktree: dir, branch, onto, files } satisfies GitResolutionRecord;
    return result(files, false);
  });
}

/**
 * Finishes a resolution: refuses (changing nothing) while a conflicted file still holds markers;
 * else stages everything, commits the merge, brings it into the integration branch by
 * compare-and-swap, and removes the resolution worktree and its temporary branch.
 * A conflicted file left without markers counts as resolved as it is (Maestro stages it).
 */
export function finishResolution(record: GitRequestRecord, planId: string): Promise<FinishResult> {
  return withRepoLock(record.repo, async () => {
    const repo = record.repo;
    const g = groupOf(record, planId);
    const res = g.resolution;
    if (!res) throw new GitError(`group ${planId} has no resolution under way`, [], repo, null, '');
    if (!fs.existsSync(res.worktree)) {
      return { unresolved: res.files, reason: `the resolution worktree ${res.worktree} is gone: prepare the resolution again` };
    }
    const head = (await git(res.worktree, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { ok: [0, 1] })).stdout.trim();
    if (head !== res.branch) {
      return { unresolved: res.files, reason: `the resolution worktree is on ${head || 'a detached HEAD'}, not on ${res.branch}` };
    }
    const suspects = [...new Set([...res.files, ...(await unmergedFiles(res.worktree))])];
    const marked = filesWithMarkers(res.worktree, suspects);
    if (marked.length) return { unresolved: marked, reason: `conflict markers remain in ${marked.join(', ')}` };

    const groupTip = await requireTip(repo, g.branch);
    const config = await identityConfig(res.worktree);
    const merging = await mergeInProgress(res.worktree);
    await git(res.worktree, ['add', '--all']);
    const left = await unmergedFiles(res.worktree);
    if (left.length) return { unresolved: left, reason: `unmerged paths remain: ${left.join(', ')}` };
    const message = `Merge group ${planId}: ${g.title} (conflicts resolved in ${res.files.join(', ') || 'no file'})`;
    if (merging) {
      await git(res.worktree, ['commit', '--quiet', '--no-verify', '-m', message], { config });
    } else if ((await git(res.worktree, ['diff', '--cached', '--quiet'], { ok: [0, 1] })).code === 1) {
      await git(res.worktree, ['commit', '--quiet', '--no-verify', '-m', `Resolve conflicts of group ${planId}`], { config });
    }
    const resolved = (await commitOf(res.worktree, 'HEAD'))!;
    if (!(await isAncestor(repo, groupTip, resolved)) || !(await isAncestor(repo, res.onto, resolved))) {
      return {
        unresolved: res.files,
        reason: `the merge is no longer under way in ${res.worktree} and its HEAD does not contain both sides: prepare the resolution again`,
      };
    }
    const advanced = await advanceBranch(repo, record.integrationBranch, resolved, message);
    if ('conflict' in advanced) return advanced;
    g.mergedCommit = advanced.merged;
    await git(repo, ['worktree', 'remove', '--force', res.worktree]);
    await git(repo, ['worktree', 'prune']);
    await git(repo, ['update-ref', '-d', `refs/heads/${res.branch}`, resolved]);
    delete g.resolution;
    removeIfEmpty(record.worktreeRoot);
    return advanced;
  });
}
