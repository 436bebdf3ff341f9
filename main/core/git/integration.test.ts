// The git layer end to end with real git: groups in worktrees, merging without a checkout, conflicts
// and their resolution, diff, apply and discard; the user's checkout untouched until apply.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { apply } from './apply';
import { discard, pruneAndReport } from './cleanup';
import { diff } from './diff';
import { commitGroup, mergeGroup, prepareGroup, removeGroupWorktree, startRequest, type GitRequestRecord } from './integration';
import { finishResolution, prepareResolution } from './resolution';
import { linkedWorktrees, maestroBranches, makeRepo, read, sh, snapshot, useIsolatedGit, write } from './test-support';

useIsolatedGit();

const FILES = { 'README.md': '# demo\n', 'src/math.js': 'export const add = (a, b) => a + b;\n', 'shared.txt': 'one\ntwo\nthree\n' };

/** A repository with some uncommitted work of the user's, and a data dir outside it. */
function setUp(): { repo: string; dataDir: string } {
  const repo = makeRepo(FILES);
  write(repo, 'README.md', '# demo (being edited by the user)\n');
  write(repo, 'notes.txt', 'untracked notes\n');
  return { repo, dataDir: tmpDir('maestro-git-data-') };
}

async function runGroup(record: GitRequestRecord, planId: string, files: Record<string, string>): Promise<string> {
  const g = await prepareGroup(record, planId, `Group ${planId}`);
  for (const [f, text] of Object.entries(files)) write(g.worktree, f, text);
  const commit = await commitGroup(record, planId, { message: `${planId}: work` });
  expect(commit).toMatch(/^[0-9a-f]{40}$/);
  return commit!;
}

const isAncestor = (repo: string, a: string, b: string): boolean => {
  try {
    sh(repo, 'merge-base', '--is-ancestor', a, b);
    return true;
  } catch {
    return false;
  }
};

describe('a request in worktrees', () => {
  it('parallel groups merge without a checkout; a later group sees both; the user checkout is untouched', async () => {
    const { repo, dataDir } = setUp();
    const before = snapshot(repo);
    const { record, notIncluded } = await startRequest({ repo, dataDir, rootId: 'task-k3x9ab2c', title: 'Add math helpers!' });
    expect(record.integrationBranch).toBe('maestro/k3x9ab2c-add-math-helpers');
    expect(record.baseCommit).toBe(before.head);
    expect(notIncluded.sort()).toEqual(['README.md', 'notes.txt']);

    const g1 = await prepareGroup(record, 'g1', 'Add subtract');
    const g2 = await prepareGroup(record, 'g2', 'Add multiply');
    expect(g1.worktree).toBe(path.join(fs.realpathSync(dataDir), 'worktrees', 'task-k3x9ab2c', 'g1'));
    expect(g1.branch).toBe('maestro/k3x9ab2c-add-math-helpers--g1');
    expect(read(g1.worktree, 'README.md')).toBe('# demo\n'); // the committed base, not the user's edit
    expect(fs.existsSync(path.join(g1.worktree, 'notes.txt'))).toBe(false);

    write(g1.worktree, 'src/subtract.js', 'export const sub = (a, b) => a - b;\n');
    write(g2.worktree, 'src/multiply.js', 'export const mul = (a, b) => a * b;\n');
    fs.rmSync(path.join(g2.worktree, 'shared.txt'));
    const c1 = await commitGroup(record, 'g1', { message: 'Add subtract (s1)' });
    const c2 = await commitGroup(record, 'g2', { message: 'Add multiply (s2)' });
    expect(await commitGroup(record, 'g2', { message: 'nothing new' })).toBeNull();

    // Both finish at once: the merges are serialized and land by compare-and-swap.
    const [m1, m2] = await Promise.all([mergeGroup(record, 'g1'), mergeGroup(record, 'g2')]);
    expect('merged' in m1 && 'merged' in m2).toBe(true);
    const tip = sh(repo, 'rev-parse', record.integrationBranch).trim();
    expect(isAncestor(repo, c1!, tip) && isAncestor(repo, c2!, tip)).toBe(true);
    expect(sh(repo, 'rev-parse', g1.branch).trim()).toBe(c1); // each side keeps its commit on its branch

    const g3 = await prepareGroup(record, 'g3', 'Verify');
    expect(read(g3.worktree, 'src/subtract.js')).toContain('a - b');
    expect(read(g3.worktree, 'src/multiply.js')).toContain('a * b');
    expect(fs.existsSync(path.join(g3.worktree, 'shared.txt'))).toBe(false);

    expect(await diff(record, { group: 'g1' }, { stat: true })).toEqual([{ file: 'src/subtract.js', added: 1, deleted: 0, binary: false }]);
    expect(await diff(record, { group: 'g2' }, { stat: true })).toEqual([
      { file: 'shared.txt', added: 0, deleted: 3, binary: false },
      { file: 'src/multiply.js', added: 1, deleted: 0, binary: false },
    ]);
    const text = await diff(record, { group: 'g1' });
    expect(text).toMatch(/^diff --git a\/src\/subtract.js b\/src\/subtract.js/);
    expect(text).toContain('+export const sub = (a, b) => a - b;');
    expect((await diff(record, 'request', { stat: true })).map((s) => s.file)).toEqual(['shared.txt', 'src/multiply.js', 'src/subtract.js']);

    // A running group's diff includes what is not committed yet, untracked files too, without staging them.
    write(g3.worktree, 'check.js', 'ok\n');
    write(g3.worktree, 'src/math.js', 'export const add = (a, b) => b + a;\n');
    expect((await diff(record, { group: 'g3' }, { stat: true })).map((s) => s.file)).toEqual(['check.js', 'src/math.js']);
    expect(sh(g3.worktree, 'status', '--porcelain')).toBe(' M src/math.js\n?? check.js\n');

    // Merged groups' worktrees go; a group with work not merged keeps its worktree.
    expect(await removeGroupWorktree(record, 'g1')).toEqual({ removed: true });
    expect(fs.existsSync(g1.worktree)).toBe(false);
    expect(record.groups.g1!.worktree).toBeUndefined();
    expect(await diff(record, { group: 'g1' }, { stat: true })).toHaveLength(1); // from the branch now
    await commitGroup(record, 'g3', { message: 'Verify (s3)' });
    const kept = await removeGroupWorktree(record, 'g3');
    expect(kept).toEqual({ removed: false, reason: expect.stringContaining('not merged') });
    expect(fs.existsSync(g3.worktree)).toBe(true);

    expect(snapshot(repo)).toEqual(before);
    expect(maestroBranches(repo)).toHaveLength(4);
    const report = await pruneAndReport(repo, dataDir);
    expect(report.branches.sort()).toEqual(maestroBranches(repo).sort());
    expect(report.worktrees.map((w) => w.branch).sort()).toEqual([g2.branch, g3.branch]);

    expect(await discard(record)).toMatchObject({ kept: [] });
    expect(maestroBranches(repo)).toEqual([]);
    expect(linkedWorktrees(repo)).toEqual([]);
    expect(fs.existsSync(record.worktreeRoot)).toBe(false);
    expect(snapshot(repo)).toEqual(before);
  });

  it('a conflict keeps both sides; the resolution refuses while markers remain, then lands', async () => {
    const { repo, dataDir } = setUp();
    const before = snapshot(repo);
    const { record } = await startRequest({ repo, dataDir, rootId: 'task-conflict', title: 'Edit the same line' });
    const ca = await runGroup(record, 'a', { 'shared.txt': 'one\nTWO from a\nthree\n' });
    const cb = await runGroup(record, 'b', { 'shared.txt': 'one\nTWO from b\nthree\n', 'b-only.txt': 'b\n' });
    expect(await mergeGroup(record, 'a')).toEqual({ merged: ca }); // nothing else merged yet: a fast-forward
    const tipBefore = sh(repo, 'rev-parse', record.integrationBranch).trim();
    expect(await mergeGroup(record, 'b')).toEqual({ conflict: ['shared.txt'] });
    expect(sh(repo, 'rev-parse', record.integrationBranch).trim()).toBe(tipBefore);
    expect(sh(repo, 'rev-parse', record.groups.b!.branch).trim()).toBe(cb);
    expect(record.groups.b!.mergedCommit).toBeUndefined();

    const res = await prepareResolution(record, 'b');
    expect(res.files).toEqual(['shared.txt']);
    expect(res.reused).toBe(false);
    expect(read(res.worktree, 'shared.txt')).toMatch(/^<<<<<<< .*\nTWO from a\n=======\nTWO from b\n>>>>>>> /m);
    expect(read(res.worktree, 'b-only.txt')).toBe('b\n');
    expect(await prepareResolution(record, 'b')).toMatchObject({ worktree: res.worktree, reused: true, files: ['shared.txt'] });

    expect(await finishResolution(record, 'b')).toEqual({ unresolved: ['shared.txt'], reason: expect.stringContaining('conflict markers remain') });
    expect(sh(repo, 'rev-parse', record.integrationBranch).trim()).toBe(tipBefore);

    write(res.worktree, 'shared.txt', 'one\nTWO from a and b\nthree\n');
    const done = await finishResolution(record, 'b');
    expect('merged' in done).toBe(true);
    const tip = sh(repo, 'rev-parse', record.integrationBranch).trim();
    expect(sh(repo, 'show', `${tip}:shared.txt`)).toBe('one\nTWO from a and b\nthree\n');
    expect(sh(repo, 'show', `${tip}:b-only.txt`)).toBe('b\n');
    expect(isAncestor(repo, ca, tip) && isAncestor(repo, cb, tip)).toBe(true);
    expect(sh(repo, 'show', `${record.groups.a!.branch}:shared.txt`)).toBe('one\nTWO from a\nthree\n');
    expect(sh(repo, 'show', `${record.groups.b!.branch}:shared.txt`)).toBe('one\nTWO from b\nthree\n');
    expect(fs.existsSync(res.worktree)).toBe(false);
    expect(maestroBranches(repo)).not.toContain(res.branch);
    expect(record.groups.b!.resolution).toBeUndefined();

    expect(await removeGroupWorktree(record, 'a')).toEqual({ removed: true });
    expect(await removeGroupWorktree(record, 'b')).toEqual({ removed: true });
    expect(linkedWorktrees(repo)).toEqual([]);
    expect(snapshot(repo)).toEqual(before);

    // Only apply changes the user's checkout: the current branch gets the result, local edits stay.
    const applied = await apply(record, repo);
    expect(applied).toMatchObject({ ok: true, branch: 'main', files: ['b-only.txt', 'shared.txt'] });
    expect(read(repo, 'shared.txt')).toBe('one\nTWO from a and b\nthree\n');
    expect(read(repo, 'README.md')).toBe('# demo (being edited by the user)\n');
    expect(await discard(record)).toMatchObject({ kept: [], removedWorktrees: [] });
    expect(maestroBranches(repo)).toEqual([]);
  });

  it('a retry reuses the worktree as it is; a lost record is adopted; a redo starts a new round', async () => {
    const { repo, dataDir } = setUp();
    const { record } = await startRequest({ repo, dataDir, rootId: 'task-retry', title: 'Retry' });
    const first = await prepareGroup(record, 'g1', 'One');
    write(first.worktree, 'partial.txt', 'half done\n');
    const again = await prepareGroup(record, 'g1', 'One');
    expect(again).toEqual({ ...first, reused: true });
    expect(read(again.worktree, 'partial.txt')).toBe('half done\n');

    // A crash after the worktree was made but before the record was saved.
    const lost: GitRequestRecord = { ...record, groups: {} };
    const adopted = await prepareGroup(lost, 'g1', 'One');
    expect(adopted.reused).toBe(true);
    expect(lost.groups.g1!.startCommit).toBe(record.groups.g1!.startCommit);

    await commitGroup(record, 'g1', { message: 'one' });
    await mergeGroup(record, 'g1');
    await runGroup(record, 'g2', { 'two.txt': '2\n' });
    await mergeGroup(record, 'g2');
    await removeGroupWorktree(record, 'g1');
    const redo = await prepareGroup(record, 'g1', 'One');
    expect(redo.reused).toBe(false);
    expect(read(redo.worktree, 'two.txt')).toBe('2\n');
    expect(record.groups.g1!.startCommit).toBe(sh(repo, 'rev-parse', record.integrationBranch).trim());
    expect(await diff(record, { group: 'g1' }, { stat: true })).toEqual([]);
  });

  it('refuses to start when the data dir is inside the repository, and creates nothing', async () => {
    const repo = makeRepo(FILES);
    await expect(startRequest({ repo, dataDir: path.join(repo, '.maestro'), rootId: 'task-x', title: 'x' })).rejects.toThrow(/inside the repository/);
    expect(maestroBranches(repo)).toEqual([]);
  });

  it('names stay unique when a branch of the same name exists', async () => {
    const repo = makeRepo(FILES);
    const dataDir = tmpDir();
    const a = await startRequest({ repo, dataDir, rootId: 'task-same', title: 'Same title' });
    const b = await startRequest({ repo, dataDir, rootId: 'task-same', title: 'Same title' });
    expect([a.record.integrationBranch, b.record.integrationBranch]).toEqual(['maestro/same-same-title', 'maestro/same-same-title-2']);
  });
});

describe('commits without any git identity', () => {
  it('are made by "Maestro <maestro@localhost>" and never prompt', async () => {
    const repo = makeRepo(FILES, { identity: false });
    const dataDir = tmpDir();
    const { record } = await startRequest({ repo, dataDir, rootId: 'task-noid', title: 'No identity' });
    await runGroup(record, 'g1', { 'x.txt': 'x\n' });
    await runGroup(record, 'g2', { 'y.txt': 'y\n' });
    await mergeGroup(record, 'g1');
    const merged = await mergeGroup(record, 'g2'); // a real merge commit (commit-tree)
    expect('merged' in merged).toBe(true);
    const tip = sh(repo, 'rev-parse', record.integrationBranch).trim();
    expect(sh(repo, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%P', tip).trim()).toMatch(/^Maestro <maestro@localhost>\|Maestro <maestro@localhost>\|\w+ \w+$/);
    expect(sh(repo, 'log', '-1', '--format=%an <%ae>', record.groups.g1!.branch).trim()).toBe('Maestro <maestro@localhost>');
  });
});
