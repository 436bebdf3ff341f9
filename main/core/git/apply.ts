// Applying a request: merging its integration branch into the branch the user has checked out.
//
// This is the one place where Maestro changes the user's checkout, and only on the user's explicit
// command. It never switches branch. Before touching anything it refuses (with the files named) when:
//  - HEAD is detached, or the folder is not a checkout of the request's repository;
//  - a file the merge would write has uncommitted changes or is untracked;
//  - changes are staged while a merge commit is needed (git would record them in the merge);
//  - the merge would conflict (checked in the object store with `merge-tree`).
// Should git still stop with a conflict, the merge is aborted (`git merge --abort`) and the answer
// says so: the branch and the working tree are as they were.
// The merge commit honours the user's own git config (hooks, signing): it lands on the user's branch.
import fs from 'node:fs';
import type { GitRequestRecord } from './integration';
import { commitOf, commonDir, FALLBACK_EMAIL, FALLBACK_NAME, isAncestor, mergeTrees, requireTip, withRepoLock } from './repo';
import { git, GitError, gitOut, splitNul } from './run';
import { inspectWorkspace } from './workspace';

export type ApplyRefusal = 'not-repository' | 'other-repository' | 'detached' | 'dirty' | 'staged' | 'conflict' | 'failed';

export type ApplyResult =
  | {
      ok: true;
      /** The branch the result was merged into (the current one). */
      branch: string;
      before: string;
      after: string;
      /** Files the apply changed in the checkout (empty when it was applied already). */
      files: string[];
      alreadyApplied: boolean;
    }
  | { ok: false; reason: ApplyRefusal; message: string; files: string[] };

const refuse = (reason: ApplyRefusal, message: string, files: string[] = []): ApplyResult => ({ ok: false, reason, message, files });

async function changedFiles(cwd: string, from: string, to: string): Promise<string[]> {
  return splitNul((await git(cwd, ['diff', '--name-only', '-z', '--no-renames', from, to, '--'])).stdout);
}

/** An identity for the merge commit only when git config has none (never a prompt, never a failure). */
async function identityIfMissing(cwd: string): Promise<string[]> {
  const has = async (key: string): Promise<boolean> => (await git(cwd, ['config', '--get', key], { ok: [0, 1] })).code === 0;
  const out: string[] = [];
  if (!(await has('user.name'))) out.push('-c', `user.name=${FALLBACK_NAME}`);
  if (!(await has('user.email'))) out.push('-c', `user.email=${FALLBACK_EMAIL}`);
  return out;
}

/** Merges the request's integration branch into the current branch of the checkout at `workspaceDir`. */
export function apply(record: GitRequestRecord, workspaceDir: string): Promise<ApplyResult> {
  return withRepoLock(record.repo, async () => {
    const info = await inspectWorkspace(workspaceDir);
    if (info.kind === 'not-repository') return refuse('not-repository', `${workspaceDir} is not a git repository`);
    if (info.kind === 'error') return refuse(info.code === 'detached' ? 'detached' : 'failed', info.message);
    const cwd = info.root;
    if ((await commonDir(cwd)) !== (await commonDir(record.repo))) {
      return refuse('other-repository', `${workspaceDir} is not a checkout of ${record.repo}, where the request's branches are`);
    }
    const source = record.integrationBranch;
    const tip = await requireTip(cwd, source);
    const before = info.head;
    const ok = (after: string, files: string[], alreadyApplied: boolean): ApplyResult => ({
      ok: true, branch: info.branch, before, after, files, alreadyApplied,
    });
    if (await isAncestor(cwd, tip, before)) return ok(before, [], true);

    const fastForward = await isAncestor(cwd, before, tip);
    const base = fastForward ? before : await gitOut(cwd, ['merge-base', before, tip]);
    const touched = new Set(await changedFiles(cwd, base, tip));
    const overlap = info.dirty.filter((f) => touched.has(f));
    if (overlap.length) {
      return refuse(
        'dirty',
        `the working tree has uncommitted changes in files the merge would change: ${overlap.join(', ')}. Commit or stash them, then apply again`,
        overlap,
      );
    }
    if (!fastForward) {
      const staged = splitNul((await git(cwd, ['diff', '--cached', '--name-only', '-z'])).stdout);
      if (staged.length) {
        return refuse('staged', `changes are staged (${staged.join(', ')}): a merge commit would include them. Commit or unstage them, then apply again`, staged);
      }
      const m = await mergeTrees(cwd, before, tip);
      if ('conflict' in m) {
        return refuse(
          'conflict',
          `${source} conflicts with ${info.branch} in ${m.conflict.join(', ')}: nothing was changed. Merge it by hand (git merge ${source}) to resolve`,
          m.conflict,
        );
      }
    }

    const message = `Merge branch '${source}' into ${info.branch}`;
    const merge = await git(cwd, ['merge', '--ff', '--no-edit', '--no-stat', '-m', message, `refs/heads/${source}`], {
      config: await identityIfMissing(cwd),
      ok: [0, 1, 128],
    });
    if (merge.code !== 0) return abortAfterFailure(cwd, source, merge.stderr || merge.stdout);
    const after = (await commitOf(cwd, 'HEAD'))!;
    return ok(after, await changedFiles(cwd, before, after), false);
  });
}

async function abortAfterFailure(cwd: string, source: string, output: string): Promise<ApplyResult> {
  const unmerged = splitNul((await git(cwd, ['diff', '--name-only', '--diff-filter=U', '-z'])).stdout);
  const mergeHead = await gitOut(cwd, ['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD']);
  if (fs.existsSync(mergeHead)) {
    const abort = await git(cwd, ['merge', '--abort'], { ok: [0, 128] });
    if (abort.code !== 0) {
      throw new GitError(`merging ${source} failed and git merge --abort failed too: ${abort.stderr.trim()}; run git merge --abort`, ['merge', '--abort'], cwd, abort.code, abort.stderr);
    }
    if (unmerged.length) {
      return refuse('conflict', `merging ${source} conflicted in ${unmerged.join(', ')}; the merge was aborted and your branch is as it was`, unmerged);
    }
    const why = output.split('\n').map((l) => l.trim()).find(Boolean) ?? 'git merge failed';
    return refuse('failed', `merging ${source} stopped (${why}); the merge was aborted and your branch is as it was`);
  }
  const why = output.split('\n').map((l) => l.trim()).find(Boolean) ?? 'git merge failed';
  return refuse('failed', `merging ${source} failed: ${why}`);
}
