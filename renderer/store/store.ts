// The renderer's state: zustand (vanilla store + React hook), new Map/Set instances on every update,
// no terminal bytes. Engine events are applied in batches (`applyEvents`, one `set` per frame).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineEvents, EventName, SecretsStatus, Settings, TaskDetail } from '../../preload/contract';
import type { RequestControl, RequestGitView, RootOptions, RootSummary, SessionInfo, TaskView, TimelineEvent, TreeSnapshot } from '../../preload/model';
import type { ConnectionState } from '../api/ws-client';
import { isWithin, pathTo, type TreeFilter } from './tree';

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface Notice {
  id: number;
  level: NoticeLevel;
  message: string;
  rootId?: string;
  taskId?: string;
  /** How many times the same message arrived in a row. */
  count: number;
}

export interface DetailState {
  taskId: string;
  status: 'loading' | 'ready' | 'error';
  data: TaskDetail | null;
  error?: string;
}

export type TerminalLayout = 'grid' | 'tabs';

export interface UiPrefs {
  terminalLayout: TerminalLayout;
  /** Height of the terminal area in px. */
  terminalHeight: number;
  terminalsCollapsed: boolean;
  lastWorkspace: string;
  lastAgentProfile: string;
  /** Browser mode: show a desktop notification when a request completes or a task fails. */
  desktopNotifications: boolean;
  /** The terminals take the whole main area (the tree shrinks to one bar). */
  terminalsMaximized: boolean;
  /** When the selected group's sessions end while others run, select the next running group. */
  followRunning: boolean;
  /** How the Changes view shows a diff. */
  diffMode: DiffMode;
}

export type DiffMode = 'unified' | 'split';

export const DEFAULT_PREFS: UiPrefs = {
  terminalLayout: 'grid',
  terminalHeight: 320,
  terminalsCollapsed: false,
  lastWorkspace: '',
  lastAgentProfile: '',
  desktopNotifications: false,
  terminalsMaximized: false,
  followRunning: true,
  diffMode: 'unified',
};

/** Every engine event except terminal bytes, as it is buffered for `applyEvents`. */
export type StoreEvent = {
  [E in Exclude<EventName, 'session.data'>]: { event: E; payload: EngineEvents[E] };
}[Exclude<EventName, 'session.data'>];

export interface AppData {
  connection: ConnectionState;
  /** Bumped on every reconnect: terminal panes reopen (replay) since live data had a gap. */
  connectionEpoch: number;
  roots: RootSummary[];
  rootsLoaded: boolean;
  selectedRootId: string | null;
  /** The root whose snapshot `tasks` and `sessions` hold (differs from the selection while loading). */
  loadedRootId: string | null;
  rootOptions: RootOptions | null;
  /** The loaded request's branches (worktree isolation), as of its last snapshot. */
  rootGit: RequestGitView | null;
  /** The loaded request runs in place: workers share the workspace. */
  isolationWarning: string | null;
  /** The loaded request's plan summary (shown while the plan waits for approval). */
  planSummary: string | null;
  treeError: string | null;
  tasks: ReadonlyMap<string, TaskView>;
  /** Bumped when the tree's shape changes (a task added, a task's subtasks changed), not on status changes. */
  treeShape: number;
  sessions: ReadonlyMap<string, SessionInfo>;
  selectedTaskId: string | null;
  collapsed: ReadonlySet<string>;
  treeFilter: TreeFilter;
  detail: DetailState | null;
  settings: Settings | null;
  /** Where the Anthropic API key comes from (never the key itself). */
  secrets: SecretsStatus | null;
  notices: Notice[];
  /** The request box is open (also shown whenever there is no root). */
  composing: boolean;
  settingsOpen: boolean;
  /** The session shown in tabs mode; in grid mode the pane last clicked or focused. */
  activeSessionId: string | null;
  /** The one pane shown maximized (focus mode), or null. */
  focusedSessionId: string | null;
  /** Asks the pane of `sessionId` to open its search box (`seq` makes each request new). */
  paneSearch: { sessionId: string; seq: number } | null;
  shortcutsOpen: boolean;
  prefs: UiPrefs;
}

export interface AppActions {
  setConnection(state: ConnectionState, reconnected?: boolean): void;
  setRoots(roots: RootSummary[]): void;
  /** Selects a root; its tasks are cleared until `applySnapshot` brings them. */
  selectRoot(rootId: string | null): void;
  applySnapshot(snapshot: TreeSnapshot): void;
  setTreeError(message: string | null): void;
  applyEvents(batch: readonly StoreEvent[]): void;
  selectTask(taskId: string | null): void;
  /** Collapses or expands; `undefined` toggles. */
  setCollapsed(taskId: string, collapsed?: boolean): void;
  /** Expands every ancestor of a task so its row is visible. */
  reveal(taskId: string): void;
  setTreeFilter(filter: TreeFilter): void;
  setDetail(detail: DetailState | null): void;
  setSettings(settings: Settings): void;
  setSecrets(secrets: SecretsStatus): void;
  pushNotice(notice: Omit<Notice, 'id' | 'count'>): void;
  dismissNotice(id: number): void;
  setComposing(open: boolean): void;
  setSettingsOpen(open: boolean): void;
  setActiveSession(sessionId: string | null): void;
  setFocusedSession(sessionId: string | null): void;
  requestPaneSearch(sessionId: string): void;
  setShortcutsOpen(open: boolean): void;
  setPrefs(prefs: Partial<UiPrefs>): void;
}

export type AppState = AppData & AppActions;
export type AppStore = StoreApi<AppState>;

export const MAX_NOTICES = 5;
export const MAX_TIMELINE = 500;

export function initialData(prefs: Partial<UiPrefs> = {}): AppData {
  return {
    connection: 'connecting',
    connectionEpoch: 0,
    roots: [],
    rootsLoaded: false,
    selectedRootId: null,
    loadedRootId: null,
    rootOptions: null,
    rootGit: null,
    isolationWarning: null,
    planSummary: null,
    treeError: null,
    tasks: new Map(),
    treeShape: 0,
    sessions: new Map(),
    selectedTaskId: null,
    collapsed: new Set(),
    treeFilter: 'all',
    detail: null,
    settings: null,
    secrets: null,
    notices: [],
    composing: false,
    settingsOpen: false,
    activeSessionId: null,
    focusedSessionId: null,
    paneSearch: null,
    shortcutsOpen: false,
    prefs: { ...DEFAULT_PREFS, ...prefs },
  };
}

const byNewest = (a: RootSummary, b: RootSummary) => b.createdAt - a.createdAt;

/** A summary with the approval state and the hold of a newer snapshot. */
function withHold(r: RootSummary, snapshot: TreeSnapshot): RootSummary {
  const next: RootSummary = { ...r, awaitingApproval: snapshot.awaitingApproval };
  if (snapshot.control) next.control = snapshot.control;
  else delete next.control;
  return next;
}

/** The root summary a snapshot implies (used until `roots.changed` confirms it). */
export function summaryFromSnapshot(snapshot: TreeSnapshot): RootSummary | null {
  const root = snapshot.tasks.find((t) => t.id === snapshot.rootId);
  if (!root) return null;
  return {
    id: root.id,
    title: root.title,
    status: root.status,
    progress: root.progress,
    createdAt: root.createdAt,
    workspace: snapshot.options.workspace,
    awaitingApproval: snapshot.awaitingApproval,
    ...(snapshot.control ? { control: snapshot.control } : {}),
    ...(snapshot.archived ? { archived: true } : {}),
  };
}

/** A person's hold on the loaded request (paused or cancelled), kept in the roots list like the approval state. */
export function selectRootControl(s: AppData): RequestControl | undefined {
  if (!s.loadedRootId) return undefined;
  for (const r of s.roots) if (r.id === s.loadedRootId) return r.control;
  return undefined;
}

/** Whether the loaded request's plan waits for approval (the roots list is the one place this is kept). */
export function selectAwaitingApproval(s: AppData): boolean {
  if (!s.loadedRootId) return false;
  for (const r of s.roots) if (r.id === s.loadedRootId) return r.awaitingApproval;
  return false;
}

/**
 * Applies a batch of engine events to the state; returns only what changed. Each collection that
 * changes gets one new instance per batch.
 */
export function reduceEvents(state: AppData, batch: readonly StoreEvent[]): Partial<AppData> {
  let tasks: Map<string, TaskView> | null = null;
  let sessions: Map<string, SessionInfo> | null = null;
  let roots: RootSummary[] | null = null;
  let rootGit: RequestGitView | null = null;
  let detail: DetailState | null = null;
  let notices: Notice[] | null = null;
  let shapeChanged = false;
  const loaded = state.loadedRootId;

  for (const item of batch) {
    switch (item.event) {
      case 'tasks.changed': {
        const { rootId, tasks: changed, git } = item.payload;
        if (rootId !== loaded) break;
        if (git) rootGit = git;
        if (changed.length === 0) break;
        tasks ??= new Map(state.tasks);
        for (const t of changed) {
          const before = tasks.get(t.id);
          if (!before || !sameIds(before.subtasks, t.subtasks)) shapeChanged = true;
          // Subtasks no longer listed were removed (a plan edited, re-planned or rejected): drop them.
          if (before) for (const gone of before.subtasks) if (!t.subtasks.includes(gone)) dropTask(tasks, gone);
          tasks.set(t.id, t);
        }
        break;
      }
      case 'session.changed': {
        const s = item.payload;
        if (s.rootId !== loaded) break;
        sessions ??= new Map(state.sessions);
        sessions.set(s.id, s);
        break;
      }
      case 'roots.changed':
        roots = [...item.payload.roots].sort(byNewest);
        break;
      case 'timeline.event': {
        const { rootId, event } = item.payload;
        const current: DetailState | null = detail ?? state.detail;
        if (rootId !== loaded || !current?.data) break;
        const within = event.taskId === current.taskId || isWithin(tasks ?? state.tasks, event.taskId, current.taskId);
        if (!within) break;
        const timeline: TimelineEvent[] = current.data.timeline;
        if (timeline.some((e: TimelineEvent) => e.seq === event.seq)) break;
        const next: TimelineEvent[] = timeline.length >= MAX_TIMELINE ? timeline.slice(timeline.length - MAX_TIMELINE + 1) : timeline.slice();
        next.push(event);
        detail = { ...current, data: { ...current.data, timeline: next } };
        break;
      }
      case 'notice':
        notices = addNotice(notices ?? state.notices, item.payload);
        break;
    }
  }

  const out: Partial<AppData> = {};
  if (tasks) out.tasks = tasks;
  if (shapeChanged) out.treeShape = state.treeShape + 1;
  if (sessions) out.sessions = sessions;
  if (detail) out.detail = detail;
  if (notices) out.notices = notices;
  // There is no delete command, so a selected root missing from a list is only a list that predates
  // it (e.g. just created): the selection stays.
  if (roots) out.roots = roots;
  if (rootGit) out.rootGit = rootGit;
  return out;
}

let noticeSeq = 0;

function addNotice(list: Notice[], n: Omit<Notice, 'id' | 'count'>): Notice[] {
  const same = list.find((x) => x.level === n.level && x.message === n.message);
  const rest = list.filter((x) => x !== same);
  const entry: Notice = same ? { ...same, count: same.count + 1 } : { ...n, id: ++noticeSeq, count: 1 };
  return [entry, ...rest].slice(0, MAX_NOTICES);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function clearedRoot(): Partial<AppData> {
  return {
    loadedRootId: null,
    rootOptions: null,
    rootGit: null,
    isolationWarning: null,
    planSummary: null,
    tasks: new Map(),
    sessions: new Map(),
    selectedTaskId: null,
    detail: null,
    treeError: null,
    activeSessionId: null,
    focusedSessionId: null,
  };
}

/** Removes a task and everything below it from a map being built. */
function dropTask(tasks: Map<string, TaskView>, id: string): void {
  const t = tasks.get(id);
  if (!t) return;
  tasks.delete(id);
  for (const c of t.subtasks) dropTask(tasks, c);
}

/** Sorts a timeline oldest first and keeps the newest MAX_TIMELINE events. */
export function normalizeTimeline(events: readonly TimelineEvent[]): TimelineEvent[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  return sorted.length > MAX_TIMELINE ? sorted.slice(sorted.length - MAX_TIMELINE) : sorted;
}

export function createAppStore(prefs: Partial<UiPrefs> = {}): AppStore {
  return createStore<AppState>()((set, get) => ({
    ...initialData(prefs),

    setConnection(connection, reconnected = false) {
      set((s) => ({ connection, connectionEpoch: reconnected ? s.connectionEpoch + 1 : s.connectionEpoch }));
    },

    setRoots(roots) {
      set({ roots: [...roots].sort(byNewest), rootsLoaded: true });
    },

    selectRoot(rootId) {
      const s = get();
      if (rootId === s.selectedRootId && (rootId === null || s.loadedRootId === rootId)) {
        set({ composing: false });
        return;
      }
      set({ ...clearedRoot(), selectedRootId: rootId, composing: false });
    },

    applySnapshot(snapshot) {
      const s = get();
      if (snapshot.rootId !== s.selectedRootId) return; // the user moved on
      // The snapshot is newer than the list: it adds a missing entry and sets the approval state.
      const known = s.roots.find((r) => r.id === snapshot.rootId);
      const roots = !known
        ? [summaryFromSnapshot(snapshot)].filter((r): r is RootSummary => r !== null).concat(s.roots).sort(byNewest)
        : known.awaitingApproval === snapshot.awaitingApproval && known.control === snapshot.control
          ? s.roots
          : s.roots.map((r) => (r === known ? withHold(r, snapshot) : r));
      const sameRoot = s.loadedRootId === snapshot.rootId;
      set({
        roots,
        loadedRootId: snapshot.rootId,
        rootOptions: snapshot.options,
        rootGit: snapshot.git ?? null,
        isolationWarning: snapshot.isolationWarning ?? null,
        planSummary: snapshot.planSummary ?? null,
        tasks: new Map(snapshot.tasks.map((t) => [t.id, t])),
        treeShape: s.treeShape + 1,
        sessions: new Map(snapshot.sessions.map((x) => [x.id, x])),
        treeError: null,
        selectedTaskId: sameRoot ? s.selectedTaskId : null,
      });
    },

    setTreeError(treeError) {
      set({ treeError });
    },

    applyEvents(batch) {
      const patch = reduceEvents(get(), batch);
      if (Object.keys(patch).length > 0) set(patch);
    },

    selectTask(selectedTaskId) {
      if (get().selectedTaskId !== selectedTaskId) set({ selectedTaskId });
    },

    setCollapsed(taskId, collapsed) {
      const current = get().collapsed;
      const want = collapsed ?? !current.has(taskId);
      if (want === current.has(taskId)) return;
      const next = new Set(current);
      if (want) next.add(taskId);
      else next.delete(taskId);
      set({ collapsed: next });
    },

    reveal(taskId) {
      const { tasks, collapsed } = get();
      const ancestors = pathTo(tasks, taskId).slice(0, -1);
      if (!ancestors.some((id) => collapsed.has(id))) return;
      const next = new Set(collapsed);
      for (const id of ancestors) next.delete(id);
      set({ collapsed: next });
    },

    setTreeFilter(treeFilter) {
      set({ treeFilter });
    },

    setDetail(detail) {
      set({ detail: detail?.data ? { ...detail, data: { ...detail.data, timeline: normalizeTimeline(detail.data.timeline) } } : detail });
    },

    setSettings(settings) {
      set({ settings });
    },

    setSecrets(secrets) {
      set({ secrets });
    },

    pushNotice(notice) {
      set((s) => ({ notices: addNotice(s.notices, notice) }));
    },

    dismissNotice(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },

    setComposing(composing) {
      set({ composing });
    },

    setSettingsOpen(settingsOpen) {
      set({ settingsOpen });
    },

    setActiveSession(activeSessionId) {
      if (get().activeSessionId !== activeSessionId) set({ activeSessionId });
    },

    setFocusedSession(focusedSessionId) {
      set(focusedSessionId ? { focusedSessionId, activeSessionId: focusedSessionId } : { focusedSessionId });
    },

    requestPaneSearch(sessionId) {
      set((s) => ({ paneSearch: { sessionId, seq: (s.paneSearch?.seq ?? 0) + 1 } }));
    },

    setShortcutsOpen(shortcutsOpen) {
      set({ shortcutsOpen });
    },

    setPrefs(prefs) {
      set((s) => ({ prefs: { ...s.prefs, ...prefs } }));
    },
  }));
}
