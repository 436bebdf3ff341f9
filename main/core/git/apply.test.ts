// apply: the request's result merged into the user's current branch, or a clear refusal that changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { apply } from './apply';
import { commitGroup, mergeGroup, prepareGroup, startRequest, type GitRequestRecord } from './integration';
import { makeRepo, read, sh, snapshot, useIsolatedGit, write } from './test-support';

useIsolatedGit();

const FILES = { 'README.md': '# demo\n', 'src/math.js': 'export const add = (a, b) => a + b;\n', 'shared.txt': 'one\ntwo\nthree\n' };

/** A repository whose request changed src/math.js and added src/new.js (merged into the integration branch). */
async function finishedRequest(): Promise<{ repo: string; record: GitRequestRecord }> {
  const repo = makeRepo(FILES);
  const { record } = await startRequest({ repo, dataDir: tmpDir(), rootId: 'task-apply', title: 'Apply me' });
  for (const [id, file, text] of [
    ['g1', 'src/math.js', 'export const add = (a, b) => a + b;\nexport const sub = (a, b) => a - b;\n'],
    ['g2', 'src/new.js', 'export const x = 1;\n'],
  ] as const) {
    const g = await prepareGroup(record, id, id);
    write(g.worktree, file, text);
    await commitGroup(record, id, { message: id });
    expect('merged' in (await mergeGroup(record, id))).toBe(true);
  }
  return { repo, record };
}

const mergeInProgress = (repo: string): boolean => fs.existsSync(path.join(repo, '.git', 'MERGE_HEAD'));

describe('apply', () => {
  it('refuses while a file it would change is dirty, then merges into the current branch, keeping unrelated local work', async () => {
    const { repo, record } = await finishedRequest();
    write(repo, 'README.md', '# demo (user edit)\n');
    write(repo, 'notes.txt', 'mine\n');
    write(repo, 'src/math.js', '// user is editing this\n');
    const before = snapshot(repo);
    const refused = await apply(record, repo);
    expect(refused).toEqual({ ok: false, reason: 'dirty', files: ['src/math.js'], message: expect.stringContaining('src/math.js') });
    expect(snapshot(repo)).toEqual(before);

    sh(repo, 'checkout', '--', 'src/math.js');
    const head = sh(repo, 'rev-parse', 'HEAD').trim();
    const done = await apply(record, repo);
    expect(done).toEqual({
      ok: true,
      branch: 'main',
      before: head,
      after: sh(repo, 'rev-parse', record.integrationBranch).trim(), // nothing new on main: a fast-forward
      files: ['src/math.js', 'src/new.js'],
      alreadyApplied: false,
    });
    expect(sh(repo, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
    expect(read(repo, 'src/math.js')).toContain('sub');
    expect(read(repo, 'README.md')).toBe('# demo (user edit)\n');
    expect(read(repo, 'notes.txt')).toBe('mine\n');

    const again = await apply(record, repo);
    expect(again).toMatchObject({ ok: true, alreadyApplied: true, files: [] });
  });

  it('makes a merge commit when the branch moved on, from a subfolder of the checkout', async () => {
    const { repo, record } = await finishedRequest();
    write(repo, 'other.txt', 'user commit\n');
    sh(repo, 'add', 'other.txt');
    sh(repo, 'commit', '-q', '-m', 'user work meanwhile');
    const head = sh(repo, 'rev-parse', 'HEAD').trim();
    const done = await apply(record, path.join(repo, 'src'));
    expect(done).toMatchObject({ ok: true, branch: 'main', before: head, files: ['src/math.js', 'src/new.js'] });
    const parents = sh(repo, 'log', '-1', '--format=%P').trim().split(' ');
    expect(parents).toEqual([head, sh(repo, 'rev-parse', record.integrationBranch).trim()]);
    expect(sh(repo, 'log', '-1', '--format=%s').trim()).toBe(`Merge branch '${record.integrationBranch}' into main`);
    expect(sh(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses a conflicting merge before touching anything', async () => {
    const { repo, record } = await finishedRequest();
    write(repo, 'src/math.js', 'export const add = (x, y) => x + y;\n');
    sh(repo, 'commit', '-q', '-am', 'user changes the same line');
    const before = snapshot(repo);
    const r = await apply(record, repo);
    expect(r).toEqual({ ok: false, reason: 'conflict', files: ['src/math.js'], message: expect.stringContaining('nothing was changed') });
    expect(snapshot(repo)).toEqual(before);
    expect(mergeInProgress(repo)).toBe(false);
  });

  it('refuses staged changes when a merge commit is needed', async () => {
    const { repo, record } = await finishedRequest();
    write(repo, 'other.txt', 'x\n');
    sh(repo, 'add', 'other.txt');
    sh(repo, 'commit', '-q', '-m', 'branch moves');
    write(repo, 'README.md', 'staged edit\n');
    sh(repo, 'add', 'README.md');
    const before = snapshot(repo);
    expect(await apply(record, repo)).toMatchObject({ ok: false, reason: 'staged', files: ['README.md'] });
    expect(snapshot(repo)).toEqual(before);
  });

  it('aborts the merge cleanly when git stops half way (a hook of the user refuses the merge commit)', async () => {
    const { repo, record } = await finishedRequest();
    write(repo, 'other.txt', 'x\n');
    sh(repo, 'add', 'other.txt');
    sh(repo, 'commit', '-q', '-m', 'branch moves');
    write(repo, '.git/hooks/pre-merge-commit', '#!/bin/sh\necho "policy: no merges today" >&2\nexit 1\n');
    fs.chmodSync(path.join(repo, '.git/hooks/pre-merge-commit'), 0o755);
    const before = snapshot(repo);
    const r = await apply(record, repo);
    expect(r).toMatchObject({ ok: false, reason: 'failed', message: expect.stringContaining('the merge was aborted') });
    expect(mergeInProgress(repo)).toBe(false);
    expect(snapshot(repo)).toEqual({ ...before, indexSha: expect.any(String) }); // git rewrites the index file on abort
    expect(sh(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses a detached HEAD and a checkout of another repository', async () => {
    const { repo, record } = await finishedRequest();
    sh(repo, 'checkout', '-q', '--detach');
    expect(await apply(record, repo)).toMatchObject({ ok: false, reason: 'detached', message: expect.stringContaining('detached') });
    const other = makeRepo(FILES);
    expect(await apply(record, other)).toMatchObject({ ok: false, reason: 'other-repository' });
    expect(sh(other, 'log', '--format=%s').trim()).toBe('initial');
  });
});
