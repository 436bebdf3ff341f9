// Test-only helpers for the git layer: real git in temporary folders, isolated from the machine's
// git config, and a byte-level snapshot of a user's checkout.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tmpDir } from '../../../test/helpers';

const ISOLATED: Record<string, string | undefined> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: undefined,
  GIT_AUTHOR_EMAIL: undefined,
  GIT_COMMITTER_NAME: undefined,
  GIT_COMMITTER_EMAIL: undefined,
  EMAIL: undefined,
  GIT_CONFIG_GLOBAL: undefined,
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
};

/**
 * For the test file: HOME is an empty temporary folder and system config is off, so the machine's git
 * config (identity, signing, hooks, merge.ff) cannot change the results. Restored afterwards.
 */
export function useIsolatedGit(): { home: () => string } {
  const saved: Record<string, string | undefined> = {};
  let home = '';
  beforeAll(() => {
    home = tmpDir('maestro-git-home-');
    for (const [k, v] of Object.entries({ ...ISOLATED, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') })) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  return { home: () => home };
}

/** Runs git synchronously (test set-up and checks); returns stdout. */
export function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } });
}

export function write(dir: string, file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

export const read = (dir: string, file: string): string => fs.readFileSync(path.join(dir, file), 'utf8');

/** A repository on `main` with one commit holding `files`; user.name/email set in the repo only (unless `identity: false`). */
export function makeRepo(files: Record<string, string>, opts: { identity?: boolean } = {}): string {
  const dir = tmpDir('maestro-git-repo-');
  sh(dir, 'init', '-q', '-b', 'main');
  if (opts.identity !== false) {
    sh(dir, 'config', 'user.name', 'Test User');
    sh(dir, 'config', 'user.email', 'test@example.com');
  }
  for (const [f, text] of Object.entries(files)) write(dir, f, text);
  sh(dir, 'add', '--all');
  const ident = opts.identity === false ? ['-c', 'user.name=Set Up', '-c', 'user.email=setup@example.com'] : [];
  sh(dir, ...ident, 'commit', '-q', '-m', 'initial');
  return dir;
}

export interface CheckoutSnapshot {
  headFile: string;
  head: string;
  branch: string;
  indexSha: string;
  status: string;
}

/** HEAD (file and commit), current branch, the index file's bytes and `git status`, of the checkout at `repo`. */
export function snapshot(repo: string): CheckoutSnapshot {
  const gitDir = sh(repo, 'rev-parse', '--absolute-git-dir').trim();
  const index = path.join(gitDir, 'index');
  return {
    headFile: fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8'),
    head: sh(repo, 'rev-parse', 'HEAD').trim(),
    branch: sh(repo, 'symbolic-ref', '--short', 'HEAD').trim(),
    indexSha: fs.existsSync(index) ? createHash('sha256').update(fs.readFileSync(index)).digest('hex') : '',
    status: sh(repo, 'status', '--porcelain=v1', '-z', '--untracked-files=all'),
  };
}

/** Local branches under maestro/. */
export const maestroBranches = (repo: string): string[] =>
  sh(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/maestro/').split('\n').filter(Boolean);

/** Paths of the linked worktrees (the main checkout left out). */
export const linkedWorktrees = (repo: string): string[] =>
  sh(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .slice(1)
    .map((l) => l.slice(9));
