import { describe, expect, it } from 'vitest';
import type { TaskStatus, TaskView, TreeSnapshot } from './model';
import { compactTaskView, expandTaskView, expandTreeSnapshot } from './view-wire';

const STATUSES: TaskStatus[] = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'BLOCKED'];

/** Views with every field at its default or not, chosen by a seeded generator. */
function randomViews(n: number, seed = 7): TaskView[] {
  let x = seed;
  const rnd = (k: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % k;
  };
  return Array.from({ length: n }, (_, i) => {
    const leaf = rnd(3) > 0;
    const status = STATUSES[rnd(STATUSES.length)]!;
    const v: TaskView = {
      id: `t${i}`,
      rootId: rnd(10) === 0 ? 'another-root' : 'r',
      parentId: i === 0 ? null : 'r',
      kind: leaf ? 'subtask' : 'group',
      title: `task ${i}`,
      description: rnd(2) ? '' : `what ${i} is about`,
      status,
      dependsOn: rnd(3) ? [] : ['g1'],
      subtasks: leaf ? [] : ['a', 'b'],
      createdAt: 1000 + i,
      updatedAt: 2000 + i,
      // a leaf's progress as the engine gives it, and now and then one that does not follow its status
      progress: leaf && rnd(5) ? { done: status === 'COMPLETED' ? 1 : 0, total: 1 } : { done: rnd(3), total: 3 },
      totalUsage: rnd(3) ? { inputTokens: 0, outputTokens: 0 } : rnd(2) ? { inputTokens: 5, outputTokens: 7 } : { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      sessionIds: rnd(2) ? [] : ['sess-1'],
    };
    if (rnd(2)) v.planId = `s${i}`;
    if (rnd(4) === 0) v.result = 'done';
    return v;
  });
}

describe('compact task views (tree.get over the WebSocket)', () => {
  it('expand back to exactly the view, whatever held its default', () => {
    for (const v of randomViews(500)) expect(expandTaskView(JSON.parse(JSON.stringify(compactTaskView(v, 'r'))), 'r')).toEqual(v);
  });

  it('leave out the defaults, and only those', () => {
    const leaf: TaskView = {
      id: 's', rootId: 'r', parentId: 'g', kind: 'subtask', title: 'a step', description: '', status: 'COMPLETED', dependsOn: [], subtasks: [],
      createdAt: 1, updatedAt: 2, progress: { done: 1, total: 1 }, totalUsage: { inputTokens: 0, outputTokens: 0 }, sessionIds: [],
    };
    expect(compactTaskView(leaf, 'r')).toEqual({ id: 's', parentId: 'g', kind: 'subtask', title: 'a step', status: 'COMPLETED', createdAt: 1, updatedAt: 2 });
    // a progress that does not follow from the status stays
    expect(compactTaskView({ ...leaf, progress: { done: 0, total: 1 } }, 'r').progress).toEqual({ done: 0, total: 1 });
  });

  it('pass full views through unchanged, and make a tree of plain subtasks about half as long', () => {
    // as a plan's subtasks are before they run: ids as the engine makes them, no description, nothing below
    const views: TaskView[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `task-${(1e7 + i).toString(36)}`, rootId: 'task-root0001', parentId: 'task-group001', kind: 'subtask', planId: `s${i}`,
      title: `step ${i}: a subtask with a title of ordinary length`, description: '', status: 'PENDING', dependsOn: [], subtasks: [],
      createdAt: 1796000000000 + i, updatedAt: 1796000000000 + i, progress: { done: 0, total: 1 }, totalUsage: { inputTokens: 0, outputTokens: 0 }, sessionIds: [],
    }));
    const snap: TreeSnapshot = { rootId: 'task-root0001', options: { workspace: '/w', agentProfile: 'builtin' }, awaitingApproval: false, tasks: views, sessions: [] };
    expect(expandTreeSnapshot(snap)).toEqual(snap);
    const compact = { ...snap, tasks: views.map((v) => compactTaskView(v, snap.rootId)) };
    expect(expandTreeSnapshot(JSON.parse(JSON.stringify(compact)))).toEqual(snap);
    expect(JSON.stringify(compact).length).toBeLessThan(0.6 * JSON.stringify(snap).length);
  });
});
