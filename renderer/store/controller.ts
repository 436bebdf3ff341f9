// Wires the API to the store: loads state, feeds engine events through the per-frame coalescer,
// re-fetches after a reconnect, and turns failed calls into error notices.
import type { CommandParams, MaestroApi, SecretsStatus, Settings } from '../../preload/contract';
import type { TreeSnapshot } from '../../preload/model';
import { errorCode, errorMessage } from '../api/errors';
import { isConnectionAware } from '../api/index';
import type { Timers } from '../api/ws-client';
import { Coalescer, animationFrameScheduler, type FrameScheduler } from './coalesce';
import type { AppStore, StoreEvent } from './store';

export interface ControllerOptions {
  scheduler?: FrameScheduler;
  timers?: Timers;
  /** Delay before the detail of a newly selected task is fetched (arrow keys move fast). */
  detailDelayMs?: number;
  /** Root to select once the roots are loaded (e.g. from the URL). */
  initialRootId?: string | null;
  /**
   * Settles once the UI is mounted (main.tsx). A large tree's rest waits for it, then for a frame: its
   * answer, parsed as it arrives, would otherwise hold up the UI that is to paint the first rows.
   */
  uiReady?: Promise<unknown>;
}

/**
 * Tasks asked for first when a tree loads (`tree.get`'s `limit`): more rows than any window shows. A
 * larger request's first answer is painted while the whole tree is on its way.
 */
export const TREE_HEAD = 200;

/** How long a large tree's rest waits for the frame that paints its first rows. */
const PAINT_WAIT_MS = 100;

const BUFFERED_EVENTS = ['tasks.changed', 'session.changed', 'roots.changed', 'timeline.event', 'notice'] as const;

export class AppController {
  readonly coalescer: Coalescer<StoreEvent>;
  private readonly scheduler: FrameScheduler;
  private readonly uiReady: Promise<unknown>;
  private readonly timers: Timers;
  private readonly detailDelayMs: number;
  private detailTimer: unknown = null;
  private initialRootId: string | null;
  private treeRequest = 0;

  constructor(
    readonly api: MaestroApi,
    readonly store: AppStore,
    opts: ControllerOptions = {},
  ) {
    this.scheduler = opts.scheduler ?? animationFrameScheduler;
    this.coalescer = new Coalescer((batch) => store.getState().applyEvents(batch), this.scheduler);
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.detailDelayMs = opts.detailDelayMs ?? 120;
    this.initialRootId = opts.initialRootId ?? null;
    this.uiReady = opts.uiReady ?? Promise.resolve();
  }

  /** Subscribes to the engine and loads the first state. Returns a function that stops it all. */
  start(): () => void {
    const offs = BUFFERED_EVENTS.map((event) =>
      this.api.on(event, (payload) => this.coalescer.push({ event, payload } as StoreEvent)),
    );
    const api = this.api;
    if (isConnectionAware(api)) {
      offs.push(
        api.onConnection((info) => {
          this.store.getState().setConnection(info.state, info.reconnected);
          if (info.state === 'open' && info.reconnected) void this.refresh();
        }),
      );
      this.store.getState().setConnection(api.connection.state);
    } else {
      this.store.getState().setConnection('open');
    }
    void this.refresh();
    return () => {
      for (const off of offs) off();
      this.coalescer.dispose();
      if (this.detailTimer !== null) this.timers.clearTimeout(this.detailTimer);
    };
  }

  /** Loads roots, settings, the key status, the selected tree and the open detail again. */
  async refresh(): Promise<void> {
    // The request named in the URL loads alongside the lists: its tree is what the first paint waits
    // for, and a second round trip after the list would only delay it.
    const early = this.store.getState().selectedRootId === null && this.initialRootId ? this.loadInitialTree(this.initialRootId) : null;
    await Promise.all([this.loadRoots(), this.loadSettings(), this.loadSecrets()]);
    if (early && (await early)) {
      this.initialRootId = null;
      return;
    }
    const { selectedRootId, selectedTaskId, roots } = this.store.getState();
    if (selectedRootId === null) {
      // First load: the root named in the URL if it exists, else the newest request.
      const wanted = this.initialRootId && roots.some((r) => r.id === this.initialRootId) ? this.initialRootId : null;
      this.initialRootId = null;
      const first = wanted ?? roots[0]?.id ?? null;
      if (first) await this.selectRoot(first);
      return;
    }
    await this.loadTree(selectedRootId);
    if (selectedTaskId) await this.loadDetail(selectedTaskId);
  }

  /**
   * Loads and shows the URL's request before the list of requests is there. It is selected at once, so
   * the page lays out its plan view while the tree is on its way. False when it could not (no such
   * request, an error, or another request was selected meanwhile): `refresh` then picks one from the
   * list as before.
   */
  private async loadInitialTree(rootId: string): Promise<boolean> {
    const request = ++this.treeRequest;
    this.store.getState().selectRoot(rootId);
    const stillWanted = () => request === this.treeRequest && this.store.getState().selectedRootId === rootId;
    try {
      const shown = await this.fetchTree(rootId, stillWanted, () => {
        if (this.store.getState().loadedRootId === rootId) this.selectTask(rootId);
      });
      return shown && this.store.getState().loadedRootId === rootId;
    } catch (error) {
      if (!stillWanted()) return false;
      if (this.store.getState().loadedRootId === rootId) {
        // Its first rows are shown; the rest could not be loaded.
        this.store.getState().setTreeError(errorMessage(error));
        this.report('Could not load the task tree', error);
        return true;
      }
      // Not there (any more): take the selection back, the list decides.
      this.store.getState().selectRoot(null);
      return false;
    }
  }

  /**
   * Loads a request's tree in two steps: its first TREE_HEAD tasks (the rows from the top of the tree
   * view), applied at once, then — when that answer left tasks out — the whole tree. A tree already
   * shown is loaded whole in one step. `firstShown` runs
   * after the first answer is applied. False if `current()` turned false on the way.
   */
  private async fetchTree(rootId: string, current: () => boolean, firstShown: () => void = () => {}): Promise<boolean> {
    if (this.store.getState().loadedRootId === rootId) {
      // Shown already (a refresh, a reconnect): the whole tree at once, so the rows and the scroll
      // position stay where they are.
      const full = await this.api.call('tree.get', { rootId });
      if (!current()) return false;
      this.applyTree(full);
      firstShown();
      return true;
    }
    const head = await this.api.call('tree.get', { rootId, limit: TREE_HEAD });
    if (!current()) return false;
    this.applyTree(head);
    firstShown();
    if (!head.partial) return true;
    // The rest after the first rows are painted: its answer (parsed as it arrives) would hold them up.
    await this.uiReady;
    await this.afterFrame();
    if (!current()) return false;
    const full = await this.api.call('tree.get', { rootId });
    if (!current()) return false;
    this.applyTree(full);
    return true;
  }

  /** Resolves once the next frame is done (or after PAINT_WAIT_MS: hidden pages draw no frames). */
  private afterFrame(): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.timers.clearTimeout(fallback);
        this.scheduler.cancel(frame);
        resolve();
      };
      // A timer set inside the frame's callbacks runs after that frame is painted.
      const frame = this.scheduler.request(() => this.timers.setTimeout(finish, 0));
      const fallback = this.timers.setTimeout(finish, PAINT_WAIT_MS);
    });
  }

  private applyTree(snapshot: TreeSnapshot): void {
    // Events buffered so far are older than the snapshot: apply them first so it wins.
    this.coalescer.flush();
    this.store.getState().applySnapshot(snapshot);
  }

  async loadRoots(): Promise<void> {
    try {
      const roots = await this.api.call('roots.list', {});
      this.coalescer.flush();
      this.store.getState().setRoots(roots);
    } catch (error) {
      this.report('Could not load the requests', error);
    }
  }

  async loadSettings(): Promise<void> {
    try {
      this.store.getState().setSettings(await this.api.call('settings.get', {}));
    } catch (error) {
      this.report('Could not load the settings', error);
    }
  }

  async loadSecrets(): Promise<void> {
    try {
      this.store.getState().setSecrets(await this.api.call('secrets.status', {}));
    } catch (error) {
      this.report('Could not check the API key', error);
    }
  }

  /** Stores the Anthropic API key (null removes it). The engine answers with the status only, never the key. */
  async setApiKey(key: string | null): Promise<{ ok: true; status: SecretsStatus } | { ok: false; error: string }> {
    try {
      const status = await this.api.call('secrets.setApiKey', { key });
      this.store.getState().setSecrets(status);
      return { ok: true, status };
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  }

  async selectRoot(rootId: string | null): Promise<void> {
    const s = this.store.getState();
    const needsLoad = rootId !== null && (rootId !== s.selectedRootId || s.loadedRootId !== rootId);
    s.selectRoot(rootId);
    if (needsLoad) await this.loadTree(rootId);
  }

  async loadTree(rootId: string): Promise<void> {
    const request = ++this.treeRequest;
    try {
      await this.fetchTree(rootId, () => request === this.treeRequest, () => {
        // A freshly opened request shows itself: the root row is selected (all sessions, its timeline).
        const s = this.store.getState();
        if (s.loadedRootId === rootId && s.selectedTaskId === null) this.selectTask(rootId);
      });
    } catch (error) {
      if (request !== this.treeRequest) return;
      this.store.getState().setTreeError(errorMessage(error));
      this.report('Could not load the task tree', error);
    }
  }

  /** Starts a new request; the new root is selected at once. Returns whether it worked. */
  async createRoot(params: CommandParams<'roots.create'>): Promise<boolean> {
    try {
      const snapshot = await this.api.call('roots.create', params);
      this.coalescer.flush();
      this.treeRequest++; // a tree.get still in flight must not replace the new root
      const s = this.store.getState();
      s.selectRoot(snapshot.rootId);
      s.applySnapshot(snapshot);
      this.selectTask(snapshot.rootId);
      return true;
    } catch (error) {
      this.report('Could not start the request', error);
      return false;
    }
  }

  /** Selects a task (or the whole root with null); its detail loads after a short delay. */
  selectTask(taskId: string | null): void {
    const s = this.store.getState();
    s.selectTask(taskId);
    if (this.detailTimer !== null) this.timers.clearTimeout(this.detailTimer);
    this.detailTimer = null;
    if (taskId === null) {
      s.setDetail(null);
      return;
    }
    if (s.detail?.taskId === taskId) return;
    this.detailTimer = this.timers.setTimeout(() => {
      this.detailTimer = null;
      void this.loadDetail(taskId);
    }, this.detailDelayMs);
  }

  async loadDetail(taskId: string): Promise<void> {
    const s = this.store.getState();
    const previous = s.detail?.taskId === taskId ? s.detail.data : null;
    s.setDetail({ taskId, status: 'loading', data: previous });
    try {
      const data = await this.api.call('task.show', { id: taskId, timelineLimit: 200 });
      if (this.store.getState().selectedTaskId !== taskId) return;
      this.store.getState().setDetail({ taskId, status: 'ready', data });
    } catch (error) {
      if (this.store.getState().selectedTaskId !== taskId) return;
      this.store.getState().setDetail({ taskId, status: 'error', data: previous, error: errorMessage(error) });
    }
  }

  /** Lets a plan that waits for approval run; the answer is the fresh tree. */
  async approvePlan(rootId: string): Promise<void> {
    try {
      const snapshot = await this.api.call('plan.approve', { rootId });
      this.coalescer.flush();
      this.store.getState().applySnapshot(snapshot);
    } catch (error) {
      this.report('Could not approve the plan', error);
    }
  }

  /** Runs a command that answers with the fresh tree of the request; false (and a notice) when it failed. */
  private async treeCommand<K extends 'plan.reject' | 'plan.replan' | 'roots.pause' | 'roots.resume' | 'roots.cancel'>(
    method: K,
    params: CommandParams<K>,
    context: string,
  ): Promise<boolean> {
    try {
      const snapshot = await this.api.call(method, params);
      this.coalescer.flush();
      this.store.getState().applySnapshot(snapshot);
      return true;
    } catch (error) {
      this.report(context, error);
      return false;
    }
  }

  rejectPlan(rootId: string, reason?: string): Promise<boolean> {
    return this.treeCommand('plan.reject', { rootId, reason }, 'Could not reject the plan');
  }
  replan(rootId: string, feedback: string): Promise<boolean> {
    return this.treeCommand('plan.replan', { rootId, feedback }, 'Could not plan again');
  }
  pauseRoot(rootId: string, stop = false): Promise<boolean> {
    return this.treeCommand('roots.pause', { rootId, stop }, 'Could not pause the request');
  }
  resumeRoot(rootId: string): Promise<boolean> {
    return this.treeCommand('roots.resume', { rootId }, 'Could not resume the request');
  }
  cancelRoot(rootId: string): Promise<boolean> {
    return this.treeCommand('roots.cancel', { rootId }, 'Could not cancel the request');
  }

  /** Replaces a waiting plan; the engine's validation message comes back to the editor on error. */
  async editPlan(rootId: string, plan: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      const snapshot = await this.api.call('plan.edit', { rootId, plan });
      this.coalescer.flush();
      this.store.getState().applySnapshot(snapshot);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  }

  async renameRoot(rootId: string, title: string): Promise<boolean> {
    try {
      await this.api.call('roots.rename', { rootId, title });
      await this.loadRoots();
      return true;
    } catch (error) {
      this.report('Could not rename the request', error);
      return false;
    }
  }

  async archiveRoot(rootId: string, archived: boolean): Promise<boolean> {
    try {
      await this.api.call('roots.archive', { rootId, archived });
      await this.loadRoots();
      return true;
    } catch (error) {
      this.report(archived ? 'Could not archive the request' : 'Could not take the request out of the archive', error);
      return false;
    }
  }

  /** Deletes a request; when it was the one shown, the newest remaining one is shown instead. */
  async deleteRoot(rootId: string): Promise<boolean> {
    try {
      await this.api.call('roots.delete', { rootId });
    } catch (error) {
      this.report('Could not delete the request', error);
      return false;
    }
    await this.loadRoots();
    const s = this.store.getState();
    if (s.selectedRootId === rootId) {
      const next = s.roots.find((r) => r.id !== rootId && !r.archived)?.id ?? null;
      await this.selectRoot(next);
      if (next === null) s.setComposing(true);
    }
    return true;
  }

  async retryTask(taskId: string): Promise<void> {
    try {
      await this.api.call('task.retry', { id: taskId });
    } catch (error) {
      this.report('Retry failed', error);
    }
  }

  async stopSession(sessionId: string): Promise<void> {
    try {
      await this.api.call('session.stop', { sessionId });
    } catch (error) {
      this.report('Could not stop the session', error);
    }
  }

  /** Saves settings; the engine validates them (contract schema) and its message comes back on error. */
  async saveSettings(patch: Partial<Settings>): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      this.store.getState().setSettings(await this.api.call('settings.set', patch));
      return { ok: true };
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  }

  /** Shows a failed call as a dismissible error banner (a refused token has its own banner). */
  report(context: string, error: unknown): void {
    if (errorCode(error) === 'unauthorized') return;
    this.store.getState().pushNotice({ level: 'error', message: `${context}: ${errorMessage(error)}` });
  }
}
