import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../preload/model';
import { buildTree, makeSession, summaryOf } from './dev/fixtures';
import { FakeApi } from './dev/test-utils';
import { DesktopNotifier, browserNotificationsSupported, notificationsActive, toggleDesktopNotifications, type DesktopNotification } from './notify';
import { createAppStore } from './store/store';

function setup() {
  const api = new FakeApi();
  const store = createAppStore();
  const shown: DesktopNotification[] = [];
  let active = true;
  const notifier = new DesktopNotifier(api, store, (n) => shown.push(n), () => active);
  const stop = notifier.start();
  const tree = buildTree('r', 1, 3);
  return {
    api,
    store,
    shown,
    stop,
    tree,
    setActive: (v: boolean) => (active = v),
    sub: (id: string, patch: Partial<TaskView>): TaskView => ({ ...tree.get(id)!, ...patch }),
  };
}

describe('DesktopNotifier', () => {
  it('notifies when a request becomes COMPLETED, not for the requests already done when the page opened', () => {
    const { store, shown, tree } = setup();
    const root = summaryOf(tree.get('r')!);
    const done = { ...summaryOf(buildTree('d', 1, 1).get('d')!), status: 'COMPLETED' as const };
    store.getState().setRoots([root, done]); // the first list: the baseline
    expect(shown).toEqual([]);
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [{ ...root, status: 'IN_PROGRESS' }, done] } }]);
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [{ ...root, status: 'COMPLETED' }, done] } }]);
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [{ ...root, status: 'COMPLETED' }, done] } }]);
    expect(shown).toEqual([{ title: 'Request completed', body: root.title, rootId: 'r' }]);
  });

  it('notifies once when a session needs input, again after it was answered and asks again', () => {
    const { api, store, shown, tree } = setup();
    store.getState().setRoots([summaryOf(tree.get('r')!)]);
    const s = makeSession({ id: 'sess-1', rootId: 'r', taskId: 'r-g1', title: 'g1 Build' });
    api.emit('session.changed', s);
    expect(shown).toEqual([]);
    const asking = { ...s, attention: { kind: 'needs-input' as const, since: 1, source: 'agent' as const, message: 'Claude needs your permission to use Bash' } };
    api.emit('session.changed', asking);
    api.emit('session.changed', asking); // re-sent: no second notification
    expect(shown).toEqual([{ title: 'Needs input: g1 Build', body: `Claude needs your permission to use Bash — ${tree.get('r')!.title}`, rootId: 'r' }]);
    api.emit('session.changed', s); // typed into: cleared
    api.emit('session.changed', { ...asking, attention: { ...asking.attention, message: undefined } });
    expect(shown).toHaveLength(2);
    expect(shown[1]).toEqual({ title: 'Needs input: g1 Build', body: tree.get('r')!.title, rootId: 'r' });
    api.emit('session.changed', { ...asking, status: 'exited' }); // ended: not waiting any more
    expect(shown).toHaveLength(2);
  });

  it('notifies once per subtask that becomes FAILED, again after a retry fails it again', () => {
    const { api, store, shown, tree, sub } = setup();
    store.getState().setRoots([summaryOf(tree.get('r')!)]);
    const failed = sub('r-g1-s2', { status: 'FAILED', title: 'Write the migration' });
    api.emit('tasks.changed', { rootId: 'r', tasks: [failed, tree.get('r-g1')!] });
    api.emit('tasks.changed', { rootId: 'r', tasks: [failed] }); // re-sent unchanged
    expect(shown).toEqual([{ title: 'Failed: Write the migration', body: tree.get('r')!.title, rootId: 'r' }]);
    api.emit('tasks.changed', { rootId: 'r', tasks: [{ ...failed, status: 'PENDING' }] });
    api.emit('tasks.changed', { rootId: 'r', tasks: [failed] });
    expect(shown).toHaveLength(2);
  });

  it('sums up several failures of one change in one notification; groups are not counted', () => {
    const { api, shown, sub } = setup();
    api.emit('tasks.changed', {
      rootId: 'r',
      tasks: [
        sub('r-g1-s1', { status: 'FAILED', title: 'one' }),
        sub('r-g1-s3', { status: 'FAILED', title: 'three' }),
        sub('r-g1', { status: 'FAILED' }),
      ],
    });
    expect(shown).toEqual([{ title: '2 tasks failed', body: 'one, three — r', rootId: 'r' }]);
  });

  it('stays quiet while turned off, and after stop', () => {
    const { api, store, shown, tree, sub, setActive, stop } = setup();
    const root = summaryOf(tree.get('r')!);
    store.getState().setRoots([root]);
    setActive(false);
    api.emit('tasks.changed', { rootId: 'r', tasks: [sub('r-g1-s1', { status: 'FAILED' })] });
    store.getState().applyEvents([{ event: 'roots.changed', payload: { roots: [{ ...root, status: 'COMPLETED' }] } }]);
    expect(shown).toEqual([]);
    setActive(true);
    stop();
    api.emit('tasks.changed', { rootId: 'r', tasks: [sub('r-g1-s2', { status: 'FAILED' })] });
    expect(shown).toEqual([]);
    expect(api.listenerCount('tasks.changed')).toBe(0);
  });
});

describe('the notifications toggle', () => {
  /** A browser's Notification API whose permission prompt answers `answer`. */
  function browser(permission: NotificationPermission, answer: NotificationPermission = permission, electron = false) {
    const Fake = {
      permission,
      requestPermission: vi.fn(async () => (Fake.permission = answer)),
    };
    vi.stubGlobal('Notification', Fake);
    vi.stubGlobal('window', { Notification: function Notification() {}, maestro: electron ? {} : undefined });
    return Fake;
  }
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the permission on the first click, then turns on; the next click turns off', async () => {
    const api = browser('default', 'granted');
    const store = createAppStore();
    expect(notificationsActive(store)).toBe(false);
    await toggleDesktopNotifications(store);
    expect(api.requestPermission).toHaveBeenCalledTimes(1);
    expect(store.getState().prefs.desktopNotifications).toBe(true);
    expect(notificationsActive(store)).toBe(true);
    await toggleDesktopNotifications(store);
    expect(store.getState().prefs.desktopNotifications).toBe(false);
    expect(api.requestPermission).toHaveBeenCalledTimes(1);
  });

  it('says how to unblock notifications the browser denies; a dismissed prompt is asked again', async () => {
    browser('default', 'default');
    const store = createAppStore();
    await toggleDesktopNotifications(store);
    expect(store.getState().prefs.desktopNotifications).toBe(false);
    expect(store.getState().notices).toEqual([]);
    browser('denied');
    await toggleDesktopNotifications(store);
    expect(store.getState().prefs.desktopNotifications).toBe(false);
    expect(store.getState().notices[0]).toMatchObject({ level: 'warning', message: expect.stringContaining('blocked') });
  });

  it('does nothing in Electron, whose main process notifies', async () => {
    const api = browser('granted', 'granted', true);
    expect(browserNotificationsSupported()).toBe(false);
    const store = createAppStore({ desktopNotifications: true });
    expect(notificationsActive(store)).toBe(false);
    await toggleDesktopNotifications(store);
    expect(api.requestPermission).not.toHaveBeenCalled();
  });
});
