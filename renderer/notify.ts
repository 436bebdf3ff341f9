// Desktop notifications in browser mode: a request completed, a task failed, an agent needs input. (The Electron shell
// notifies from its main process, so the page never does it there.) They need the user's permission,
// asked on a click of the bell in the sidebar, and the `desktopNotifications` preference.
import type { MaestroApi } from '../preload/contract';
import type { TaskStatus } from '../preload/model';
import type { AppStore } from './store/store';

export interface DesktopNotification {
  title: string;
  body: string;
  /** The request it is about (a click on the notification opens it). */
  rootId: string;
}

/** Browser mode with the Notification API (not in Electron, whose main process notifies). */
export function browserNotificationsSupported(): boolean {
  return typeof window !== 'undefined' && !window.maestro && typeof window.Notification === 'function';
}

/** Notifications are on: supported, wanted, and allowed by the browser. */
export function notificationsActive(store: AppStore): boolean {
  return browserNotificationsSupported() && store.getState().prefs.desktopNotifications && Notification.permission === 'granted';
}

/**
 * Turns the preference on (asking for permission first when the browser has not been asked) or off.
 * Must run in a user gesture: browsers ignore permission requests without one.
 */
export async function toggleDesktopNotifications(store: AppStore): Promise<void> {
  const s = store.getState();
  if (notificationsActive(store)) {
    s.setPrefs({ desktopNotifications: false });
    return;
  }
  if (!browserNotificationsSupported()) return;
  const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (permission === 'granted') {
    store.getState().setPrefs({ desktopNotifications: true });
    return;
  }
  if (permission !== 'denied') return; // the prompt was dismissed: ask again on the next click
  store.getState().pushNotice({
    level: 'warning',
    message: 'Desktop notifications are blocked for this page: allow them in the browser’s site settings, then click the bell again.',
  });
}

/**
 * Watches the engine's events and the store for what deserves a notification: a request that becomes
 * COMPLETED, subtasks that become FAILED (of any request, not only the one on screen). Only
 * transitions seen while the page is open notify; the first list of requests is the baseline.
 */
export class DesktopNotifier {
  private readonly rootStatus = new Map<string, TaskStatus>();
  private readonly failed = new Set<string>();
  /** Sessions already announced as needing input (until they no longer do). */
  private readonly waiting = new Set<string>();

  constructor(
    private readonly api: MaestroApi,
    private readonly store: AppStore,
    private readonly show: (n: DesktopNotification) => void,
    private readonly active: () => boolean = () => notificationsActive(store),
  ) {}

  start(): () => void {
    const offTasks = this.api.on('tasks.changed', ({ rootId, tasks }) => {
      const newlyFailed: string[] = [];
      for (const t of tasks) {
        if (t.kind !== 'subtask' || t.subtasks.length > 0) continue;
        if (t.status !== 'FAILED') {
          this.failed.delete(t.id);
        } else if (!this.failed.has(t.id)) {
          this.failed.add(t.id);
          newlyFailed.push(t.title);
        }
      }
      if (newlyFailed.length === 0 || !this.active()) return;
      const request = this.rootTitle(rootId);
      this.show(
        newlyFailed.length === 1
          ? { title: `Failed: ${newlyFailed[0]}`, body: request, rootId }
          : { title: `${newlyFailed.length} tasks failed`, body: `${newlyFailed.join(', ')} — ${request}`, rootId },
      );
    });
    const offSessions = this.api.on('session.changed', (info) => {
      const live = info.status === 'running' || info.status === 'starting';
      if (!info.attention || !live) {
        this.waiting.delete(info.id);
        return;
      }
      if (this.waiting.has(info.id)) return;
      this.waiting.add(info.id);
      if (!this.active()) return;
      const request = this.rootTitle(info.rootId);
      this.show({ title: `Needs input: ${info.title}`, body: info.attention.message ? `${info.attention.message} — ${request}` : request, rootId: info.rootId });
    });
    this.seed();
    const offStore = this.store.subscribe((s, prev) => {
      if (s.roots === prev.roots) return;
      if (!prev.rootsLoaded) {
        this.seed();
        return;
      }
      for (const r of s.roots) {
        const before = this.rootStatus.get(r.id);
        this.rootStatus.set(r.id, r.status);
        if (before !== undefined && before !== 'COMPLETED' && r.status === 'COMPLETED' && this.active()) {
          this.show({ title: 'Request completed', body: r.title, rootId: r.id });
        }
      }
    });
    return () => {
      offTasks();
      offSessions();
      offStore();
    };
  }

  private seed(): void {
    for (const r of this.store.getState().roots) this.rootStatus.set(r.id, r.status);
  }

  private rootTitle(rootId: string): string {
    return this.store.getState().roots.find((r) => r.id === rootId)?.title ?? rootId;
  }
}
