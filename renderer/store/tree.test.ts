import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../preload/model';
import { buildTree, makeTask } from '../dev/fixtures';
import { childIds, flattenTree, isWithin, pathTo, runningKeepSet, sameRows } from './tree';

describe('flattenTree', () => {
  it('lists the root, then each group followed by its subtasks, with levels and positions', () => {
    const tasks = buildTree('r', 2, 2);
    const rows = flattenTree(tasks, 'r', new Set());
    expect(rows.map((r) => `${r.level}:${r.id}`)).toEqual([
      '1:r',
      '2:r-g1',
      '3:r-g1-s1',
      '3:r-g1-s2',
      '2:r-g2',
      '3:r-g2-s1',
      '3:r-g2-s2',
    ]);
    const g2 = rows.find((r) => r.id === 'r-g2')!;
    expect(g2).toMatchObject({ posInSet: 2, setSize: 2, hasChildren: true, expanded: true, parentId: 'r' });
    const leaf = rows.find((r) => r.id === 'r-g1-s2')!;
    expect(leaf).toMatchObject({ posInSet: 2, setSize: 2, hasChildren: false, expanded: false });
  });

  it('does not descend into collapsed tasks', () => {
    const tasks = buildTree('r', 3, 2);
    const rows = flattenTree(tasks, 'r', new Set(['r-g2']));
    expect(rows.map((r) => r.id)).toEqual(['r', 'r-g1', 'r-g1-s1', 'r-g1-s2', 'r-g2', 'r-g3', 'r-g3-s1', 'r-g3-s2']);
    expect(rows.find((r) => r.id === 'r-g2')).toMatchObject({ hasChildren: true, expanded: false });
    expect(flattenTree(tasks, 'r', new Set(['r'])).map((r) => r.id)).toEqual(['r']);
  });

  it('returns nothing for an unknown root and skips children that are not loaded', () => {
    const tasks = buildTree('r', 1, 1);
    expect(flattenTree(tasks, 'nope', new Set())).toEqual([]);
    const g = tasks.get('r-g1')!;
    tasks.set('r-g1', { ...g, subtasks: [...g.subtasks, 'missing'] });
    expect(flattenTree(tasks, 'r', new Set()).map((r) => r.id)).toEqual(['r', 'r-g1', 'r-g1-s1']);
    expect(childIds(tasks, 'r-g1')).toEqual(['r-g1-s1']);
  });

  it('survives a malformed tree with a cycle', () => {
    const tasks = new Map<string, TaskView>([
      ['a', makeTask({ id: 'a', rootId: 'a', kind: 'root', subtasks: ['b'] })],
      ['b', makeTask({ id: 'b', rootId: 'a', kind: 'group', parentId: 'a', subtasks: ['a'] })],
    ]);
    expect(flattenTree(tasks, 'a', new Set()).map((r) => r.id)).toEqual(['a', 'b']);
    expect(pathTo(tasks, 'b')).toEqual(['a', 'b']);
  });

  it('handles 10,000 tasks: every task once, in depth-first order, and collapse hides exactly the subtrees', () => {
    // 1 root + 100 groups × (1 + 99 subtasks) = 10,001 tasks
    const tasks = buildTree('big', 100, 99);
    expect(tasks.size).toBe(10_001);
    const rows = flattenTree(tasks, 'big', new Set());
    expect(rows).toHaveLength(10_001);
    expect(new Set(rows.map((r) => r.id)).size).toBe(10_001);
    expect(rows[1].id).toBe('big-g1');
    expect(rows[100].id).toBe('big-g1-s99');
    expect(rows[101].id).toBe('big-g2');
    expect(rows.at(-1)!.id).toBe('big-g100-s99');
    for (const r of rows) {
      const t = tasks.get(r.id)!;
      expect(r.level).toBe(t.kind === 'root' ? 1 : t.kind === 'group' ? 2 : 3);
    }

    const collapsed = new Set<string>();
    for (let g = 1; g <= 100; g += 2) collapsed.add(`big-g${g}`); // every odd group
    const folded = flattenTree(tasks, 'big', collapsed);
    expect(folded).toHaveLength(1 + 100 + 50 * 99);
    expect(folded.some((r) => r.parentId === 'big-g1')).toBe(false);
    expect(folded.filter((r) => r.parentId === 'big-g2')).toHaveLength(99);
    expect(folded.find((r) => r.id === 'big-g3')).toMatchObject({ expanded: false, hasChildren: true });

    expect(flattenTree(tasks, 'big', new Set(['big']))).toHaveLength(1);
  });
});

describe('running filter', () => {
  it('keeps running tasks, their ancestors and the work list of running groups', () => {
    const tasks = buildTree('r', 3, 2, (id) => (id === 'g2.s1' ? 'IN_PROGRESS' : id.startsWith('g1') ? 'COMPLETED' : 'PENDING'));
    expect(tasks.get('r-g2')!.status).toBe('IN_PROGRESS');
    expect([...runningKeepSet(tasks, 'r')].sort()).toEqual(['r', 'r-g2', 'r-g2-s1', 'r-g2-s2']);
    const rows = flattenTree(tasks, 'r', new Set(), 'running');
    expect(rows.map((r) => r.id)).toEqual(['r', 'r-g2', 'r-g2-s1', 'r-g2-s2']);
    expect(rows[1]).toMatchObject({ posInSet: 1, setSize: 1 });
  });

  it('is empty when nothing runs', () => {
    const tasks = buildTree('r', 2, 2);
    expect(flattenTree(tasks, 'r', new Set(), 'running')).toEqual([]);
  });
});

describe('helpers', () => {
  it('sameRows compares structure, not identity', () => {
    const tasks = buildTree('r', 2, 2);
    const a = flattenTree(tasks, 'r', new Set());
    const b = flattenTree(tasks, 'r', new Set());
    expect(a).not.toBe(b);
    expect(sameRows(a, b)).toBe(true);
    expect(sameRows(a, flattenTree(tasks, 'r', new Set(['r-g1'])))).toBe(false);
  });

  it('pathTo and isWithin follow parent links', () => {
    const tasks = buildTree('r', 2, 2);
    expect(pathTo(tasks, 'r-g2-s1')).toEqual(['r', 'r-g2', 'r-g2-s1']);
    expect(pathTo(tasks, 'unknown')).toEqual([]);
    expect(isWithin(tasks, 'r-g2-s1', 'r-g2')).toBe(true);
    expect(isWithin(tasks, 'r-g2-s1', 'r-g1')).toBe(false);
    expect(isWithin(tasks, 'r-g2', 'r-g2')).toBe(true);
  });
});
