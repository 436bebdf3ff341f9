import { describe, expect, it } from 'vitest';
import { buildTree, makeSession, makeSettings, snapshotOf } from '../dev/fixtures';
import {
  createChildrenSelector,
  createRunningGroupsSelector,
  createSessionsSelector,
  createVisibleRowsSelector,
} from './selectors';
import type { Settings } from '../../preload/contract';
import { createAppStore } from './store';

const SETTINGS: Settings = makeSettings({ concurrency: 2 });

function setup(groups = 3, perGroup = 2) {
  const store = createAppStore();
  const tasks = buildTree('r', groups, perGroup, (id) => (id === 'g2.s1' ? 'IN_PROGRESS' : 'PENDING'));
  store.getState().selectRoot('r');
  store.getState().applySnapshot(
    snapshotOf(tasks, 'r', [
      makeSession({ id: 'w1', rootId: 'r', taskId: 'r-g1', taskIds: ['r-g1', 'r-g1-s1'], status: 'exited', startedAt: 1 }),
      makeSession({ id: 'w2', rootId: 'r', taskId: 'r-g2', status: 'running', startedAt: 2 }),
      makeSession({ id: 'w3', rootId: 'r', taskId: 'r-g1', status: 'exited', startedAt: 3 }),
      makeSession({ id: 'o', rootId: 'r', taskId: 'r', role: 'orchestrator', status: 'exited', startedAt: 0 }),
    ]),
  );
  return { store, tasks };
}

describe('visible rows selector', () => {
  it('returns the same array while nothing changes and after status-only updates', () => {
    const { store } = setup();
    const select = createVisibleRowsSelector();
    const rows = select(store.getState());
    expect(rows).toHaveLength(10);
    expect(select(store.getState())).toBe(rows);
    const g3 = store.getState().tasks.get('r-g3')!;
    store.getState().applyEvents([{ event: 'tasks.changed', payload: { rootId: 'r', tasks: [{ ...g3, status: 'FAILED' }] } }]);
    expect(select(store.getState())).toBe(rows);
  });

  it('bumps the tree shape only when a task is added or its subtasks change, and shows the new task', () => {
    const { store } = setup();
    const select = createVisibleRowsSelector();
    const rows = select(store.getState());
    const shape = store.getState().treeShape;
    const g1 = store.getState().tasks.get('r-g1')!;
    store.getState().applyEvents([{ event: 'tasks.changed', payload: { rootId: 'r', tasks: [{ ...g1, status: 'IN_PROGRESS' }] } }]);
    expect(store.getState().treeShape).toBe(shape);
    const added = { ...store.getState().tasks.get('r-g1-s1')!, id: 'r-g1-s9', planId: 's9', title: 'added' };
    store.getState().applyEvents([
      { event: 'tasks.changed', payload: { rootId: 'r', tasks: [{ ...g1, subtasks: [...g1.subtasks, 'r-g1-s9'] }, added] } },
    ]);
    expect(store.getState().treeShape).toBe(shape + 1);
    const next = select(store.getState());
    expect(next).not.toBe(rows);
    expect(next.map((r) => r.id)).toContain('r-g1-s9');
  });

  it('follows collapse, filter and structure changes', () => {
    const { store } = setup();
    const select = createVisibleRowsSelector();
    const rows = select(store.getState());
    store.getState().setCollapsed('r-g1');
    const folded = select(store.getState());
    expect(folded).not.toBe(rows);
    expect(folded.map((r) => r.id)).toEqual(['r', 'r-g1', 'r-g2', 'r-g2-s1', 'r-g2-s2', 'r-g3', 'r-g3-s1', 'r-g3-s2']);
    store.getState().setTreeFilter('running');
    expect(select(store.getState()).map((r) => r.id)).toEqual(['r', 'r-g2', 'r-g2-s1', 'r-g2-s2']);
  });

  it('keeps up with a 10,000-task tree under collapse', () => {
    const store = createAppStore();
    const tasks = buildTree('big', 100, 99);
    store.getState().selectRoot('big');
    store.getState().applySnapshot(snapshotOf(tasks, 'big'));
    const select = createVisibleRowsSelector();
    expect(select(store.getState())).toHaveLength(10_001);
    for (let g = 1; g <= 100; g++) store.getState().setCollapsed(`big-g${g}`, true);
    const rows = select(store.getState());
    expect(rows).toHaveLength(101);
    expect(rows.every((r) => r.level <= 2)).toBe(true);
    store.getState().setCollapsed('big-g50', false);
    expect(select(store.getState())).toHaveLength(200);
  });
});

describe('other selectors', () => {
  it('children of a task, stable until they change', () => {
    const { store } = setup();
    const select = createChildrenSelector('r-g2');
    const kids = select(store.getState());
    expect(kids.map((t) => t.id)).toEqual(['r-g2-s1', 'r-g2-s2']);
    const g1 = store.getState().tasks.get('r-g1')!;
    store.getState().applyEvents([{ event: 'tasks.changed', payload: { rootId: 'r', tasks: [{ ...g1, title: 'x' }] } }]);
    expect(select(store.getState())).toBe(kids);
    const s1 = store.getState().tasks.get('r-g2-s1')!;
    store.getState().applyEvents([{ event: 'tasks.changed', payload: { rootId: 'r', tasks: [{ ...s1, status: 'COMPLETED' }] } }]);
    expect(select(store.getState())[0].status).toBe('COMPLETED');
  });

  it('running groups', () => {
    const { store } = setup();
    const select = createRunningGroupsSelector();
    expect(select(store.getState()).map((t) => t.id)).toEqual(['r-g2']);
  });

  it('sessions of a task: the root shows all workers, a subtask the sessions that served it', () => {
    const { store } = setup();
    store.getState().setSettings({ ...SETTINGS, showOrchestrator: false });
    const select = createSessionsSelector();
    expect(select(store.getState(), null).map((s) => s.id)).toEqual(['w2', 'w3', 'w1']); // running first, then newest
    expect(select(store.getState(), 'r').map((s) => s.id)).toEqual(['w2', 'w3', 'w1']);
    expect(select(store.getState(), 'r-g1').map((s) => s.id)).toEqual(['w3', 'w1']);
    expect(select(store.getState(), 'r-g1-s1').map((s) => s.id)).toEqual(['w1']);
    expect(select(store.getState(), 'r-g3')).toEqual([]);
    const same = select(store.getState(), 'r-g1');
    expect(select(store.getState(), 'r-g1')).toBe(same);
  });

  it('the orchestrator session is among the root’s sessions unless showOrchestrator is off', () => {
    const { store } = setup();
    const select = createSessionsSelector();
    // Before the settings load, as the engine's default: shown.
    expect(select(store.getState(), null).map((s) => s.id)).toContain('o');
    store.getState().setSettings({ ...SETTINGS, showOrchestrator: true });
    expect(select(store.getState(), 'r').map((s) => s.id)).toContain('o');
    store.getState().setSettings({ ...SETTINGS, showOrchestrator: false });
    expect(select(store.getState(), 'r').map((s) => s.id)).not.toContain('o');
    // Never below the root: a group's panes are its workers.
    store.getState().setSettings({ ...SETTINGS, showOrchestrator: true });
    expect(select(store.getState(), 'r-g1').map((s) => s.id)).not.toContain('o');
  });
});
