import { describe, expect, it } from 'vitest';
import { buildTree, makeSession, snapshotOf } from '../dev/fixtures';
import { createAppStore } from '../store/store';
import { currentPane, runShortcut } from './KeyboardHelp';
import { SHORTCUTS, keysOf, matchShortcut, type KeyLike } from './shortcuts';

const key = (k: Partial<KeyLike>): KeyLike => ({ key: '', code: '', altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...k });

describe('shortcut keys', () => {
  it('matches Alt+letter by physical key (macOS Option gives other characters)', () => {
    expect(matchShortcut(key({ key: 'r', code: 'KeyR', altKey: true }), false)).toBe('nextRunning');
    expect(matchShortcut(key({ key: '®', code: 'KeyR', altKey: true }), true)).toBe('nextRunning');
    expect(matchShortcut(key({ key: 'n', code: 'KeyN', altKey: true }), true)).toBe('newRequest');
    expect(matchShortcut(key({ key: 'e', code: 'KeyE', altKey: true }), true)).toBe('nextAttention');
    expect(matchShortcut(key({ key: 'z', code: 'KeyZ', altKey: true }), true)).toBe('focusPane');
    expect(matchShortcut(key({ key: 'm', code: 'KeyM', altKey: true }), true)).toBe('maximize');
    // Plain letters, and Alt with other modifiers, are the terminal's.
    expect(matchShortcut(key({ key: 'r', code: 'KeyR' }), false)).toBeNull();
    expect(matchShortcut(key({ key: 'R', code: 'KeyR', altKey: true, shiftKey: true }), false)).toBeNull();
    expect(matchShortcut(key({ key: 'r', code: 'KeyR', altKey: true, ctrlKey: true }), false)).toBeNull();
  });

  it('search is Ctrl+Shift+F (Cmd+Shift+F on macOS); plain Ctrl+F stays with the terminal', () => {
    expect(matchShortcut(key({ key: 'F', code: 'KeyF', ctrlKey: true, shiftKey: true }), true)).toBe('searchPane');
    expect(matchShortcut(key({ key: 'f', code: 'KeyF', metaKey: true, shiftKey: true }), true)).toBe('searchPane');
    expect(matchShortcut(key({ key: 'f', code: 'KeyF', ctrlKey: true }), true)).toBeNull();
  });

  it('"?" opens the help unless the user is typing; Alt+/ always does', () => {
    expect(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }), false)).toBe('help');
    expect(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }), true)).toBeNull();
    expect(matchShortcut(key({ key: '/', code: 'Slash', altKey: true }), true)).toBe('help');
  });

  it('every shortcut has distinct keys, shown in tooltips', () => {
    expect(new Set(SHORTCUTS.map((s) => s.keys)).size).toBe(SHORTCUTS.length);
    expect(keysOf('focusPane')).toBe('Alt+Z');
  });
});

describe('shortcut actions', () => {
  function loaded() {
    const store = createAppStore();
    const tasks = buildTree('r', 2, 1, (id) => (id.startsWith('g2') ? 'IN_PROGRESS' : 'COMPLETED'));
    const sessions = [
      makeSession({ id: 'w1', rootId: 'r', taskId: 'r-g1', status: 'exited', exitCode: 0 }),
      makeSession({ id: 'w2', rootId: 'r', taskId: 'r-g2' }),
    ];
    store.getState().selectRoot('r');
    store.getState().applySnapshot(snapshotOf(tasks, 'r', sessions));
    const controller = { selectTask: (id: string | null) => store.getState().selectTask(id) };
    return { store, controller };
  }

  it('focus: the pane with the keyboard, else the last used, else the first; again: back', () => {
    const { store, controller } = loaded();
    expect(currentPane(store, null, [])).toBeNull();
    expect(currentPane(store, null, ['w2', 'w1'])).toBe('w2');
    store.getState().setActiveSession('w1');
    expect(currentPane(store, null, ['w2', 'w1'])).toBe('w1');
    const inPane = { closest: (sel: string) => (sel === '[data-session-id]' ? { getAttribute: () => 'w2' } : null) } as unknown as Element;
    expect(currentPane(store, inPane, ['w2', 'w1'])).toBe('w2');

    expect(runShortcut('focusPane', store, controller, inPane)).toBe(true);
    expect(store.getState().focusedSessionId).toBe('w2');
    expect(runShortcut('focusPane', store, controller, null)).toBe(true);
    expect(store.getState().focusedSessionId).toBeNull();
    expect(runShortcut('focusPane', store, controller, null)).toBe(false); // no pane mounted, none focused
  });

  it('search asks the current pane to open its search box, a new request each time', () => {
    const { store, controller } = loaded();
    store.getState().setFocusedSession('w1');
    runShortcut('searchPane', store, controller, null);
    runShortcut('searchPane', store, controller, null);
    expect(store.getState().paneSearch).toEqual({ sessionId: 'w1', seq: 2 });
  });

  it('new request, next running, maximize and help', () => {
    const { store, controller } = loaded();
    store.getState().setFocusedSession('w1');
    runShortcut('newRequest', store, controller, null);
    expect(store.getState().composing).toBe(true);
    expect(store.getState().focusedSessionId).toBeNull(); // the request box is in view
    expect(runShortcut('nextRunning', store, controller, null)).toBe(true);
    expect(store.getState().selectedTaskId).toBe('r-g2');
    expect(runShortcut('nextAttention', store, controller, null)).toBe(false);
    store.getState().setPrefs({ terminalsCollapsed: true });
    runShortcut('maximize', store, controller, null);
    expect(store.getState().prefs).toMatchObject({ terminalsMaximized: true, terminalsCollapsed: false });
    runShortcut('help', store, controller, null);
    expect(store.getState().shortcutsOpen).toBe(true);
  });
});
