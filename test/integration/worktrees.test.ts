// End to end with real git, real PTYs and a scripted agent that uses only the `maestro` CLI: a worktree
// and a branch per group, merges in dependency order, a merge conflict resolved by a resolution session
// (and one refused: BLOCKED naming the file), diff, apply, discard — and the user's checkout untouched.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffResult } from '../../preload/contract';
import type { TreeSnapshot } from '../../preload/model';
import { linkedWorktrees, maestroBranches, makeRepo, sh, snapshot, useIsolatedGit, type CheckoutSnapshot } from '../../main/core/git/test-support';
import { CLI, cliEnv, REPO_ROOT, tmpDir } from '../helpers';

useIsolatedGit();

function maestro(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `maestro run` and checks the user's checkout (HEAD, branch, index, status) while it runs and after. */
async function runWatching(repo: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; checks: number }> {
  const before = snapshot(repo);
  let finished: Awaited<ReturnType<typeof maestro>> | undefined;
  const run = maestro(args).then((r) => (finished = r));
  let checks = 0;
  const changed: CheckoutSnapshot[] = [];
  // A check every ~100 ms while it runs (each is a few git processes; the machine is shared).
  while (!finished) {
    const now = snapshot(repo);
    if (JSON.stringify(now) !== JSON.stringify(before)) changed.push(now);
    checks++;
    await Promise.race([run, new Promise((r) => setTimeout(r, 100))]);
  }
  await run;
  expect(changed).toEqual([]);
  expect(snapshot(repo)).toEqual(before);
  return { ...finished!, checks };
}

const tree = async (dataDir: string, rootId: string) => JSON.parse((await maestro(['tree', rootId, '--json', '--data-dir', dataDir])).stdout) as TreeSnapshot;

async function diffFiles(dataDir: string, id: string, rootId: string): Promise<DiffResult> {
  const r = await maestro(['diff', id, '--stat', '--json', '--request', rootId, '--data-dir', dataDir]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DiffResult;
}

function setUp(plan: unknown, script: unknown) {
  const repo = makeRepo({ 'README.md': '# project\n', 'shared.txt': 'base\n' });
  const dataDir = tmpDir();
  const aside = tmpDir('maestro-agent-');
  fs.writeFileSync(path.join(aside, 'plan.json'), JSON.stringify(plan));
  fs.writeFileSync(path.join(aside, 'agent-script.json'), JSON.stringify(script));
  const agent = `node ${path.join(REPO_ROOT, 'test/fixtures/scripted-agent.mjs')} {promptFile} ${path.join(aside, 'agent-script.json')}`;
  const runArgs = (request: string) => ['run', '--data-dir', dataDir, '--workspace', repo, '--plan', path.join(aside, 'plan.json'), '--agent-command', agent, '--concurrency', '4', request];
  return { repo, dataDir, runArgs };
}

const sub = (id: string, title: string) => ({ id, title, description: '' });

// A net for a hang only (each run ends by itself in seconds): the machine may be busy.
const NET = { timeout: 300_000 };

describe('worktree isolation end to end (real git, PTYs, a scripted agent)', () => {
  it('merges parallel groups in dependency order, resolves a conflict, diffs each group, redoes one, applies, discards', NET, async () => {
    const plan = {
      summary: 'two parallel groups, a third reads both; two groups edit the same line',
      groups: [
        { id: 'g1', title: 'Write one', subtasks: [sub('s1', 'one')] },
        { id: 'g2', title: 'Write two', subtasks: [sub('s2', 'two')] },
        { id: 'g3', title: 'Combine', dependsOn: ['g1', 'g2'], subtasks: [sub('s3', 'combine')] },
        { id: 'g4', title: 'Shared from four', subtasks: [sub('s4', 'edit shared')] },
        { id: 'g5', title: 'Shared from five', subtasks: [sub('s5', 'edit shared')] },
      ],
    };
    const script = {
      g3: { concat: ['s1.txt', 's2.txt'] },
      g4: { write: { 'shared.txt': 'from g4\n' }, resolve: 'both' },
      g5: { write: { 'shared.txt': 'from g5\n' }, resolve: 'both' },
    };
    const { repo, dataDir, runArgs } = setUp(plan, script);

    const run = await runWatching(repo, runArgs('Write and combine'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.checks).toBeGreaterThan(1);
    const rootId = run.stdout.trim().split('\n').pop()!;
    const t = await tree(dataDir, rootId);
    const byPlan = new Map(t.tasks.map((x) => [x.planId ?? 'root', x]));
    expect(byPlan.get('root')!.status).toBe('COMPLETED');
    const git = t.git!;
    expect(git.integrationBranch).toMatch(/^maestro\//);
    expect(git.baseBranch).toBe('main');
    expect(run.stderr).toContain(git.integrationBranch);
    expect(run.stderr).toContain(`maestro diff ${rootId}`);
    expect(run.stderr).toContain(`maestro apply ${rootId}`);
    for (const g of ['g1', 'g2', 'g3', 'g4', 'g5']) expect(git.groups[g]!.state).toBe('merged');

    // One of g4/g5 merged second: its conflict got a leaf, resolved by its resolution session.
    const resolveLeaves = t.tasks.filter((x) => x.title === 'Resolve the merge conflict in shared.txt');
    expect(resolveLeaves).toHaveLength(1);
    expect(resolveLeaves[0]!.status).toBe('COMPLETED');
    expect(['g4', 'g5'].map((g) => byPlan.get(g)!.id)).toContain(resolveLeaves[0]!.parentId);

    // Each group's diff shows exactly its files; the request's shows them all.
    expect((await diffFiles(dataDir, 'g1', rootId)).files.map((f) => f.file)).toEqual(['s1.txt']);
    expect((await diffFiles(dataDir, 'g2', rootId)).files.map((f) => f.file)).toEqual(['s2.txt']);
    expect((await diffFiles(dataDir, 'g3', rootId)).files.map((f) => f.file)).toEqual(['s3.txt']);
    expect((await diffFiles(dataDir, 'g4', rootId)).files.map((f) => f.file)).toEqual(['shared.txt']);
    expect((await diffFiles(dataDir, 's5', rootId)).files.map((f) => f.file)).toEqual(['shared.txt']);
    const whole = await diffFiles(dataDir, rootId, rootId);
    expect(whole.scope).toBe('request');
    expect(whole.files.map((f) => f.file).sort()).toEqual(['s1.txt', 's2.txt', 's3.txt', 'shared.txt']);
    const patch = await maestro(['diff', 'g4', '--request', rootId, '--data-dir', dataDir]);
    expect(patch.stdout).toMatch(/^\+from g4$/m);

    // The dependent group read both files (merged before it started); both sides' versions are kept.
    const integration = (file: string) => sh(repo, 'show', `${git.integrationBranch}:${file}`);
    expect(integration('s3.txt')).toBe('one\ntwo\n');
    expect(sh(repo, 'show', `${git.groups.g4!.branch}:shared.txt`)).toBe('from g4\n');
    expect(sh(repo, 'show', `${git.groups.g5!.branch}:shared.txt`)).toBe('from g5\n');
    expect(integration('shared.txt')).toMatch(/from g4\n[\s\S]*from g5|from g5\n[\s\S]*from g4/);
    expect(integration('shared.txt')).not.toMatch(/<{7}|>{7}|={7}/);

    // No worktree is left for merged groups.
    expect(linkedWorktrees(repo)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'worktrees', rootId))).toBe(false);

    // Redo of a COMPLETED group with a note: a new session on the same branch, merged again.
    const redo = await runWatching(repo, ['redo', 'g1', '--note', 'also write the redo file', '--request', rootId, '--data-dir', dataDir]);
    expect(redo.code, redo.stderr).toBe(0);
    const afterRedo = await tree(dataDir, rootId);
    const redoLeaf = afterRedo.tasks.find((x) => x.title === 'Redo: also write the redo file')!;
    expect(redoLeaf.status).toBe('COMPLETED');
    expect(redoLeaf.parentId).toBe(byPlan.get('g1')!.id);
    expect(afterRedo.git!.groups.g1!.state).toBe('merged');
    expect((await diffFiles(dataDir, 'g1', rootId)).files.map((f) => f.file)).toEqual([`${redoLeaf.planId}.txt`]); // this round's work
    expect(integration(`${redoLeaf.planId}.txt`)).toBe('Redo: also write the redo file\n');
    expect(linkedWorktrees(repo)).toEqual([]);

    // apply brings the result into the current branch (a fast-forward here), never switching branch.
    const applied = await maestro(['apply', rootId, '--data-dir', dataDir]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/applied request .* to main/);
    expect(sh(repo, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
    expect(fs.readFileSync(path.join(repo, 's3.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(sh(repo, 'status', '--porcelain')).toBe('');
    expect((await tree(dataDir, rootId)).git!.applied).toBe(true);

    // discard removes every branch of the request.
    expect((await maestro(['discard', rootId, '--data-dir', dataDir])).code).toBe(2); // --yes is required
    const discarded = await maestro(['discard', rootId, '--yes', '--data-dir', dataDir]);
    expect(discarded.code, discarded.stderr).toBe(0);
    expect(maestroBranches(repo)).toEqual([]);
    expect(fs.readFileSync(path.join(repo, 's3.txt'), 'utf8')).toBe('one\ntwo\n'); // applied work stays
  });

  it('a refused resolution leaves the group BLOCKED naming the file and the folder; discard removes everything', NET, async () => {
    const plan = {
      groups: [
        { id: 'g1', title: 'Left', subtasks: [sub('s1', 'edit shared')] },
        { id: 'g2', title: 'Right', subtasks: [sub('s2', 'edit shared')] },
      ],
    };
    const script = { g1: { write: { 'shared.txt': 'left\n' }, resolve: 'refuse' }, g2: { write: { 'shared.txt': 'right\n' }, resolve: 'refuse' } };
    const { repo, dataDir, runArgs } = setUp(plan, script);
    const before = snapshot(repo);

    const run = await runWatching(repo, runArgs('Edit the same line twice'));
    expect(run.code, run.stderr).toBe(1);
    const rootId = run.stdout.trim().split('\n').pop()!;
    const t = await tree(dataDir, rootId);
    const leaf = t.tasks.find((x) => x.title === 'Resolve the merge conflict in shared.txt')!;
    expect(leaf.status).toBe('BLOCKED');
    const group = t.tasks.find((x) => x.id === leaf.parentId)!;
    expect(group.status).toBe('BLOCKED');
    expect(leaf.result).toMatch(/shared\.txt/);
    const folder = /Open a shell in (\S+), resolve/.exec(leaf.result!)![1]!;
    expect(fs.readFileSync(path.join(folder, 'shared.txt'), 'utf8')).toMatch(/^<{7}/m); // the merge waits there for a person
    expect(t.git!.groups[group.planId!]!.state).toBe('conflict');
    expect(t.git!.groups[group.planId!]!.files).toEqual(['shared.txt']);
    // Both versions are kept on their branches.
    expect(sh(repo, 'show', `${t.git!.groups.g1!.branch}:shared.txt`)).toBe('left\n');
    expect(sh(repo, 'show', `${t.git!.groups.g2!.branch}:shared.txt`)).toBe('right\n');

    const discarded = await maestro(['discard', rootId, '--yes', '--data-dir', dataDir]);
    expect(discarded.code, discarded.stderr).toBe(0);
    expect(maestroBranches(repo)).toEqual([]);
    expect(linkedWorktrees(repo)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'worktrees', rootId))).toBe(false);
    expect(snapshot(repo)).toEqual(before);
  });

  it('a retried group keeps its worktree; the new prompt has the failure, the last lines and the diff so far', NET, async () => {
    const plan = { groups: [{ id: 'g1', title: 'Two steps', subtasks: [sub('s1', 'first'), sub('s2', 'second')] }] };
    const { repo, dataDir, runArgs } = setUp(plan, { g1: { failFirstAttemptAfter: 1, exitCode: 3 } });
    const first = await runWatching(repo, runArgs('Fail once'));
    expect(first.code, first.stderr).toBe(1);
    const rootId = first.stdout.trim().split('\n').pop()!;
    const failed = await tree(dataDir, rootId);
    expect(failed.git!.groups.g1!.state).toBe('working');
    const s2 = failed.tasks.find((x) => x.planId === 's2')!;
    expect(s2.status).toBe('FAILED');

    const retry = await runWatching(repo, ['retry', s2.id, '--data-dir', dataDir]);
    expect(retry.code, retry.stderr).toBe(0);
    const t = await tree(dataDir, rootId);
    const sessions = t.sessions.filter((x) => x.role === 'worker').sort((a, b) => a.startedAt - b.startedAt);
    expect(sessions).toHaveLength(2);
    expect(sessions[1]!.cwd).toBe(sessions[0]!.cwd); // the same worktree
    const prompt = fs.readFileSync(path.join(dataDir, 'sessions', sessions[1]!.id, 'prompt.md'), 'utf8');
    expect(prompt).toContain(`on the branch ${t.git!.groups.g1!.branch}`);
    expect(prompt).toMatch(/It ended with: FAILED: the worker exited with code 3/);
    expect(prompt).toMatch(/Its changes so far[^\n]*\n\s+s1\.txt \| \+1 -0/);
    expect(prompt).toMatch(/giving up on s2/);
    expect(t.git!.groups.g1!.state).toBe('merged');
    expect((await diffFiles(dataDir, 'g1', rootId)).files.map((f) => f.file)).toEqual(['s1.txt', 's2.txt']);
    expect(linkedWorktrees(repo)).toEqual([]);
  });
});
