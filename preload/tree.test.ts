import { describe, expect, it } from 'vitest';
import { aggregateStatus, aggregateTree, isWithin, leavesOf } from './tree';
import type { Task, TaskStatus } from './model';

function tree(spec: Record<string, { parent?: string; status?: TaskStatus; usage?: [number, number] }>): Map<string, Task> {
  const m = new Map<string, Task>();
  for (const [id, s] of Object.entries(spec)) {
    m.set(id, {
      id,
      rootId: 'r',
      parentId: s.parent ?? null,
      kind: s.parent ? 'subtask' : 'root',
      title: id,
      description: '',
      status: s.status ?? 'PENDING',
      dependsOn: [],
      subtasks: [],
      createdAt: 0,
      updatedAt: 0,
      usage: s.usage ? { inputTokens: s.usage[0], outputTokens: s.usage[1] } : undefined,
    });
  }
  for (const t of m.values()) if (t.parentId) m.get(t.parentId)!.subtasks.push(t.id);
  return m;
}

describe('aggregateStatus', () => {
  it.each<[TaskStatus[], TaskStatus]>([
    [['COMPLETED', 'COMPLETED'], 'COMPLETED'],
    [['COMPLETED', 'IN_PROGRESS', 'FAILED', 'BLOCKED'], 'IN_PROGRESS'],
    [['COMPLETED', 'BLOCKED', 'FAILED'], 'BLOCKED'],
    [['COMPLETED', 'FAILED', 'PENDING'], 'FAILED'],
    [['COMPLETED', 'PENDING'], 'PENDING'],
    [['PENDING'], 'PENDING'],
    [[], 'PENDING'],
  ])('%j → %s', (kids, expected) => {
    expect(aggregateStatus(kids)).toBe(expected);
  });
});

describe('aggregateTree', () => {
  const t = tree({
    r: {},
    g1: { parent: 'r' },
    s1: { parent: 'g1', status: 'COMPLETED', usage: [10, 5] },
    s2: { parent: 'g1', status: 'FAILED' },
    g2: { parent: 'r' },
    s3: { parent: 'g2', status: 'COMPLETED' },
    s4: { parent: 'g2' },
    s41: { parent: 's4', status: 'COMPLETED', usage: [1, 1] },
    s42: { parent: 's4', status: 'COMPLETED' },
  });

  it('derives parents from children, recursively, with leaf progress', () => {
    const a = aggregateTree(t, 'r');
    expect(a.get('g1')).toMatchObject({ status: 'FAILED', done: 1, total: 2 });
    // s4's own status (PENDING) is overridden by its completed children.
    expect(a.get('s4')).toMatchObject({ status: 'COMPLETED', done: 2, total: 2 });
    expect(a.get('g2')).toMatchObject({ status: 'COMPLETED', done: 3, total: 3 });
    expect(a.get('r')).toMatchObject({ status: 'FAILED', done: 4, total: 5 });
  });

  it('sums token usage up the tree', () => {
    const a = aggregateTree(t, 'r');
    expect(a.get('g1')!.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
    expect(a.get('r')!.usage).toEqual({ inputTokens: 11, outputTokens: 6 });
  });

  it('counts a parent with a live session as IN_PROGRESS until it is done', () => {
    const t2 = tree({ r: {}, g: { parent: 'r' }, a: { parent: 'g' }, b: { parent: 'g' } });
    expect(aggregateTree(t2, 'r').get('g')!.status).toBe('PENDING');
    const a = aggregateTree(t2, 'r', new Set(['g']));
    expect(a.get('g')!.status).toBe('IN_PROGRESS');
    expect(a.get('r')!.status).toBe('IN_PROGRESS');
    t2.get('a')!.status = 'COMPLETED';
    t2.get('b')!.status = 'COMPLETED';
    expect(aggregateTree(t2, 'r', new Set(['g'])).get('g')!.status).toBe('COMPLETED');
  });

  it('handles a root without children by its own status and deep trees without recursion', () => {
    expect(aggregateTree(tree({ r: { status: 'FAILED' } }), 'r').get('r')!.status).toBe('FAILED');
    const deep: Record<string, { parent?: string; status?: TaskStatus }> = { n0: {} };
    for (let i = 1; i <= 50_000; i++) deep[`n${i}`] = { parent: `n${i - 1}`, status: i === 50_000 ? 'COMPLETED' : undefined };
    expect(aggregateTree(tree(deep), 'n0').get('n0')).toMatchObject({ status: 'COMPLETED', done: 1, total: 1 });
  });

  it('finds leaves and ancestry', () => {
    expect(leavesOf(t, 'g2').map((x) => x.id)).toEqual(['s3', 's41', 's42']);
    expect(isWithin(t, 's41', 'g2')).toBe(true);
    expect(isWithin(t, 's41', 'g1')).toBe(false);
    expect(isWithin(t, 'g1', 'g1')).toBe(true);
  });
});
