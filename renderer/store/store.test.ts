import { describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../preload/contract';
import { buildTree, makeSession, snapshotOf, summaryOf } from '../dev/fixtures';
import { MAX_NOTICES, createAppStore, reduceEvents, selectAwaitingApproval, type StoreEvent } from './store';

function loadedStore(rootId = 'r') {
  const store = createAppStore();
  const tasks = buildTree(rootId, 2, 2);
  store.getState().selectRoot(rootId);
  store.getState().applySnapshot(snapshotOf(tasks, rootId, [makeSession({ id: 'x1', rootId, taskId: `${rootId}-g1` })]));
  return { store, tasks };
}

describe('snapshots and root selection', () => {
  it('loads a snapshot for the selected root and ignores one for another root', () => {
    const { store } = loadedStore();
    const s = store.getState();
    expect(s.loadedRootId).toBe('r');
    expect(s.tasks.size).toBe(7);
    expect(s.sessions.get('x1')?.taskId).toBe('r-g1');
    expect(s.roots.map((r) => r.id)).toEqual(['r']); // summary derived from the snapshot

    store.getState().applySnapshot(snapshotOf(buildTree('other', 1, 1), 'other'));
    expect(store.getState().loadedRootId).toBe('r');
  });

  it('drops the tasks a change removed from under their parent (a plan edited or re-planned elsewhere)', () => {
    const { store, tasks } = loadedStore();
    const root = { ...tasks.get('r')!, subtasks: ['r-g2'] };
    store.getState().applyEvents([{ event: 'tasks.changed', payload: { rootId: 'r', tasks: [root] } }]);
    expect([...store.getState().tasks.keys()].sort()).toEqual(['r', 'r-g2', 'r-g2-s1', 'r-g2-s2']);
  });

  it('selecting another root clears the tree until its snapshot arrives', () => {
    const { store } = loadedStore();
    store.getState().selectTask('r-g1');
    store.getState().selectRoot('q');
    const s = store.getState();
    expect(s.selectedRootId).toBe('q');
    expect(s.loadedRootId).toBeNull();
    expect(s.tasks.size).toBe(0);
    expect(s.selectedTaskId).toBeNull();
  });

  it('a fresh snapshot of the same root keeps the selected task', () => {
    const { store, tasks } = loadedStore();
    store.getState().selectTask('r-g2');
    store.getState().applySnapshot(snapshotOf(tasks, 'r'));
    expect(store.getState().selectedTaskId).toBe('r-g2');
  });

  it('sorts roots newest first', () => {
    const store = createAppStore();
    const a = summaryOf(buildTree('a', 1, 1).get('a')!);
    const b = summaryOf(buildTree('b', 1, 1).get('b')!);
    store.getState().setRoots([a, b]);
    expect(store.getState().roots.map((r) => r.id)).toEqual(['b', 'a']);
    expect(store.getState().rootsLoaded).toBe(true);
  });
});

describe('applying engine events', () => {
  it('tasks.changed replaces the changed views in a new Map and ignores other roots', () => {
    const { store } = loadedStore();
    const before = store.getState().tasks;
    const g1 = before.get('r-g1')!;
    store.getState().applyEvents([
      { event: 'tasks.changed', payload: { rootId: 'r', tasks: [{ ...g1, status: 'FAILED', result: 'boom' }] } },
      { event: 'tasks.changed', payload: { rootId: 'elsewhere', tasks: [{ ...g1, id: 'zzz' }] } },
    ]);
    const after = store.getState().tasks;
    expect(after).not.toBe(before);
    expect(after.get('r-g1')).toMatchObject({ status: 'FAILED', result: 'boom' });
    expect(after.has('zzz')).toBe(false);
    expect(after.get('r-g2')).toBe(before.get('r-g2')); // untouched views keep their identity
    expect(before.get('r-g1')!.status).toBe('PENDING'); // the old Map is not mutated
  });

  it('adds new tasks', () => {
    const { store, tasks } = loadedStore();
    const g1 = tasks.get('r-g1')!;
    const added = { ...tasks.get('r-g1-s1')!, id: 'r-g1-s3', title: 'Added' };
    store.getState().applyEvents([
      { event: 'tasks.changed', payload: { rootId: 'r', tasks: [added, { ...g1, subtasks: [...g1.subtasks, 'r-g1-s3'] }] } },
    ]);
    expect(store.getState().tasks.get('r-g1')!.subtasks).toContain('r-g1-s3');
    expect(store.getState().tasks.get('r-g1-s3')!.title).toBe('Added');
  });

  it('session.changed upserts sessions of the loaded root only', () => {
    const { store } = loadedStore();
    store.getState().applyEvents([
      { event: 'session.changed', payload: makeSession({ id: 'x1', rootId: 'r', taskId: 'r-g1', status: 'exited', exitCode: 3 }) },
      { event: 'session.changed', payload: makeSession({ id: 'x2', rootId: 'r', taskId: 'r-g2' }) },
      { event: 'session.changed', payload: makeSession({ id: 'y', rootId: 'q', taskId: 'q-g1' }) },
    ]);
    const { sessions } = store.getState();
    expect(sessions.get('x1')).toMatchObject({ status: 'exited', exitCode: 3 });
    expect(sessions.has('x2')).toBe(true);
    expect(sessions.has('y')).toBe(false);
  });

  it('roots.changed replaces the list; the selection stays', () => {
    const { store } = loadedStore();
    const other = summaryOf(buildTree('q', 1, 1).get('q')!);
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [other] } }]);
    expect(store.getState().roots.map((r) => r.id)).toEqual(['q']);
    expect(store.getState().selectedRootId).toBe('r');
  });

  it('timeline.event is appended only to the open detail it belongs to, once per seq', () => {
    const { store, tasks } = loadedStore();
    const data: TaskDetail = { task: tasks.get('r-g1')!, subtasks: [], timeline: [], sessions: [] };
    store.getState().selectTask('r-g1');
    store.getState().setDetail({ taskId: 'r-g1', status: 'ready', data });
    const ev = (seq: number, taskId: string): StoreEvent => ({
      event: 'timeline.event',
      payload: { rootId: 'r', event: { seq, at: seq, taskId, type: 'log', message: `m${seq}` } },
    });
    store.getState().applyEvents([ev(1, 'r-g1'), ev(2, 'r-g1-s2'), ev(3, 'r-g2'), ev(2, 'r-g1-s2')]);
    expect(store.getState().detail!.data!.timeline.map((e) => e.message)).toEqual(['m1', 'm2']);
  });

  it('timeline events are dropped when no detail is open', () => {
    const { store } = loadedStore();
    const state = store.getState();
    const patch = reduceEvents(state, [
      { event: 'timeline.event', payload: { rootId: 'r', event: { seq: 1, at: 1, taskId: 'r', type: 'log', message: 'x' } } },
    ]);
    expect(patch).toEqual({});
  });

  it('notices are added newest first, repeated messages are counted, the list is capped', () => {
    const store = createAppStore();
    const notice = (message: string): StoreEvent => ({ event: 'notice', payload: { level: 'warning', message } });
    store.getState().applyEvents([notice('a'), notice('b'), notice('a')]);
    let list = store.getState().notices;
    expect(list.map((n) => `${n.message}×${n.count}`)).toEqual(['a×2', 'b×1']);
    store.getState().dismissNotice(list[0].id);
    expect(store.getState().notices.map((n) => n.message)).toEqual(['b']);
    store.getState().applyEvents(Array.from({ length: 10 }, (_, i) => notice(`n${i}`)));
    list = store.getState().notices;
    expect(list).toHaveLength(MAX_NOTICES);
    expect(list[0].message).toBe('n9');
  });

  it('a batch of many events produces a single state update', () => {
    const { store, tasks } = loadedStore();
    let updates = 0;
    store.subscribe(() => updates++);
    const events: StoreEvent[] = [...tasks.values()].map((t) => ({
      event: 'tasks.changed',
      payload: { rootId: 'r', tasks: [{ ...t, status: 'COMPLETED' }] },
    }));
    store.getState().applyEvents(events);
    expect(updates).toBe(1);
    expect([...store.getState().tasks.values()].every((t) => t.status === 'COMPLETED')).toBe(true);
  });
});

describe('plan approval and the API key status', () => {
  it('a snapshot of a new request adds its summary with the approval state', () => {
    const store = createAppStore();
    store.getState().selectRoot('r');
    store.getState().applySnapshot(snapshotOf(buildTree('r', 1, 2), 'r', [], true));
    expect(store.getState().roots).toMatchObject([{ id: 'r', awaitingApproval: true }]);
    expect(selectAwaitingApproval(store.getState())).toBe(true);
  });

  it('a newer snapshot corrects the listed approval state, keeping the list otherwise', () => {
    const { store, tasks } = loadedStore();
    const other = summaryOf(buildTree('q', 1, 1).get('q')!);
    store.getState().setRoots([summaryOf(tasks.get('r')!, '/work/project', false), other]);
    store.getState().applySnapshot(snapshotOf(tasks, 'r', [], true));
    expect(selectAwaitingApproval(store.getState())).toBe(true);
    expect(store.getState().roots.find((r) => r.id === 'q')).toBe(other);
    const list = store.getState().roots;
    store.getState().applySnapshot(snapshotOf(tasks, 'r', [], true));
    expect(store.getState().roots).toBe(list); // nothing changed: same array
  });

  it('roots.changed carries the approval state of the loaded request', () => {
    const { store, tasks } = loadedStore();
    expect(selectAwaitingApproval(store.getState())).toBe(false);
    const waiting = summaryOf(tasks.get('r')!, '/work/project', true);
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [waiting] } }]);
    expect(selectAwaitingApproval(store.getState())).toBe(true);
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [{ ...waiting, awaitingApproval: false }] } }]);
    expect(selectAwaitingApproval(store.getState())).toBe(false);
  });

  it('another request waiting for approval does not make the loaded one wait', () => {
    const { store, tasks } = loadedStore();
    const q = summaryOf(buildTree('q', 1, 1).get('q')!, '/work/project', true);
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [summaryOf(tasks.get('r')!), q] } }]);
    expect(selectAwaitingApproval(store.getState())).toBe(false);
    store.getState().selectRoot(null);
    expect(selectAwaitingApproval(store.getState())).toBe(false);
  });

  it('keeps the key status, which has no key in it', () => {
    const store = createAppStore();
    expect(store.getState().secrets).toBeNull();
    store.getState().setSecrets({ anthropicApiKey: 'environment', stored: false, storage: 'os-keychain' });
    expect(store.getState().secrets).toEqual({ anthropicApiKey: 'environment', stored: false, storage: 'os-keychain' });
  });
});

describe('tree UI state', () => {
  it('collapse toggles with a new Set and reveal expands the ancestors', () => {
    const { store } = loadedStore();
    const s0 = store.getState().collapsed;
    store.getState().setCollapsed('r-g1');
    const s1 = store.getState().collapsed;
    expect(s1).not.toBe(s0);
    expect(s1.has('r-g1')).toBe(true);
    store.getState().setCollapsed('r');
    store.getState().reveal('r-g1-s2');
    expect([...store.getState().collapsed]).toEqual([]);
    store.getState().setCollapsed('r-g2', false); // already expanded: no update
    expect(store.getState().collapsed.size).toBe(0);
  });
});
