import { describe, expect, it } from 'vitest';
import type { Settings, TaskDetail } from '../../preload/contract';
import { ApiError } from '../../preload/wire';
import { buildTree, makeSession, makeSettings, snapshotOf, summaryOf } from '../dev/fixtures';
import { FakeApi, deferred, manualScheduler, manualTimers, settle } from '../dev/test-utils';
import type { TreeSnapshot } from '../../preload/model';
import { AppController, TREE_HEAD } from './controller';
import { createAppStore, selectAwaitingApproval, selectRootControl } from './store';

const settings: Settings = makeSettings({ defaultAgentProfile: 'claude', model: 'claude-x', maxTokens: 4096, maxTurns: 50, showOrchestrator: false, scrollback: 2000 });

function setup() {
  const older = buildTree('old', 1, 1);
  const newer = buildTree('new', 2, 2);
  const api = new FakeApi({
    'roots.list': () => [summaryOf(older.get('old')!), summaryOf(newer.get('new')!)],
    'settings.get': () => settings,
    'secrets.status': () => ({ anthropicApiKey: 'missing', stored: false, storage: 'file-0600' }),
    'tree.get': ({ rootId }) => snapshotOf(rootId === 'new' ? newer : older, rootId),
  });
  const store = createAppStore();
  const frames = manualScheduler();
  const clock = manualTimers();
  const controller = new AppController(api, store, { scheduler: frames.scheduler, timers: clock.timers, detailDelayMs: 100 });
  return { api, store, frames, clock, controller, newer, older };
}

describe('AppController', () => {
  it('start loads roots and settings, selects the newest root and loads its tree', async () => {
    const { api, store, controller } = setup();
    controller.start();
    await settle();
    const s = store.getState();
    expect(s.connection).toBe('open');
    expect(s.settings?.defaultAgentProfile).toBe('claude');
    expect(s.roots.map((r) => r.id)).toEqual(['new', 'old']);
    expect(s.selectedRootId).toBe('new');
    expect(s.loadedRootId).toBe('new');
    expect(s.tasks.size).toBe(7);
    expect(api.callsOf('tree.get')).toEqual([{ rootId: 'new', limit: TREE_HEAD }]);
  });

  it('selects the initial root when it exists', async () => {
    const { api, store } = setup();
    const controller = new AppController(api, store, { scheduler: manualScheduler().scheduler, initialRootId: 'old' });
    controller.start();
    await settle();
    expect(store.getState().loadedRootId).toBe('old');
  });

  it('loads the initial root’s tree alongside the list of requests, not after it', async () => {
    const { api, store } = setup();
    const roots = deferred<ReturnType<typeof summaryOf>[]>();
    api.handle('roots.list', () => roots.promise);
    const controller = new AppController(api, store, { scheduler: manualScheduler().scheduler, initialRootId: 'old' });
    const done = controller.refresh();
    await settle();
    expect(api.callsOf('tree.get')).toEqual([{ rootId: 'old', limit: TREE_HEAD }]);
    expect(store.getState().loadedRootId).toBe('old');
    roots.resolve([]);
    await done;
    expect(api.callsOf('tree.get')).toEqual([{ rootId: 'old', limit: TREE_HEAD }]);
    expect(store.getState().selectedRootId).toBe('old');
  });

  it('selects the initial root at once, so the plan view lays out while its tree loads', async () => {
    const { api, store, older } = setup();
    const tree = deferred<ReturnType<typeof snapshotOf>>();
    api.handle('tree.get', () => tree.promise);
    const controller = new AppController(api, store, { scheduler: manualScheduler().scheduler, initialRootId: 'old' });
    const done = controller.refresh();
    expect(store.getState().selectedRootId).toBe('old');
    expect(store.getState().loadedRootId).toBe(null);
    await settle();
    expect(store.getState().loadedRootId).toBe(null);
    tree.resolve(snapshotOf(older, 'old'));
    await done;
    expect(store.getState().loadedRootId).toBe('old');
    expect(store.getState().tasks.size).toBe(older.size);
  });

  it('a large tree: its first tasks are shown at once, the whole tree replaces them when it arrives', async () => {
    const { api, store, frames, older } = setup();
    const whole = snapshotOf(older, 'old');
    const head = (limit: number): TreeSnapshot => ({ ...whole, tasks: whole.tasks.slice(0, limit), partial: true });
    const rest = deferred<TreeSnapshot>();
    api.handle('tree.get', ({ limit }) => (limit ? head(2) : rest.promise));
    const clock = manualTimers();
    const ui = deferred<void>();
    const controller = new AppController(api, store, { scheduler: frames.scheduler, timers: clock.timers, initialRootId: 'old', uiReady: ui.promise });
    controller.start();
    await settle();
    expect(store.getState().loadedRootId).toBe('old');
    expect([...store.getState().tasks.keys()]).toEqual(whole.tasks.slice(0, 2).map((t) => t.id));
    expect(store.getState().selectedTaskId).toBe('old');
    // The rest is asked for once the UI is mounted and the frame that paints the first rows is done.
    frames.frame();
    clock.advance(100);
    await settle();
    expect(api.callsOf('tree.get')).toEqual([{ rootId: 'old', limit: TREE_HEAD }]);
    ui.resolve();
    await settle();
    frames.frame();
    await settle();
    expect(api.callsOf('tree.get')).toHaveLength(1);
    clock.advance(0);
    await settle();
    expect(api.callsOf('tree.get')).toEqual([{ rootId: 'old', limit: TREE_HEAD }, { rootId: 'old' }]);
    // An event between the two answers is older than the whole tree: the tree wins.
    const last = whole.tasks.at(-1)!;
    api.emit('tasks.changed', { rootId: 'old', tasks: [{ ...last, status: 'FAILED' }] });
    rest.resolve(whole);
    await settle();
    expect(store.getState().tasks.size).toBe(older.size);
    expect(store.getState().tasks.get(last.id)!.status).toBe(last.status);
    expect(store.getState().treeError).toBe(null);
  });

  it('when the rest of a large tree cannot be loaded, its first tasks stay and the error is shown', async () => {
    const { api, store, older, controller, clock } = setup();
    const whole = snapshotOf(older, 'old');
    api.handle('tree.get', ({ limit }) => {
      if (limit) return { ...whole, tasks: whole.tasks.slice(0, 2), partial: true };
      throw new ApiError('internal', 'disk on fire');
    });
    const done = controller.selectRoot('old');
    await settle();
    // No frames come (a hidden page): the rest is asked for after a short wait all the same.
    clock.advance(100);
    await done;
    expect(store.getState().loadedRootId).toBe('old');
    expect(store.getState().tasks.size).toBe(2);
    expect(store.getState().treeError).toMatch(/disk on fire/);
    expect(store.getState().notices.map((n) => n.message).join(' ')).toMatch(/Could not load the task tree/);
  });

  it('an initial root that does not exist falls back to the newest request', async () => {
    const { api, store, newer, older } = setup();
    api.handle('tree.get', ({ rootId }) => {
      if (rootId === 'gone') throw new ApiError('not-found', 'no such root');
      return snapshotOf(rootId === 'new' ? newer : older, rootId);
    });
    const controller = new AppController(api, store, { scheduler: manualScheduler().scheduler, initialRootId: 'gone' });
    const done = controller.refresh();
    expect(store.getState().selectedRootId).toBe('gone');
    await done;
    expect(store.getState().selectedRootId).toBe('new');
    expect(store.getState().loadedRootId).toBe('new');
    expect(store.getState().notices).toEqual([]);
  });

  it('coalesces events: nothing changes until the frame, then one update', async () => {
    const { api, store, frames, controller, newer } = setup();
    controller.start();
    await settle();
    let updates = 0;
    store.subscribe(() => updates++);
    const g1 = newer.get('new-g1')!;
    for (const status of ['IN_PROGRESS', 'FAILED'] as const) {
      api.emit('tasks.changed', { rootId: 'new', tasks: [{ ...g1, status: status }] });
    }
    api.emit('session.changed', makeSession({ id: 's1', rootId: 'new', taskId: 'new-g1' }));
    api.emit('notice', { level: 'warning', message: 'rate limited' });
    expect(updates).toBe(0);
    expect(frames.requested).toBe(1);
    frames.frame();
    expect(updates).toBe(1);
    const s = store.getState();
    expect(s.tasks.get('new-g1')!.status).toBe('FAILED');
    expect(s.sessions.has('s1')).toBe(true);
    expect(s.notices[0].message).toBe('rate limited');
  });

  it('a snapshot wins over older events still waiting for their frame', async () => {
    const { api, store, frames, controller, newer } = setup();
    controller.start();
    await settle();
    const g1 = newer.get('new-g1')!;
    const pending = deferred<ReturnType<typeof snapshotOf>>();
    api.handle('tree.get', () => pending.promise);
    const reload = controller.loadTree('new');
    api.emit('tasks.changed', { rootId: 'new', tasks: [{ ...g1, status: 'IN_PROGRESS' }] });
    const fresh = new Map(newer);
    fresh.set('new-g1', { ...g1, status: 'COMPLETED' });
    pending.resolve(snapshotOf(fresh, 'new'));
    await reload;
    frames.frame();
    expect(store.getState().tasks.get('new-g1')!.status).toBe('COMPLETED');
  });

  it('createRoot selects the new root at once', async () => {
    const { api, store, controller } = setup();
    controller.start();
    await settle();
    const made = buildTree('made', 1, 0);
    api.handle('roots.create', () => snapshotOf(made, 'made'));
    expect(await controller.createRoot({ request: 'Do it', agentProfile: 'builtin' })).toBe(true);
    const s = store.getState();
    expect(s.selectedRootId).toBe('made');
    expect(s.loadedRootId).toBe('made');
    expect(s.roots[0].id).toBe('made');
    expect(api.callsOf('roots.create')).toEqual([{ request: 'Do it', agentProfile: 'builtin' }]);
  });

  it('failed calls become error notices', async () => {
    const { api, store, controller } = setup();
    controller.start();
    await settle();
    api.handle('task.retry', () => {
      throw new ApiError('conflict', 'task is not failed');
    });
    await controller.retryTask('new-g1');
    expect(store.getState().notices[0]).toMatchObject({ level: 'error', message: 'Retry failed: task is not failed' });
    api.handle('roots.create', () => {
      throw new ApiError('bad-request', 'the request must not be empty');
    });
    expect(await controller.createRoot({ request: ' ' })).toBe(false);
    expect(store.getState().notices[0].message).toContain('the request must not be empty');
  });

  it('selecting a task loads its detail after the delay, only for the last selection', async () => {
    const { api, store, clock, controller, newer } = setup();
    controller.start();
    await settle();
    api.handle('task.show', ({ id }): TaskDetail => ({ task: newer.get(id)!, subtasks: [], timeline: [], sessions: [] }));
    controller.selectTask('new-g1');
    controller.selectTask('new-g2');
    expect(store.getState().selectedTaskId).toBe('new-g2');
    expect(api.callsOf('task.show')).toEqual([]);
    clock.advance(100);
    await settle();
    expect(api.callsOf('task.show')).toEqual([{ id: 'new-g2', timelineLimit: 200 }]);
    expect(store.getState().detail).toMatchObject({ taskId: 'new-g2', status: 'ready' });
    controller.selectTask(null);
    expect(store.getState().detail).toBeNull();
  });

  it('re-fetches roots, the tree and the detail after a reconnect and bumps the epoch', async () => {
    const { api, store, controller, newer } = setup();
    controller.start();
    await settle();
    api.handle('task.show', ({ id }): TaskDetail => ({ task: newer.get(id)!, subtasks: [], timeline: [], sessions: [] }));
    await controller.loadDetail('new-g1');
    store.getState().selectTask('new-g1');
    api.calls.length = 0;
    api.setConnection({ state: 'reconnecting', reconnected: false });
    expect(store.getState().connection).toBe('reconnecting');
    api.setConnection({ state: 'open', reconnected: true });
    await settle();
    expect(store.getState().connectionEpoch).toBe(1);
    expect(api.calls.map((c) => c.method).sort()).toEqual(['roots.list', 'secrets.status', 'settings.get', 'task.show', 'tree.get']);
    // The tree on screen is loaded whole, not from its first tasks again (the rows and scroll stay).
    expect(api.callsOf('tree.get')).toEqual([{ rootId: 'new' }]);
  });

  it('a large tree already shown is refreshed whole in one step: its rows never shrink to the first answer', async () => {
    const { api, store, frames, older } = setup();
    const whole = snapshotOf(older, 'old');
    api.handle('tree.get', ({ limit }) => (limit ? { ...whole, tasks: whole.tasks.slice(0, 2), partial: true } : whole));
    const clock = manualTimers();
    const controller = new AppController(api, store, { scheduler: frames.scheduler, timers: clock.timers, initialRootId: 'old' });
    controller.start();
    await settle();
    clock.advance(100);
    await settle();
    expect(store.getState().tasks.size).toBe(older.size);
    const sizes: number[] = [];
    store.subscribe((s) => sizes.push(s.tasks.size));
    api.calls.length = 0;
    api.setConnection({ state: 'open', reconnected: true });
    await settle();
    expect(api.callsOf('tree.get')).toEqual([{ rootId: 'old' }]);
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.every((n) => n === older.size)).toBe(true);
  });

  it('pause, resume and cancel apply the fresh tree: the hold shows in the roots list', async () => {
    const { api, store, controller, newer } = setup();
    controller.start();
    await settle();
    api.handle('roots.pause', ({ rootId }) => ({ ...snapshotOf(newer, rootId), control: 'paused' }));
    expect(await controller.pauseRoot('new', true)).toBe(true);
    expect(api.callsOf('roots.pause')).toEqual([{ rootId: 'new', stop: true }]);
    expect(selectRootControl(store.getState())).toBe('paused');
    api.handle('roots.resume', ({ rootId }) => snapshotOf(newer, rootId));
    await controller.resumeRoot('new');
    expect(selectRootControl(store.getState())).toBeUndefined();
    expect(store.getState().roots.find((r) => r.id === 'new')).not.toHaveProperty('control');
    api.handle('roots.cancel', () => {
      throw new ApiError('conflict', 'nope');
    });
    expect(await controller.cancelRoot('new')).toBe(false);
    expect(store.getState().notices[0].message).toBe('Could not cancel the request: nope');
  });

  it('a plan edit the engine refuses comes back to the editor; reject and re-plan apply the tree', async () => {
    const { api, store, controller, newer } = setup();
    controller.start();
    await settle();
    api.handle('plan.edit', () => {
      throw new ApiError('bad-request', 'invalid plan: dependency cycle: g1 → g2 → g1');
    });
    expect(await controller.editPlan('new', { groups: [] })).toEqual({ ok: false, error: 'invalid plan: dependency cycle: g1 → g2 → g1' });
    expect(store.getState().notices).toEqual([]);
    const rootOnly = new Map([['new', { ...newer.get('new')!, subtasks: [], status: 'FAILED' as const }]]);
    api.handle('plan.reject', ({ rootId }) => snapshotOf(rootOnly, rootId));
    await controller.rejectPlan('new', 'too big');
    expect(api.callsOf('plan.reject')).toEqual([{ rootId: 'new', reason: 'too big' }]);
    expect(store.getState().tasks.size).toBe(1);
    api.handle('plan.replan', ({ rootId }) => snapshotOf(rootOnly, rootId));
    await controller.replan('new', 'smaller groups');
    expect(api.callsOf('plan.replan')).toEqual([{ rootId: 'new', feedback: 'smaller groups' }]);
  });

  it('deleting the request shown shows the newest remaining one', async () => {
    const { api, store, controller, older } = setup();
    controller.start();
    await settle();
    expect(store.getState().selectedRootId).toBe('new');
    api.handle('roots.delete', ({ rootId }) => ({ ok: true, rootId }));
    api.handle('roots.list', () => [summaryOf(older.get('old')!)]);
    expect(await controller.deleteRoot('new')).toBe(true);
    expect(store.getState().roots.map((r) => r.id)).toEqual(['old']);
    expect(store.getState().selectedRootId).toBe('old');
    expect(store.getState().loadedRootId).toBe('old');
  });

  it('approving a plan applies the answer: the request no longer waits', async () => {
    const { api, store, controller, newer } = setup();
    api.handle('roots.list', () => [summaryOf(newer.get('new')!, '/work/project', true)]);
    api.handle('tree.get', ({ rootId }) => snapshotOf(newer, rootId, [], true));
    controller.start();
    await settle();
    expect(selectAwaitingApproval(store.getState())).toBe(true);
    api.handle('plan.approve', ({ rootId }) => snapshotOf(newer, rootId, [], false));
    await controller.approvePlan('new');
    expect(api.callsOf('plan.approve')).toEqual([{ rootId: 'new' }]);
    expect(selectAwaitingApproval(store.getState())).toBe(false);
    expect(store.getState().roots.find((r) => r.id === 'new')?.awaitingApproval).toBe(false);

    api.handle('plan.approve', () => {
      throw new ApiError('conflict', 'request new has no plan waiting for approval');
    });
    await controller.approvePlan('new');
    expect(store.getState().notices[0].message).toBe('Could not approve the plan: request new has no plan waiting for approval');
  });

  it('loads where the API key comes from; saving a key keeps only the answer, never the key', async () => {
    const { api, store, controller } = setup();
    controller.start();
    await settle();
    expect(store.getState().secrets).toEqual({ anthropicApiKey: 'missing', stored: false, storage: 'file-0600' });
    api.handle('secrets.setApiKey', ({ key }) => ({ anthropicApiKey: key ? 'stored' : 'missing', stored: !!key, storage: 'os-keychain' }));
    expect(await controller.setApiKey('sk-ant-secret')).toEqual({ ok: true, status: { anthropicApiKey: 'stored', stored: true, storage: 'os-keychain' } });
    expect(api.callsOf('secrets.setApiKey')).toEqual([{ key: 'sk-ant-secret' }]);
    expect(JSON.stringify(store.getState())).not.toContain('sk-ant-secret');
    expect(store.getState().secrets?.anthropicApiKey).toBe('stored');
    await controller.setApiKey(null);
    expect(store.getState().secrets?.anthropicApiKey).toBe('missing');
    api.handle('secrets.setApiKey', () => {
      // As the Electron preload rejects: the code in front of the message.
      throw new Error('[bad-request] invalid parameters for secrets.setApiKey: key: Too big');
    });
    expect(await controller.setApiKey('x'.repeat(600))).toEqual({ ok: false, error: 'invalid parameters for secrets.setApiKey: key: Too big' });
  });

  it('shows errors that crossed the Electron bridge without their code prefix, and none for a refused token', async () => {
    const { api, store, controller } = setup();
    controller.start();
    await settle();
    api.handle('task.retry', () => {
      throw new Error('[conflict] group g2 still has a running session; stop it before retrying');
    });
    await controller.retryTask('new-g2');
    expect(store.getState().notices[0].message).toBe('Retry failed: group g2 still has a running session; stop it before retrying');
    const before = store.getState().notices.length;
    api.handle('task.retry', () => {
      throw new Error('[unauthorized] the token was refused');
    });
    await controller.retryTask('new-g2');
    expect(store.getState().notices).toHaveLength(before);
  });

  it('stop unsubscribes from the engine', async () => {
    const { api, controller } = setup();
    const stop = controller.start();
    expect(api.listenerCount('tasks.changed')).toBe(1);
    stop();
    expect(api.listenerCount('tasks.changed')).toBe(0);
  });
});
