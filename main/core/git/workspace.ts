// What kind of folder a request's workspace is, before anything is created.
//
// inspectWorkspace(dir) only reads: it never creates a branch, a worktree or a file. Its answer:
//  - `repository`: worktree isolation can be used (top-level folder, HEAD commit, current branch,
//    the uncommitted files that will NOT be part of the request, whether there are submodules);
//  - `not-repository`: the caller falls back to working in place (and warns that workers share it);
//  - `error`: a clear message for a person, with a code the caller can branch on.
//
// Decisions:
//  - Detached HEAD is an ERROR, not a fallback: the result of a request is applied by merging into the
//    current branch, and a detached HEAD has none. The message says how to get a branch.
//  - An unborn branch (a repository without a first commit) is an error: there is no base commit to
//    branch from. The message says to make a first commit.
//  - Submodules are NOT an error: `hasSubmodules` is reported so the caller can warn that a new
//    worktree has the submodule folders empty (git does not check them out in a new worktree).
import fs from 'node:fs';
import path from 'node:path';
import { ensureGit, git, GitError, GitMissingError, gitOut, splitNul } from './run';

export type WorkspaceProblem = 'not-directory' | 'bare' | 'unborn' | 'detached' | 'git-missing' | 'git-failed';

export interface RepositoryWorkspace {
  kind: 'repository';
  /** Top-level folder of the worktree that holds `dir` (the user's checkout). */
  root: string;
  /** `dir` relative to `root`, with a trailing `/` ('' when `dir` is the top level). */
  subdir: string;
  /** The commit HEAD points at. */
  head: string;
  /** The current branch's short name (e.g. `main`). */
  branch: string;
  /** Uncommitted files (changed, staged or untracked), relative to `root`: not part of the request. */
  dirty: string[];
  hasSubmodules: boolean;
}

export interface NotRepositoryWorkspace {
  kind: 'not-repository';
  dir: string;
}

export interface WorkspaceError {
  kind: 'error';
  code: WorkspaceProblem;
  message: string;
}

export type WorkspaceInfo = RepositoryWorkspace | NotRepositoryWorkspace | WorkspaceError;

const problem = (code: WorkspaceProblem, message: string): WorkspaceError => ({ kind: 'error', code, message });

/** Parses `git status --porcelain=v1 -z`: the paths, both sides of a rename. */
export function parsePorcelainZ(out: string): string[] {
  const parts = splitNul(out);
  const files: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    const xy = entry.slice(0, 2);
    files.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (xy[0] === 'R' || xy[0] === 'C' || xy[1] === 'R' || xy[1] === 'C') files.push(parts[++i]!);
  }
  return [...new Set(files)];
}

/** The uncommitted files of the worktree at `cwd` (tracked changes, staged changes, untracked files). */
export async function dirtyFiles(cwd: string): Promise<string[]> {
  const out = await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=dirty']);
  return parsePorcelainZ(out.stdout);
}

/** Looks at `dir` without changing anything. Never rejects: every failure is an `error` answer. */
export async function inspectWorkspace(dir: string): Promise<WorkspaceInfo> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return problem('not-directory', `the workspace ${dir} does not exist`);
  }
  if (!stat.isDirectory()) return problem('not-directory', `the workspace ${dir} is not a folder`);
  try {
    await ensureGit();
  } catch (err) {
    return problem('git-missing', (err as Error).message);
  }
  try {
    return await inspectRepository(path.resolve(dir));
  } catch (err) {
    if (err instanceof GitMissingError) return problem('git-missing', err.message);
    const why = err instanceof GitError ? err.message : String(err);
    return problem('git-failed', `cannot read the git repository at ${dir}: ${why}`);
  }
}

async function inspectRepository(dir: string): Promise<WorkspaceInfo> {
  const probe = await git(dir, ['rev-parse', '--is-bare-repository', '--is-inside-work-tree'], { ok: [0, 128] });
  if (probe.code === 128) {
    if (/not a git repository/i.test(probe.stderr)) return { kind: 'not-repository', dir };
    if (/dubious ownership/i.test(probe.stderr)) {
      return problem(
        'git-failed',
        `git refuses the repository at ${dir}: it belongs to another user (add it with git config --global --add safe.directory ${dir})`,
      );
    }
    throw new GitError(`git rev-parse failed: ${probe.stderr.trim()}`, ['rev-parse'], dir, 128, probe.stderr);
  }
  const [bare, inside] = probe.stdout.trim().split('\n');
  if (bare === 'true') {
    return problem('bare', `${dir} is a bare git repository (no working files): use a clone with a checkout as the workspace`);
  }
  if (inside !== 'true') {
    return problem('bare', `${dir} is inside a .git folder, not in a working tree: use the project folder as the workspace`);
  }
  const root = await gitOut(dir, ['rev-parse', '--show-toplevel']);
  const subdir = await gitOut(dir, ['rev-parse', '--show-prefix']);
  const head = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { ok: [0, 1] });
  const symbolic = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { ok: [0, 1] });
  if (head.code !== 0) {
    const branch = symbolic.stdout.trim() || 'the current branch';
    return problem('unborn', `the repository at ${root} has no commit yet on ${branch}: make a first commit, then start the request`);
  }
  if (symbolic.code !== 0) {
    return problem(
      'detached',
      `the repository at ${root} has a detached HEAD (no current branch to apply the result to): check out a branch first (git switch <branch>)`,
    );
  }
  const hasSubmodules =
    (await git(dir, ['cat-file', '-e', 'HEAD:.gitmodules'], { ok: [0, 1, 128] })).code === 0 ||
    fs.existsSync(path.join(root, '.gitmodules'));
  return {
    kind: 'repository',
    root,
    subdir,
    head: head.stdout.trim(),
    branch: symbolic.stdout.trim(),
    dirty: await dirtyFiles(root),
    hasSubmodules,
  };
}
