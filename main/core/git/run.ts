// Running git: execFile (never a shell), a fixed environment, typed errors.
// Every git call of Maestro goes through `git()`, so the rules are in one place:
//  - no terminal prompt (GIT_TERMINAL_PROMPT=0), no editor, C locale (messages we parse are English);
//  - variables that would point git at another repository (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, …)
//    are dropped from the inherited environment: the `cwd` alone says which repository is meant;
//  - commands that write commits in Maestro's own worktrees pass SAFE_COMMIT_CONFIG (no signing
//    prompt, no hooks of the user's repository running on an agent's work).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** `-c` options for commits, merges and checkouts Maestro makes in its own worktrees. */
export const SAFE_COMMIT_CONFIG: readonly string[] = [
  '-c', 'commit.gpgsign=false',
  '-c', 'tag.gpgsign=false',
  '-c', 'core.hooksPath=/dev/null',
];

/** Options for every call: stable output that the parsers below can rely on. */
const BASE_CONFIG: readonly string[] = ['-c', 'core.quotePath=false', '-c', 'color.ui=false'];

/** Inherited variables that redirect git to another repository, index or object store. */
const LOCATING_VARS = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX', 'GIT_QUARANTINE_PATH',
];

/** The least git version with `merge-tree --write-tree` (merging without a checkout). */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 38];

const MAX_OUTPUT = 256 * 1024 * 1024; // a diff of a big request is large; git's output is never unbounded

export interface GitOptions {
  /** Exit codes that are answers, not failures (e.g. 1 of `merge-base --is-ancestor`). Default: [0]. */
  ok?: number[];
  /** Extra environment (after the fixed rules), e.g. GIT_INDEX_FILE for a scratch index. */
  env?: Record<string, string>;
  /** `-c` options placed before the subcommand. */
  config?: readonly string[];
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A git command failed. `message` is one line a person can act on; the details stay attached. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly cwd: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** git is not installed (or not on PATH), or is older than MIN_GIT_VERSION. */
export class GitMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitMissingError';
  }
}

function gitEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of LOCATING_VARS) delete env[name];
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_EDITOR: ':',
    GIT_MERGE_AUTOEDIT: 'no',
    GIT_PAGER: 'cat',
    GIT_OPTIONAL_LOCKS: '0', // `git status` must not rewrite the user's index (a stat refresh)
    LC_ALL: 'C',
    LANGUAGE: 'C',
    ...extra,
  };
}

/** The first line of git's complaint (its `fatal:`/`error:` line when there is one). */
function firstComplaint(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
}

/** Runs `git <args>` in `cwd`; rejects with GitError unless the exit code is in `opts.ok`. */
export function git(cwd: string, args: readonly string[], opts: GitOptions = {}): Promise<GitResult> {
  const ok = opts.ok ?? [0];
  const full = [...BASE_CONFIG, ...(opts.config ?? []), ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      full,
      { cwd, env: gitEnv(opts.env), maxBuffer: MAX_OUTPUT, encoding: 'utf8', windowsHide: true },
      (err, stdout, stderr) => {
        const e = err as { code?: unknown; message: string } | null;
        if (e && e.code === 'ENOENT') {
          // Node says ENOENT both for a missing program and for a missing cwd: tell them apart.
          reject(
            fs.existsSync(cwd)
              ? new GitMissingError('git is not installed or not on PATH: install git, or run the request in place (--isolation in-place)')
              : new GitError(`folder does not exist: ${cwd}`, full, cwd, null, ''),
          );
          return;
        }
        const code = e ? (typeof e.code === 'number' ? e.code : null) : 0;
        if (code !== null && ok.includes(code)) {
          resolve({ stdout, stderr, code });
          return;
        }
        const what = `git ${args.slice(0, 2).join(' ')}`;
        const why = firstComplaint(stderr) || (e ? e.message : 'failed');
        reject(new GitError(`${what} failed (exit ${code ?? 'signal'}): ${why}`, full, cwd, code, stderr));
      },
    );
    child.stdin?.end();
  });
}

/** stdout of a successful call, trimmed of its final newline. */
export async function gitOut(cwd: string, args: readonly string[], opts: GitOptions = {}): Promise<string> {
  return (await git(cwd, args, opts)).stdout.replace(/\n$/, '');
}

/** Splits NUL-separated output (`-z`), dropping the empty tail. */
export function splitNul(out: string): string[] {
  const parts = out.split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

let checked: Promise<string> | undefined;

/**
 * Checks once per process that git exists and is recent enough; resolves to its version
 * (e.g. "2.39.5"). Rejects with GitMissingError otherwise, with a message a person can act on.
 */
export function ensureGit(): Promise<string> {
  checked ??= (async () => {
    const out = await gitOut(os.tmpdir(), ['--version']);
    const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
    if (!m) throw new GitMissingError(`cannot read git's version from "${out}"`);
    const [major, minor] = [Number(m[1]), Number(m[2])];
    const [needMajor, needMinor] = MIN_GIT_VERSION;
    if (major < needMajor || (major === needMajor && minor < needMinor)) {
      throw new GitMissingError(
        `git ${m[0]} is too old for worktree isolation (needs ${needMajor}.${needMinor} or newer): update git, or run the request in place (--isolation in-place)`,
      );
    }
    return m[0];
  })();
  // A failure is not cached: git may be installed while the app runs.
  checked.catch(() => {
    checked = undefined;
  });
  return checked;
}
