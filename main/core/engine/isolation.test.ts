// Choosing the isolation of a new request: worktrees in a git repository, in place (with a warning)
// elsewhere, and bad repositories refused before anything is created. Real git; no session starts
// (the plans wait for approval). Also: a plan group's `profile` must be available here.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { plan3, tmpDir } from '../../../test/helpers';
import { maestroBranches, makeRepo, sh, snapshot, useIsolatedGit, write } from '../git/test-support';
import { dispatch } from '../api/dispatcher';
import { Engine } from './index';

useIsolatedGit();

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function engine(over: { PATH?: string } = {}): Engine {
  const e = new Engine({ dataDir: tmpDir(), baseEnv: { ...process.env, ...over } });
  engines.push(e);
  return e;
}

const create = (e: Engine, workspace: string, extra: Record<string, unknown> = {}) =>
  e.createRoot({ request: 'Isolate me', workspace, agentCommand: 'true', approvePlan: true, plan: plan3(), ...extra });

describe('the isolation of a new request', () => {
  it('in a git repository: an integration branch at HEAD, the checkout untouched, uncommitted files named', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    write(repo, 'draft.txt', 'not committed\n');
    const before = snapshot(repo);
    const e = engine();
    const t = await create(e, repo);
    expect(t.options.isolation).toBe('worktree');
    expect(t.isolationWarning).toBeUndefined();
    expect(t.git!.integrationBranch).toMatch(/^maestro\/[a-z0-9]+-isolate-me$/);
    expect(t.git!.baseBranch).toBe('main');
    expect(t.git!.baseCommit).toBe(before.head);
    expect(sh(repo, 'rev-parse', t.git!.integrationBranch).trim()).toBe(before.head);
    expect(snapshot(repo)).toEqual(before);
    expect(e.show(t.rootId).timeline.map((ev) => ev.message).join('\n')).toMatch(/not part of this request.*draft\.txt/);
  });

  it('elsewhere: in place, with a warning that workers share the directory', async () => {
    const e = engine();
    const plain = await create(e, tmpDir('maestro-ws-'));
    expect(plain.options.isolation).toBe('in-place');
    expect(plain.git).toBeUndefined();
    expect(plain.isolationWarning).toMatch(/not a git repository: workers share the directory/);
    // A repository without a first commit works in place too, saying how to get worktrees.
    const fresh = tmpDir('maestro-ws-');
    sh(fresh, 'init', '-q');
    expect((await create(e, fresh)).isolationWarning).toMatch(/no commit yet.*make a first commit/);
    // Asked for: in place, with the warning.
    expect((await create(e, makeRepo({ 'a.txt': 'a\n' }), { isolation: 'in-place' })).isolationWarning).toMatch(/^isolation in-place: workers share/);
  });

  it('refuses bad workspaces with a clear error before anything is created', async () => {
    const e = engine();
    const detached = makeRepo({ 'a.txt': 'a\n' });
    sh(detached, 'checkout', '-q', '--detach');
    await expect(create(e, detached)).rejects.toThrow(/detached HEAD.*check out a branch/);
    expect(maestroBranches(detached)).toEqual([]);

    const bare = tmpDir('maestro-bare-');
    sh(bare, 'init', '-q', '--bare');
    await expect(create(e, bare)).rejects.toThrow(/bare git repository/);

    const unborn = tmpDir('maestro-ws-');
    sh(unborn, 'init', '-q');
    await expect(create(e, unborn, { isolation: 'worktree' })).rejects.toThrow(/no commit yet/);
    await expect(create(e, tmpDir('maestro-ws-'), { isolation: 'worktree' })).rejects.toThrow(/is not a git repository: worktree isolation needs one/);

    const file = path.join(tmpDir('maestro-ws-'), 'file.txt');
    fs.writeFileSync(file, 'x');
    await expect(create(e, file)).rejects.toThrow(/is not a directory/);
    expect(e.listRoots()).toEqual([]);

    // The data dir inside the repository would show the worktrees in the user's git status.
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const inside = new Engine({ dataDir: path.join(repo, '.maestro-data') });
    engines.push(inside);
    await expect(create(inside, repo)).rejects.toThrow(/is inside the repository/);
    expect(maestroBranches(repo)).toEqual([]);
  });

  it('lets a plan group name a profile only when it is available here', async () => {
    const e = engine({ PATH: tmpDir('maestro-empty-path-') });
    const plan = { groups: [{ id: 'g1', title: 'Review', profile: 'codex', subtasks: [{ id: 's1', title: 'review' }] }] };
    await expect(create(e, tmpDir('maestro-ws-'), { plan })).rejects.toThrow(/group "g1" names profile "codex", which is not available here: "codex" is not on PATH.*available: custom/);
    const ok = await create(e, tmpDir('maestro-ws-'), { plan: { groups: [{ ...plan.groups[0]!, profile: 'custom' }] } });
    expect(ok.tasks.find((t) => t.planId === 'g1')!.profile).toBe('custom');
  });

  it('answers task.diff, task.redo, roots.apply and roots.discard through the dispatcher', async () => {
    const e = engine();
    const admin = { kind: 'admin' } as const;
    const call = (method: string, params: unknown) => dispatch(e, method, params, admin);
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const t = await create(e, repo);
    const g1 = t.tasks.find((x) => x.planId === 'g1')!;
    expect(await call('task.diff', { id: t.rootId, stat: true })).toEqual({ scope: 'request', branch: t.git!.integrationBranch, base: t.git!.baseCommit, files: [] });
    await expect(call('task.diff', { id: g1.id })).rejects.toThrow(/has not started yet: it has no branch/);
    await expect(call('task.redo', { id: g1.id, note: 'again' })).rejects.toThrow(/is PENDING: only a COMPLETED group can be redone/);
    expect(await call('roots.apply', { rootId: t.rootId })).toMatchObject({ ok: true, branch: 'main', alreadyApplied: true });
    expect(await call('roots.discard', { rootId: t.rootId })).toMatchObject({ deletedBranches: [t.git!.integrationBranch], kept: [] });
    expect(maestroBranches(repo)).toEqual([]);
    await expect(call('task.diff', { id: t.rootId })).rejects.toThrow(/was discarded/);
    const inPlace = await create(e, tmpDir('maestro-ws-'));
    await expect(call('roots.apply', { rootId: inPlace.rootId })).rejects.toThrow(/works in place in .* \(no git isolation\)/);
  });
});

describe('deleting a request in a git repository', () => {
  it('deletes its branches with its files; the checkout stays as it was', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const before = snapshot(repo);
    const e = engine();
    const t = await create(e, repo);
    expect(maestroBranches(repo)).toContain(t.git!.integrationBranch);
    await e.deleteRoot(t.rootId);
    expect(maestroBranches(repo)).toEqual([]);
    expect(snapshot(repo)).toEqual(before);
    expect(e.listRoots()).toEqual([]);
  });
});
