// Small git plumbing shared by the integration layer: refs, ancestry, worktree lists, identities,
// merging two commits without a checkout, and advancing a branch by compare-and-swap.
import { git, GitError, gitOut, SAFE_COMMIT_CONFIG, splitNul } from './run';

export const FALLBACK_NAME = 'Maestro';
export const FALLBACK_EMAIL = 'maestro@localhost';

/** The commit a revision names, or null when it names none. */
export async function commitOf(cwd: string, rev: string): Promise<string | null> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { ok: [0, 1, 128] });
  return r.code === 0 ? r.stdout.trim() : null;
}

/** The tip of local branch `name` (no `refs/heads/`), or null when it does not exist. */
export const branchTip = (repo: string, name: string): Promise<string | null> => commitOf(repo, `refs/heads/${name}`);

/** The tip of a branch that must exist; a clear error when it was deleted behind Maestro's back. */
export async function requireTip(repo: string, name: string): Promise<string> {
  const tip = await branchTip(repo, name);
  if (!tip) throw new GitError(`branch ${name} does not exist any more in ${repo}`, ['rev-parse', name], repo, 1, '');
  return tip;
}

/** Whether commit `a` is contained in the history of `b` (a == b counts). */
export async function isAncestor(cwd: string, a: string, b: string): Promise<boolean> {
  return (await git(cwd, ['merge-base', '--is-ancestor', a, b], { ok: [0, 1] })).code === 0;
}

/** Creates branch `name` at `commit`; false when a branch of that name (or a clashing one) exists. */
export async function createBranch(repo: string, name: string, commit: string, reason: string): Promise<boolean> {
  const r = await git(repo, ['update-ref', '-m', reason, `refs/heads/${name}`, commit, ''], { ok: [0, 128] });
  if (r.code === 0) return true;
  if (/exists|reference already exists|cannot lock ref/i.test(r.stderr)) return false;
  throw new GitError(`cannot create branch ${name}: ${r.stderr.trim()}`, ['update-ref', name], repo, r.code, r.stderr);
}

/**
 * Moves branch `name` from `expected` to `next` only if it is still at `expected` (compare-and-swap).
 * False when someone else moved it first; the caller starts over from the new tip.
 */
export async function swapBranch(repo: string, name: string, next: string, expected: string, reason: string): Promise<boolean> {
  const r = await git(repo, ['update-ref', '-m', reason, `refs/heads/${name}`, next, expected], { ok: [0, 128] });
  if (r.code === 0) return true;
  if ((await branchTip(repo, name)) !== expected) return false;
  throw new GitError(`cannot move branch ${name}: ${r.stderr.trim()}`, ['update-ref', name], repo, r.code, r.stderr);
}

/** `-c` options that give commits an author: git config when set, else Maestro's. Never a prompt. */
export async function identityConfig(cwd: string): Promise<string[]> {
  const get = async (key: string): Promise<string> =>
    (await git(cwd, ['config', '--get', key], { ok: [0, 1] })).stdout.trim();
  const out: string[] = [...SAFE_COMMIT_CONFIG];
  if (!(await get('user.name'))) out.push('-c', `user.name=${FALLBACK_NAME}`);
  if (!(await get('user.email'))) out.push('-c', `user.email=${FALLBACK_EMAIL}`);
  return out;
}

export type TreeMerge = { tree: string } | { conflict: string[] };

/** Merges commits `ours` and `theirs` in the object store only (no worktree, no index touched). */
export async function mergeTrees(repo: string, ours: string, theirs: string): Promise<TreeMerge> {
  const r = await git(repo, ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs], { ok: [0, 1] });
  const [tree, ...files] = splitNul(r.stdout);
  if (r.code === 0) return { tree: tree! };
  return { conflict: [...new Set(files.filter(Boolean))] };
}

export type Advance = { merged: string } | { conflict: string[] };

/**
 * Brings `commit` into branch `target` without a checkout: nothing when it is already there, a
 * fast-forward when the branch has not moved since, else a merge commit (`merge-tree` +
 * `commit-tree`), the branch moved by compare-and-swap (re-tried from the new tip if it moved).
 */
export async function advanceBranch(repo: string, target: string, commit: string, message: string): Promise<Advance> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tip = await requireTip(repo, target);
    if (await isAncestor(repo, commit, tip)) return { merged: tip };
    let next: string;
    if (await isAncestor(repo, tip, commit)) {
      next = commit;
    } else {
      const m = await mergeTrees(repo, tip, commit);
      if ('conflict' in m) return m;
      const ident = await identityConfig(repo);
      next = await gitOut(repo, ['commit-tree', m.tree, '-p', tip, '-p', commit, '-m', message], { config: ident });
    }
    if (await swapBranch(repo, target, next, tip, `maestro: ${message.split('\n')[0]}`)) return { merged: next };
  }
  throw new GitError(`branch ${target} keeps moving; gave up merging ${commit}`, ['update-ref', target], repo, null, '');
}

export interface WorktreeEntry {
  path: string;
  head?: string;
  /** Short branch name, when a branch is checked out there. */
  branch?: string;
  bare: boolean;
  /** Registered, but its folder is gone (`git worktree prune` drops it). */
  prunable: boolean;
}

/** `git worktree list --porcelain -z`, parsed. The first entry is the main worktree. */
export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  const out = await git(repo, ['worktree', 'list', '--porcelain', '-z']);
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | undefined;
  for (const line of out.stdout.split('\0')) {
    if (line.startsWith('worktree ')) {
      cur = { path: line.slice(9), bare: false, prunable: false };
      entries.push(cur);
    } else if (!cur || line === '') {
      continue;
    } else if (line.startsWith('HEAD ')) cur.head = line.slice(5);
    else if (line.startsWith('branch ')) cur.branch = line.slice(7).replace(/^refs\/heads\//, '');
    else if (line === 'bare') cur.bare = true;
    else if (line.startsWith('prunable')) cur.prunable = true;
  }
  return entries;
}

/** The shared `.git` folder of the repository that `cwd` belongs to (same for all its worktrees). */
export async function commonDir(cwd: string): Promise<string> {
  return gitOut(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
}

const locks = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` after every earlier call for the same repository has finished (in this process). Ref
 * updates are safe anyway (compare-and-swap); this keeps git's own lock files from colliding when
 * several groups finish at once.
 */
export function withRepoLock<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(repo) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(repo, tail);
  void tail.then(() => {
    if (locks.get(repo) === tail) locks.delete(repo);
  });
  return run;
}
