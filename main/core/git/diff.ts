// What a group or a whole request changed: a unified diff, or a list of files with +/- counts.
//  - a group: its branch since the integration tip it started from (`startCommit..branch`); while
//    its worktree exists, uncommitted and untracked files in it count too (a running group's work),
//    read through a scratch index so the worktree's own index is left as it is;
//  - the request: the integration branch against the base commit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { groupOf, type GitRequestRecord } from './integration';
import { requireTip } from './repo';
import { git, gitOut, splitNul } from './run';

export type DiffTarget = { group: string } | 'request';

export interface FileStat {
  /** The file's path after the change (relative to the repository's top level). */
  file: string;
  /** The path before, when git saw a rename. */
  from?: string;
  added: number;
  deleted: number;
  binary: boolean;
}

const DIFF_OPTIONS = ['--no-ext-diff', '--no-textconv', '--no-color', '--find-renames'];

/** Parses `git diff --numstat -z`. */
export function parseNumstatZ(out: string): FileStat[] {
  const parts = splitNul(out);
  const stats: FileStat[] = [];
  for (let i = 0; i < parts.length; i++) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(parts[i]!);
    if (!m) continue;
    const binary = m[1] === '-' && m[2] === '-';
    const base = { added: binary ? 0 : Number(m[1]), deleted: binary ? 0 : Number(m[2]), binary };
    if (m[3] === '') {
      // A rename: the two paths follow as their own fields.
      const from = parts[++i]!;
      const file = parts[++i]!;
      stats.push({ file, from, ...base });
    } else {
      stats.push({ file: m[3]!, ...base });
    }
  }
  return stats;
}

/** The worktree's uncommitted state as a tree-ish: runs `fn` with a scratch index holding it. */
async function withScratchIndex<T>(worktree: string, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-diff-'));
  try {
    const index = path.join(tmp, 'index');
    const own = await gitOut(worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index']);
    if (fs.existsSync(own)) fs.copyFileSync(own, index);
    const env = { GIT_INDEX_FILE: index };
    await git(worktree, ['add', '--all'], { env });
    return await fn(env);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function diff(record: GitRequestRecord, target: DiffTarget, opts: { stat: true }): Promise<FileStat[]>;
export function diff(record: GitRequestRecord, target: DiffTarget, opts?: { stat?: false }): Promise<string>;
/**
 * What `target` changed: unified diff text, or with `{ stat: true }` one entry per file.
 * Reads only; nothing in any worktree, index or branch changes.
 */
export async function diff(record: GitRequestRecord, target: DiffTarget, opts: { stat?: boolean } = {}): Promise<string | FileStat[]> {
  const format = opts.stat ? ['--numstat', '-z'] : [];
  const finish = (out: string): string | FileStat[] => (opts.stat ? parseNumstatZ(out) : out);
  if (target === 'request') {
    const tip = await requireTip(record.repo, record.integrationBranch);
    return finish((await git(record.repo, ['diff', ...DIFF_OPTIONS, ...format, record.baseCommit, tip, '--'])).stdout);
  }
  const g = groupOf(record, target.group);
  if (g.worktree && fs.existsSync(g.worktree)) {
    const wt = g.worktree;
    return withScratchIndex(wt, async (env) =>
      finish((await git(wt, ['diff', '--cached', ...DIFF_OPTIONS, ...format, g.startCommit, '--'], { env })).stdout),
    );
  }
  const tip = await requireTip(record.repo, g.branch);
  return finish((await git(record.repo, ['diff', ...DIFF_OPTIONS, ...format, g.startCommit, tip, '--'])).stdout);
}
