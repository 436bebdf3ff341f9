// The global shortcuts at work (a capture-phase keydown listener, so a focused terminal does not
// swallow them) and the dialog that lists them.
import { useEffect, useRef } from 'react';
import type { AppController } from '../store/controller';
import { jumpNext } from '../store/navigate';
import type { AppStore } from '../store/store';
import { useApp, useServices } from '../services';
import { SHORTCUTS, isTypingTarget, matchShortcut, type ShortcutId } from './shortcuts';

/**
 * The pane a shortcut acts on: the one holding the keyboard focus, the maximized one, the last one used,
 * the first one shown. `mounted`: the sessions that have a pane now, in page order.
 */
export function currentPane(store: AppStore, activeElement: Element | null, mounted: readonly string[]): string | null {
  const inPane = activeElement?.closest?.('[data-session-id]')?.getAttribute('data-session-id');
  if (inPane) return inPane;
  const s = store.getState();
  if (s.focusedSessionId) return s.focusedSessionId;
  return mounted.find((id) => id === s.activeSessionId) ?? mounted[0] ?? null;
}

function mountedPanes(): string[] {
  if (typeof document === 'undefined') return [];
  return [...document.querySelectorAll('.term-pane[data-session-id]')].map((el) => el.getAttribute('data-session-id')!);
}

/** Carries out a shortcut. Returns false when there was nothing to do (no running group, no pane). */
export function runShortcut(id: ShortcutId, store: AppStore, controller: Pick<AppController, 'selectTask'>, activeElement: Element | null): boolean {
  const s = store.getState();
  const select = (taskId: string) => controller.selectTask(taskId);
  switch (id) {
    case 'newRequest':
      s.setFocusedSession(null);
      s.setComposing(true);
      return true;
    case 'nextRunning':
      return jumpNext(store, select, 'running');
    case 'nextAttention':
      return jumpNext(store, select, 'attention');
    case 'focusPane': {
      if (s.focusedSessionId) {
        s.setFocusedSession(null);
        return true;
      }
      const pane = currentPane(store, activeElement, mountedPanes());
      if (pane) s.setFocusedSession(pane);
      return pane !== null;
    }
    case 'maximize':
      s.setPrefs({ terminalsMaximized: !s.prefs.terminalsMaximized, terminalsCollapsed: false });
      return true;
    case 'searchPane': {
      const pane = currentPane(store, activeElement, mountedPanes());
      if (pane) s.requestPaneSearch(pane);
      return pane !== null;
    }
    case 'help':
      s.setShortcutsOpen(!s.shortcutsOpen);
      return true;
  }
}

export function useGlobalShortcuts(): void {
  const { store, controller } = useServices();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const active = document.activeElement;
      // Another modal dialog (the settings) keeps its keys.
      if (active?.closest('dialog[open]') && !active.closest('.shortcuts-dialog')) return;
      const id = matchShortcut(e, isTypingTarget(active));
      if (!id) return;
      e.preventDefault();
      e.stopPropagation();
      runShortcut(id, store, controller, active);
      // The request box may be open already: put the cursor in it.
      if (id === 'newRequest') requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('.request-box textarea')?.focus());
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [store, controller]);
}

export function ShortcutsDialog() {
  const open = useApp((s) => s.shortcutsOpen);
  const setOpen = useApp((s) => s.setShortcutsOpen);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="dialog shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={() => setOpen(false)}>
      <div className="dialog-form">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table className="shortcuts-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.id}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted hint">They work while a terminal has the keyboard too. In the task tree: ↑ ↓ ← → Home End, Enter, Space.</p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" autoFocus onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
