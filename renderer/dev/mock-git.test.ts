// The dev mock answers the worktree commands the way the contract says, with diffs whose counts match
// their text: what the Changes view is looked at and tested against until the engine implements them.
import { describe, expect, it } from 'vitest';
import { filesOf } from '../changes/patch';
import { createMockApi } from './mock-api';

describe('the mock git view and diffs', () => {
  it('the demo request has branches; the old one runs in place with a warning', async () => {
    const api = createMockApi();
    const demo = await api.call('tree.get', { rootId: 'demo' });
    expect(demo.git).toMatchObject({ integrationBranch: 'maestro/demo-add-billing-to-the-web', baseBranch: 'main' });
    expect(Object.entries(demo.git!.groups).map(([id, g]) => [id, g.state])).toEqual([
      ['g1', 'merged'],
      ['g2', 'working'],
      ['g3', 'working'],
      ['g4', 'working'],
    ]);
    expect(demo.isolationWarning).toBeUndefined();
    const old = await api.call('tree.get', { rootId: 'demo-old' });
    expect(old.git).toBeUndefined();
    expect(old.isolationWarning).toMatch(/not a git repository/);
    await expect(api.call('task.diff', { id: 'demo-old' })).rejects.toThrow(/runs in place/);
  });

  it('task.diff: the request (merged groups), a group, a subtask (its group), with or without the patch', async () => {
    const api = createMockApi();
    const request = await api.call('task.diff', { id: 'demo' });
    expect(request.scope).toBe('request');
    expect(request.files).toEqual(filesOf(request.patch!));
    expect(request.files.some((f) => f.binary)).toBe(true);
    expect(request.files.some((f) => f.from === 'src/payments/types.ts')).toBe(true);
    const stat = await api.call('task.diff', { id: 'demo', stat: true });
    expect(stat.patch).toBeUndefined();
    expect(stat.files).toEqual(request.files);
    const group = await api.call('task.diff', { id: 'demo-g2' });
    expect(group).toMatchObject({ scope: 'group', branch: 'maestro/demo-add-billing-to-the-web/g2' });
    expect(await api.call('task.diff', { id: 'demo-g2-s1' })).toEqual(group);
    await expect(api.call('task.diff', { id: 'demo-g5' })).rejects.toThrow(/has not started/);
  });

  it('roots.apply merges once, then says it is already applied; a dirty workspace refuses with the files', async () => {
    const api = createMockApi();
    const first = await api.call('roots.apply', { rootId: 'demo' });
    expect(first).toMatchObject({ ok: true, branch: 'main', alreadyApplied: false });
    expect((await api.call('tree.get', { rootId: 'demo' })).git?.applied).toBe(true);
    expect(await api.call('roots.apply', { rootId: 'demo' })).toMatchObject({ ok: true, alreadyApplied: true, files: [] });
    const dirty = createMockApi({ dirtyWorkspace: true });
    const refused = await dirty.call('roots.apply', { rootId: 'demo' });
    expect(refused).toMatchObject({ ok: false, reason: 'dirty' });
    expect(refused.files.length).toBeGreaterThan(0);
  });

  it('roots.discard deletes the branches, keeps those a session still works in; task.redo reruns a completed group only', async () => {
    const api = createMockApi();
    const out = await api.call('roots.discard', { rootId: 'demo' });
    expect(out.kept.map((k) => k.branch)).toEqual(['maestro/demo-add-billing-to-the-web/g2', 'maestro/demo-add-billing-to-the-web/g3']);
    expect(out.deletedBranches).toContain('maestro/demo-add-billing-to-the-web');
    expect(out.removedWorktrees).toEqual(['/home/dev/.config/maestro/worktrees/demo/g4']);
    expect(Object.keys((await api.call('tree.get', { rootId: 'demo' })).git!.groups)).toEqual(['g2', 'g3']);

    const fresh = createMockApi();
    await expect(fresh.call('task.redo', { id: 'demo-g2', note: 'again' })).rejects.toThrow(/only a completed group/);
    expect(await fresh.call('task.redo', { id: 'demo-g1', note: 'Use integer cents.' })).toEqual({ rootId: 'demo', groupId: 'demo-g1' });
    const after = await fresh.call('tree.get', { rootId: 'demo' });
    expect(after.git!.groups.g1.state).toBe('working');
    expect(after.tasks.find((t) => t.id === 'demo-g1')!.status).not.toBe('COMPLETED');
  });
});
