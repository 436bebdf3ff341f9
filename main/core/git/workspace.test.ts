import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { git, GitError, GitMissingError } from './run';
import { makeRepo, sh, snapshot, useIsolatedGit, write } from './test-support';
import { inspectWorkspace, parsePorcelainZ } from './workspace';

useIsolatedGit();

async function withPath<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = value;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('inspectWorkspace', () => {
  it('describes a repository: top level, subdir, HEAD, branch, dirty files, without changing anything', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'pkg/b.txt': 'b\n', 'old.txt': 'o\n' });
    write(repo, 'a.txt', 'changed\n');
    write(repo, 'new file.txt', 'untracked\n');
    sh(repo, 'mv', 'old.txt', 'renamed.txt');
    const before = snapshot(repo);
    const info = await inspectWorkspace(path.join(repo, 'pkg'));
    expect(info).toEqual({
      kind: 'repository',
      root: repo,
      subdir: 'pkg/',
      head: sh(repo, 'rev-parse', 'HEAD').trim(),
      branch: 'main',
      dirty: expect.arrayContaining(['a.txt', 'new file.txt', 'renamed.txt', 'old.txt']),
      hasSubmodules: false,
    });
    expect(info.kind === 'repository' && info.dirty).toHaveLength(4);
    expect(snapshot(repo)).toEqual(before);
  });

  it('reports submodules (declared in .gitmodules)', async () => {
    const repo = makeRepo({ '.gitmodules': '[submodule "lib"]\n\tpath = lib\n\turl = ../lib\n', 'a.txt': 'a\n' });
    const info = await inspectWorkspace(repo);
    expect(info.kind === 'repository' && info.hasSubmodules).toBe(true);
  });

  it('a plain folder is not a repository', async () => {
    const dir = tmpDir();
    expect(await inspectWorkspace(dir)).toEqual({ kind: 'not-repository', dir });
  });

  it('a path that does not exist, or a file, is an error', async () => {
    const dir = tmpDir();
    const missing = await inspectWorkspace(path.join(dir, 'nope'));
    expect(missing).toMatchObject({ kind: 'error', code: 'not-directory', message: expect.stringContaining('does not exist') });
    fs.writeFileSync(path.join(dir, 'file.txt'), 'x');
    const file = await inspectWorkspace(path.join(dir, 'file.txt'));
    expect(file).toMatchObject({ kind: 'error', code: 'not-directory', message: expect.stringContaining('is not a folder') });
  });

  it('a bare repository, or the inside of a .git folder, is an error', async () => {
    const bare = tmpDir();
    sh(bare, 'init', '-q', '--bare');
    expect(await inspectWorkspace(bare)).toMatchObject({ kind: 'error', code: 'bare', message: expect.stringContaining('bare') });
    const repo = makeRepo({ 'a.txt': 'a\n' });
    expect(await inspectWorkspace(path.join(repo, '.git'))).toMatchObject({ kind: 'error', code: 'bare' });
  });

  it('a repository without a first commit is an error that says to commit', async () => {
    const dir = tmpDir();
    sh(dir, 'init', '-q', '-b', 'trunk');
    const info = await inspectWorkspace(dir);
    expect(info).toMatchObject({ kind: 'error', code: 'unborn' });
    expect(info.kind === 'error' && info.message).toMatch(/no commit yet on trunk.*first commit/);
  });

  it('a detached HEAD is an error that says to check out a branch', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    sh(repo, 'checkout', '-q', '--detach');
    const info = await inspectWorkspace(repo);
    expect(info).toMatchObject({ kind: 'error', code: 'detached' });
    expect(info.kind === 'error' && info.message).toMatch(/git switch/);
  });

  it('git missing is an error that says so', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const emptyBin = tmpDir();
    const info = await withPath(emptyBin, () => inspectWorkspace(repo));
    expect(info).toMatchObject({ kind: 'error', code: 'git-missing', message: expect.stringContaining('git is not installed') });
  });
});

describe('git()', () => {
  it('rejects with a GitError naming the command, exit code and stderr', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const err = await git(repo, ['rev-parse', '--verify', 'no-such-branch']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    const e = err as GitError;
    expect(e.code).toBe(128);
    expect(e.args).toContain('no-such-branch');
    expect(e.stderr).toMatch(/Needed a single revision/);
    expect(e.message).toMatch(/^git rev-parse --verify failed \(exit 128\)/);
  });

  it('accepts listed exit codes as answers', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const r = await git(repo, ['diff', '--quiet'], { ok: [0, 1] });
    expect(r.code).toBe(0);
    write(repo, 'a.txt', 'changed\n');
    expect((await git(repo, ['diff', '--quiet'], { ok: [0, 1] })).code).toBe(1);
  });

  it('tells a missing git apart from a missing folder', async () => {
    const emptyBin = tmpDir();
    await expect(withPath(emptyBin, () => git(emptyBin, ['--version']))).rejects.toBeInstanceOf(GitMissingError);
    await expect(git(path.join(emptyBin, 'gone'), ['--version'])).rejects.toThrow(/folder does not exist/);
  });

  it('ignores GIT_DIR in the environment: the cwd says which repository', async () => {
    const a = makeRepo({ 'a.txt': 'a\n' });
    const b = makeRepo({ 'b.txt': 'b\n' });
    process.env.GIT_DIR = path.join(b, '.git');
    try {
      expect((await git(a, ['rev-parse', '--show-toplevel'])).stdout.trim()).toBe(a);
    } finally {
      delete process.env.GIT_DIR;
    }
  });
});

describe('parsePorcelainZ', () => {
  it('lists both paths of a rename and plain entries once', () => {
    expect(parsePorcelainZ('R  new.txt\0old.txt\0 M a.txt\0?? dir/x y.txt\0')).toEqual(['new.txt', 'old.txt', 'a.txt', 'dir/x y.txt']);
  });
});
