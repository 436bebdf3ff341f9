// Aggregates recomputed along the ancestors only, and the views kept between reads: a kept view is
// dropped exactly when its task or something below it changes (or its sessions do), and what is read
// is always what a computation from scratch gives.
import { describe, expect, it } from 'vitest';
import type { SessionInfo, Task, TaskStatus } from '../../../preload/model';
import { aggregateTree } from '../../../preload/tree';
import { newState, recompute, recomputeChanged, removeTask, type RequestDocument, type RootState } from './state';
import { expandTreeSnapshot } from '../../../preload/view-wire';
import { taskView, treeSnapshot, treeSnapshotJson } from './views';

function task(id: string, parentId: string | null, subtasks: string[] = [], status: TaskStatus = 'PENDING'): Task {
  return { id, rootId: 'r', parentId, kind: parentId === null ? 'root' : parentId === 'r' ? 'group' : 'subtask', title: id, description: '', status, dependsOn: [], subtasks, createdAt: 1, updatedAt: 1 };
}

/** r → g1 (s1, s2 → (s21, s22)), g2 (s3). */
function request(): RootState {
  const tasks = [
    task('r', null, ['g1', 'g2']),
    task('g1', 'r', ['s1', 's2']),
    task('s1', 'g1'),
    task('s2', 'g1', ['s21', 's22']),
    task('s21', 's2'),
    task('s22', 's2'),
    task('g2', 'r', ['s3']),
    task('s3', 'g2'),
  ];
  const doc = { rootId: 'r', seq: 0, options: { workspace: '/w', agentProfile: 'custom' }, tasks: Object.fromEntries(tasks.map((t) => [t.id, t])), sessions: {} } as unknown as RequestDocument;
  const state = newState(doc, []);
  recompute(state, new Set());
  return state;
}

/** Every view, by task id. */
const viewsOf = (state: RootState) => new Map([...state.tasks.values()].map((t) => [t.id, taskView(state, t)]));

/** The ids whose view object is a new one since `before`. */
function rebuilt(state: RootState, before: Map<string, unknown>): string[] {
  return [...viewsOf(state)].filter(([id, v]) => before.get(id) !== v).map(([id]) => id).sort();
}

describe('aggregates along the ancestors, kept views', () => {
  it('hands out the same view until something changes', () => {
    const state = request();
    const first = viewsOf(state);
    expect(rebuilt(state, first)).toEqual([]);
    expect(first.get('g1')).toMatchObject({ status: 'PENDING', progress: { done: 0, total: 3 } });
  });

  it('drops exactly the views of the changed task and its ancestors', () => {
    const state = request();
    const before = viewsOf(state);
    state.tasks.get('s21')!.status = 'COMPLETED';
    recomputeChanged(state, ['s21'], new Set());
    expect(rebuilt(state, before)).toEqual(['g1', 'r', 's2', 's21']);
    expect(taskView(state, state.tasks.get('s2')!)).toMatchObject({ progress: { done: 1, total: 2 } });
    expect(taskView(state, state.tasks.get('r')!)).toMatchObject({ progress: { done: 1, total: 4 } });
    // An untouched branch keeps its views; a leaf beside the changed one too.
    const again = viewsOf(state);
    state.tasks.get('s3')!.status = 'IN_PROGRESS';
    recomputeChanged(state, ['s3'], new Set());
    expect(rebuilt(state, again)).toEqual(['g2', 'r', 's3']);
    expect(taskView(state, state.tasks.get('r')!).status).toBe('IN_PROGRESS');
  });

  it('drops the views of a task whose live session started or ended, and of its ancestors', () => {
    const state = request();
    const before = viewsOf(state);
    recomputeChanged(state, [], new Set(['g2']));
    expect(rebuilt(state, before)).toEqual(['g2', 'r']);
    expect(taskView(state, state.tasks.get('g2')!).status).toBe('IN_PROGRESS');
    const running = viewsOf(state);
    recomputeChanged(state, [], new Set());
    expect(rebuilt(state, running)).toEqual(['g2', 'r']);
    expect(taskView(state, state.tasks.get('g2')!).status).toBe('PENDING');
  });

  it('rebuilds the views of the tasks a new session answers for, without a commit', () => {
    const state = request();
    const before = viewsOf(state);
    const s = { id: 'sess-1', rootId: 'r', taskId: 'g1', taskIds: ['g1', 's1'], status: 'running' } as unknown as SessionInfo;
    state.sessions.set(s.id, s);
    expect(rebuilt(state, before)).toEqual(['g1', 's1']);
    expect(taskView(state, state.tasks.get('s1')!).sessionIds).toEqual(['sess-1']);
    expect(taskView(state, state.tasks.get('s2')!).sessionIds).toEqual([]);
  });

  it('computes the whole request again when a task was removed', () => {
    const state = request();
    viewsOf(state);
    removeTask(state, 's2');
    const out = recomputeChanged(state, ['g1', 's2', 's21', 's22'], new Set());
    expect(out.whole).toBe(true);
    expect(taskView(state, state.tasks.get('g1')!)).toMatchObject({ subtasks: ['s1'], progress: { done: 0, total: 1 } });
  });

  it('gives what a computation from scratch gives, over many random changes', () => {
    const state = request();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const statuses: TaskStatus[] = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'BLOCKED'];
    const ids = [...state.tasks.keys()];
    const fresh = (id: string) => {
      const t = state.tasks.get(id)!;
      const a = aggregateTree(state.tasks, 'r', state.aggActive).get(id)!;
      return { status: a.status, progress: { done: a.done, total: a.total }, totalUsage: a.usage, subtasks: t.subtasks };
    };
    for (let i = 0; i < 300; i++) {
      const changed: string[] = [];
      for (let k = 0, n = 1 + rnd(3); k < n; k++) {
        const t = state.tasks.get(ids[rnd(ids.length)]!)!;
        t.status = statuses[rnd(statuses.length)]!;
        if (rnd(4) === 0) t.usage = { inputTokens: rnd(100), outputTokens: rnd(100) };
        changed.push(t.id);
      }
      const active = new Set(['g1', 'g2', 's2'].filter(() => rnd(3) === 0));
      recomputeChanged(state, changed, active);
      expect(state.agg).toEqual(aggregateTree(state.tasks, 'r', active));
      for (const id of ids) expect(taskView(state, state.tasks.get(id)!)).toMatchObject(fresh(id));
    }
  });

  it('writes the tree as the JSON of its snapshot, reusing the text of views that did not change', () => {
    const state = request();
    expect(expandTreeSnapshot(JSON.parse(treeSnapshotJson(state)))).toEqual(JSON.parse(JSON.stringify(treeSnapshot(state))));
    state.tasks.get('s1')!.status = 'COMPLETED';
    recomputeChanged(state, ['s1'], new Set());
    const parsed = expandTreeSnapshot(JSON.parse(treeSnapshotJson(state)));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(treeSnapshot(state))));
    expect(parsed.tasks.find((t) => t.id === 's1')!.status).toBe('COMPLETED');
  });

  it('with a limit, gives the first tasks of the tree view (depth first, subtasks in order) and says the rest is left out', () => {
    const state = request();
    const ids = (snap: { tasks: { id: string }[] }) => snap.tasks.map((t) => t.id);
    expect(ids(treeSnapshot(state, undefined, undefined, 5))).toEqual(['r', 'g1', 's1', 's2', 's21']);
    expect(treeSnapshot(state, undefined, undefined, 5).partial).toBe(true);
    // The views are the whole tree's (aggregates over everything below, not over what was sent).
    expect(treeSnapshot(state, undefined, undefined, 2).tasks[1]).toEqual(taskView(state, state.tasks.get('g1')!));
    // A limit the tree fits in: every task, no `partial`.
    for (const limit of [8, 100]) {
      const snap = treeSnapshot(state, undefined, undefined, limit);
      expect(snap.partial).toBeUndefined();
      expect(new Set(ids(snap))).toEqual(new Set(state.tasks.keys()));
    }
    // The text form is the same snapshot.
    expect(expandTreeSnapshot(JSON.parse(treeSnapshotJson(state, undefined, undefined, 5)))).toEqual(JSON.parse(JSON.stringify(treeSnapshot(state, undefined, undefined, 5))));
  });
});
