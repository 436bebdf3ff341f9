import { describe, expect, it } from 'vitest';
import type { SessionInfo, TaskStatus } from '../../preload/model';
import { buildTree, makeSession, snapshotOf } from '../dev/fixtures';
import { attentionGroupIds, followTarget, jumpNext, liveGroupIds, nextAfter, runningGroupIds, watchFollowRunning } from './navigate';
import { createAppStore } from './store';

/** A root with `groups` groups of one subtask; `status` by plan id (g1, g1.s1, …); sessions as given. */
function loaded(groups: number, status: (id: string) => TaskStatus, sessions: SessionInfo[] = []) {
  const store = createAppStore();
  store.getState().selectRoot('r');
  store.getState().applySnapshot(snapshotOf(buildTree('r', groups, 1, status), 'r', sessions));
  return store;
}
const worker = (id: string, group: number, status: SessionInfo['status'] = 'running', extra: Partial<SessionInfo> = {}) =>
  makeSession({ id, rootId: 'r', taskId: `r-g${group}`, taskIds: [`r-g${group}`, `r-g${group}-s1`], status, ...extra });
const running = (...groups: number[]) => (id: string) => (groups.some((g) => id.startsWith(`g${g}`)) ? 'IN_PROGRESS' : 'PENDING') as TaskStatus;

describe('next running / next that needs you', () => {
  it('lists groups in plan order and cycles through them from the selection', () => {
    const store = loaded(4, running(2, 4));
    expect(runningGroupIds(store.getState())).toEqual(['r-g2', 'r-g4']);
    expect(nextAfter(['a', 'b', 'c'], null)).toBe('a');
    expect(nextAfter(['a', 'b', 'c'], 'c')).toBe('a');
    expect(nextAfter(['a', 'b', 'c'], 'x')).toBe('a');
    expect(nextAfter([], 'a')).toBeNull();

    const selected: string[] = [];
    const select = (id: string) => {
      selected.push(id);
      store.getState().selectTask(id);
    };
    expect(jumpNext(store, select, 'running')).toBe(true);
    expect(jumpNext(store, select, 'running')).toBe(true);
    expect(jumpNext(store, select, 'running')).toBe(true);
    expect(selected).toEqual(['r-g2', 'r-g4', 'r-g2']);
  });

  it('from a selected subtask, "next" starts after its group; a collapsed ancestor is expanded', () => {
    const store = loaded(3, running(1, 2, 3));
    store.getState().selectTask('r-g2-s1');
    store.getState().setCollapsed('r');
    expect(jumpNext(store, (id) => store.getState().selectTask(id), 'running')).toBe(true);
    expect(store.getState().selectedTaskId).toBe('r-g3');
    expect(store.getState().collapsed.has('r')).toBe(false);
  });

  it('needs you: failed and blocked groups, and groups whose live session went quiet', () => {
    const status = (id: string): TaskStatus => (id.startsWith('g1') ? 'FAILED' : id.startsWith('g3') ? 'BLOCKED' : 'IN_PROGRESS');
    const store = loaded(4, status, [worker('a', 2), worker('b', 4, 'running', { quietSince: 1 })]);
    expect(attentionGroupIds(store.getState())).toEqual(['r-g1', 'r-g3', 'r-g4']);
    expect(jumpNext(loaded(2, () => 'COMPLETED'), () => {}, 'attention')).toBe(false);
  });

  it('in focus mode the maximized pane follows the jump to the group\'s live session', () => {
    const store = loaded(2, running(1, 2), [worker('a', 1), worker('old', 2, 'exited'), worker('b', 2)]);
    store.getState().setFocusedSession('a');
    jumpNext(store, (id) => store.getState().selectTask(id), 'running');
    jumpNext(store, (id) => store.getState().selectTask(id), 'running');
    expect(store.getState().selectedTaskId).toBe('r-g2');
    expect(store.getState().focusedSessionId).toBe('b');
  });
});

describe('follow running', () => {
  function following() {
    const store = loaded(4, running(1, 2, 4), [worker('a', 1), worker('b', 2), worker('d', 4)]);
    const moves: string[] = [];
    watchFollowRunning(store, (id) => {
      moves.push(id);
      store.getState().selectTask(id);
    });
    return { store, moves };
  }
  const end = (store: ReturnType<typeof loaded>, id: string) =>
    store.getState().applyEvents([{ event: 'session.changed', payload: { ...store.getState().sessions.get(id)!, status: 'exited', exitCode: 0 } }]);

  it('moves to the next running group when the selected group\'s session ends', () => {
    const { store, moves } = following();
    expect(liveGroupIds(store.getState())).toEqual(['r-g1', 'r-g2', 'r-g4']);
    store.getState().selectTask('r-g2');
    end(store, 'b');
    expect(moves).toEqual(['r-g4']);
    end(store, 'd'); // wraps around to the first running group
    expect(moves).toEqual(['r-g4', 'r-g1']);
    end(store, 'a'); // nothing else runs: stays
    expect(moves).toEqual(['r-g4', 'r-g1']);
    expect(store.getState().selectedTaskId).toBe('r-g1');
  });

  it('leaves a finished group the user selected on purpose, the root, and everything when turned off', () => {
    const { store, moves } = following();
    end(store, 'b');
    store.getState().selectTask('r-g2'); // already finished: no transition
    store.getState().applyEvents([{ event: 'session.changed', payload: worker('e', 3) }]);
    expect(moves).toEqual([]);
    store.getState().selectTask('r'); // the root shows every session anyway
    end(store, 'a');
    expect(moves).toEqual([]);
    store.getState().selectTask('r-g4');
    store.getState().setPrefs({ followRunning: false });
    end(store, 'd');
    expect(moves).toEqual([]);
  });

  it('needs a transition within one request', () => {
    const store = loaded(2, running(1, 2), [worker('a', 1), worker('b', 2)]);
    store.getState().selectTask('r-g1');
    const prev = store.getState();
    const next = { ...prev, sessions: new Map([...prev.sessions].map(([k, v]) => [k, k === 'a' ? { ...v, status: 'exited' as const } : v])) };
    expect(followTarget(prev, next)).toBe('r-g2');
    expect(followTarget(prev, { ...next, loadedRootId: 'other' })).toBeNull();
    expect(followTarget(prev, prev)).toBeNull();
  });
});
