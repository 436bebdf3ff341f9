// The git layer when things are not as expected: an agent that switched branch, a stranger folder,
// the integration branch moving during a resolution, a user who checked out a request branch.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { discard } from './cleanup';
import { commitGroup, mergeGroup, prepareGroup, startRequest } from './integration';
import { finishResolution, prepareResolution } from './resolution';
import { maestroBranches, makeRepo, read, sh, useIsolatedGit, write } from './test-support';

useIsolatedGit();

const FILES = { 'shared.txt': 'one\ntwo\nthree\n' };

async function started(title: string) {
  const repo = makeRepo(FILES);
  const dataDir = tmpDir();
  const { record } = await startRequest({ repo, dataDir, rootId: `task-${title}`, title });
  return { repo, dataDir, record };
}

describe('the git layer refuses what would lose work', () => {
  it('does not commit or reuse a worktree that an agent switched to another branch', async () => {
    const { record } = await started('switched');
    const g = await prepareGroup(record, 'g1', 'One');
    write(g.worktree, 'work.txt', 'w\n');
    sh(g.worktree, 'switch', '-q', '-c', 'agent-branch');
    await expect(commitGroup(record, 'g1', { message: 'x' })).rejects.toThrow(/is on agent-branch, not on .*--g1: switch it back/);
    await expect(prepareGroup(record, 'g1', 'One')).rejects.toThrow(/is on agent-branch, not on .*--g1/);
    expect(read(g.worktree, 'work.txt')).toBe('w\n');
  });

  it('does not commit while a merge is under way in a group worktree', async () => {
    const { record } = await started('midmerge');
    const g = await prepareGroup(record, 'g1', 'One');
    write(g.worktree, 'shared.txt', 'one\nmine\nthree\n');
    await commitGroup(record, 'g1', { message: 'mine' });
    sh(g.worktree, 'branch', 'other', `${record.groups.g1!.startCommit}`);
    const other = tmpDir();
    sh(g.worktree, 'worktree', 'add', '-q', other, 'other');
    write(other, 'shared.txt', 'one\ntheirs\nthree\n');
    sh(other, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '-am', 'theirs');
    try {
      sh(g.worktree, 'merge', '-q', 'other');
    } catch {
      // the conflict is the point
    }
    await expect(commitGroup(record, 'g1', { message: 'x' })).rejects.toThrow(/unfinished git operation \(MERGE_HEAD\)/);
  });

  it('leaves a stranger folder at a worktree path alone', async () => {
    const { record } = await started('stranger');
    const dir = path.join(record.worktreeRoot, 'g1');
    write(dir, 'precious.txt', 'keep me\n');
    await expect(prepareGroup(record, 'g1', 'One')).rejects.toThrow(/is not a worktree of .*move it away/);
    expect(read(dir, 'precious.txt')).toBe('keep me\n');
    expect(record.groups.g1).toBeUndefined();
  });
});

describe('moving targets', () => {
  it('a resolution finished after another group merged lands on top of it', async () => {
    const { repo, record } = await started('race');
    for (const [id, text] of [['a', 'one\nA\nthree\n'], ['b', 'one\nB\nthree\n']] as const) {
      const g = await prepareGroup(record, id, id);
      write(g.worktree, 'shared.txt', text);
      await commitGroup(record, id, { message: id });
    }
    const c = await prepareGroup(record, 'c', 'c');
    write(c.worktree, 'c.txt', 'c\n');
    await commitGroup(record, 'c', { message: 'c' });

    await mergeGroup(record, 'a');
    expect(await mergeGroup(record, 'b')).toEqual({ conflict: ['shared.txt'] });
    const res = await prepareResolution(record, 'b');
    expect('merged' in (await mergeGroup(record, 'c'))).toBe(true); // the integration branch moves meanwhile
    write(res.worktree, 'shared.txt', 'one\nA+B\nthree\n');
    expect('merged' in (await finishResolution(record, 'b'))).toBe(true);
    const tip = record.integrationBranch;
    expect(sh(repo, 'show', `${tip}:shared.txt`)).toBe('one\nA+B\nthree\n');
    expect(sh(repo, 'show', `${tip}:c.txt`)).toBe('c\n');
  });

  it('discard keeps a request branch that the user checked out, and deletes the rest', async () => {
    const { repo, record } = await started('checkedout');
    const g = await prepareGroup(record, 'g1', 'One');
    write(g.worktree, 'x.txt', 'x\n');
    await commitGroup(record, 'g1', { message: 'x' });
    await mergeGroup(record, 'g1');
    sh(repo, 'switch', '-q', record.integrationBranch);
    const r = await discard(record);
    expect(r.deletedBranches).toEqual([g.branch]);
    expect(r.kept).toEqual([{ branch: record.integrationBranch, reason: expect.stringMatching(/checked out/) }]);
    expect(maestroBranches(repo)).toEqual([record.integrationBranch]);
    expect(sh(repo, 'symbolic-ref', '--short', 'HEAD').trim()).toBe(record.integrationBranch);
    expect(fs.existsSync(record.worktreeRoot)).toBe(false);
  });
});
