// `maestro run`'s live view and its failure report, as pure functions of a tree.
import { describe, expect, it } from 'vitest';
import type { TaskStatus, TaskView } from '../../preload/model';
import { aggregateTree } from '../../preload/tree';
import { failureReport, progressLines, shellWord, truncateVisible } from './progress';

const R = 'task-root';

/** A request of `n` groups (g1…gn) with one subtask each (s1…sn); `status(i)` is subtask i's status. */
function request(n: number, status: (i: number) => TaskStatus, result: (i: number) => string | undefined = () => undefined): TaskView[] {
  const base = { description: '', dependsOn: [], createdAt: 0, updatedAt: 0, sessionIds: [], totalUsage: { inputTokens: 0, outputTokens: 0 }, progress: { done: 0, total: 0 } };
  const tasks = new Map<string, TaskView>();
  tasks.set(R, { ...base, id: R, rootId: R, parentId: null, kind: 'root', title: 'Build it all', status: 'PENDING', subtasks: Array.from({ length: n }, (_, i) => `task-g${i + 1}`) });
  for (let i = 1; i <= n; i++) {
    tasks.set(`task-g${i}`, { ...base, id: `task-g${i}`, rootId: R, parentId: R, kind: 'group', planId: `g${i}`, title: `Group ${i}`, status: 'PENDING', subtasks: [`task-s${i}`] });
    tasks.set(`task-s${i}`, { ...base, id: `task-s${i}`, rootId: R, parentId: `task-g${i}`, kind: 'subtask', planId: `s${i}`, title: `Step ${i}`, status: status(i), result: result(i), subtasks: [] });
  }
  for (const [id, a] of aggregateTree(tasks, R)) {
    const t = tasks.get(id)!;
    tasks.set(id, { ...t, status: a.status, progress: { done: a.done, total: a.total } });
  }
  return [...tasks.values()];
}

describe('progressLines', () => {
  it('shows the whole tree when it fits', () => {
    const lines = progressLines(request(3, () => 'PENDING'), R, { rows: 40, columns: 100, color: false });
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^○ PENDING {2}task-root Build it all/);
  });

  it('keeps running and failed groups in sight when the tree is taller than the terminal', () => {
    // 30 groups: the running ones are the last (g28, g29), g27 failed; the terminal has 10 rows.
    const tasks = request(30, (i) => (i >= 28 && i <= 29 ? 'IN_PROGRESS' : i === 27 ? 'FAILED' : i <= 5 ? 'COMPLETED' : 'PENDING'));
    const lines = progressLines(tasks, R, { rows: 10, columns: 120, color: false });
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(lines[0]).toMatch(/^◐ IN_PROGRESS {2}Build it all .*5\/30 .*groups: 2 running · 1 failed · 22 waiting · 5 done$/);
    expect(lines[1]).toMatch(/◐ IN_PROGRESS {2}g28 Group 28/);
    expect(lines[2]).toMatch(/◐ IN_PROGRESS {2}g29 Group 29/);
    expect(lines[3]).toMatch(/✗ FAILED {2}g27 Group 27/);
    expect(lines.at(-1)).toBe(`  … 24 more group(s) (maestro tree ${R})`);
  });

  it('says how many running groups it could not show', () => {
    const lines = progressLines(request(12, () => 'IN_PROGRESS'), R, { rows: 6, columns: 120, color: false });
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toBe(`  … 10 more group(s), 10 of them running (maestro tree ${R})`);
  });

  it('cuts lines to the terminal width, colours or not', () => {
    expect(truncateVisible('abcdef', 3)).toBe('abc');
    expect(truncateVisible('\x1b[31mabcdef\x1b[39m', 3)).toBe('\x1b[31mabc\x1b[0m');
    for (const l of progressLines(request(3, () => 'PENDING'), R, { rows: 40, columns: 30, color: true })) {
      expect(l.replace(/\x1b\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(29);
    }
  });
});

describe('failureReport', () => {
  it('lists each failed or blocked subtask with its reason and the exact retry commands', () => {
    const tasks = request(
      4,
      (i) => (['COMPLETED', 'FAILED', 'BLOCKED', 'PENDING'] as const)[i - 1]!,
      (i) => (i === 2 ? 'the worker exited with code 1 before reporting this subtask' : i === 3 ? 'needs a decision\x1b[2J' : undefined),
    );
    expect(failureReport(tasks, R, { color: false, dataDir: '/tmp/my data' }).split('\n')).toEqual([
      '✗ FAILED  g2 Group 2',
      '    ✗ s2 Step 2: the worker exited with code 1 before reporting this subtask',
      `    retry: maestro retry g2 --request ${R} --data-dir '/tmp/my data'`,
      '⏸ BLOCKED  g3 Group 3',
      '    ⏸ s3 Step 3: needs a decision',
      `    retry: maestro retry g3 --request ${R} --data-dir '/tmp/my data'`,
      '1 subtask(s) did not run: their groups wait for the ones above',
      `retry all of it: maestro retry ${R} --data-dir '/tmp/my data'`,
    ]);
  });

  it('says a request that was never planned failed, and is empty when nothing failed', () => {
    const [root] = request(0, () => 'PENDING');
    const unplanned = { ...root!, status: 'FAILED' as const, result: 'the orchestrator exited with code 1 without submitting a plan' };
    expect(failureReport([unplanned], R, { color: false })).toBe(
      `✗ the request was not planned: the orchestrator exited with code 1 without submitting a plan\n  retry: maestro retry ${R}`,
    );
    expect(failureReport(request(2, () => 'COMPLETED'), R, { color: false })).toBe('');
  });

  it('quotes what the shell would split', () => {
    expect(shellWord('task-abc')).toBe('task-abc');
    expect(shellWord("it's here")).toBe(`'it'\\''s here'`);
  });
});
