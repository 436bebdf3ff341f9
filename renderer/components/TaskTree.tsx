// The task tree of the selected root: a virtualized list of fixed-height rows (only the rows in view
// are in the DOM), with the WAI-ARIA tree pattern (focus stays on the tree, aria-activedescendant
// points at the selected row; selection follows ↑/↓).
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { createGroupCountSelector, jumpNext, needsInput } from '../store/navigate';
import { selectRunningGroups, selectVisibleRows } from '../store/selectors';
import type { TreeRow } from '../store/tree';
import { useApp, useServices } from '../services';
import { keysOf } from './shortcuts';
import { ProgressBar, StatusIcon, formatUsage, statusLabel } from './status';

export const ROW_HEIGHT = 30;
const OVERSCAN = 8;

export const rowDomId = (taskId: string) => `task-row-${taskId}`;

function RetryButton({ taskId }: { taskId: string }) {
  const { controller } = useServices();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-small btn-danger"
      disabled={busy}
      onClick={(e) => {
        e.stopPropagation();
        setBusy(true);
        void controller.retryTask(taskId).finally(() => setBusy(false));
      }}
    >
      Retry
    </button>
  );
}

const TreeRowView = memo(function TreeRowView({ row, top, selected }: { row: TreeRow; top: number; selected: boolean }) {
  const { controller, store } = useServices();
  const task = useApp((s) => s.tasks.get(row.id));
  if (!task) return null;
  const status = task.status;
  const isParent = task.subtasks.length > 0;
  const canRetry = status === 'FAILED' && (task.kind === 'subtask' || task.kind === 'group');
  const usage = task.kind !== 'subtask' ? formatUsage(task.totalUsage) : null;
  const waiting = useApp((s) => task.kind !== 'subtask' && needsInput(s, task.id));

  return (
    <div
      id={rowDomId(row.id)}
      role="treeitem"
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-selected={selected}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-label={`${task.title}, ${statusLabel(status)}${waiting ? ', needs input' : ''}`}
      className={`tree-row kind-${task.kind}${selected ? ' selected' : ''}`}
      style={{ top, height: ROW_HEIGHT, paddingLeft: 8 + (row.level - 1) * 18 }}
      onClick={() => {
        controller.selectTask(row.id);
        (document.getElementById('task-tree') as HTMLElement | null)?.focus({ preventScroll: true });
      }}
    >
      <span
        className={row.hasChildren ? `chevron${row.expanded ? ' open' : ''}` : 'chevron none'}
        aria-hidden="true"
        onClick={(e) => {
          if (!row.hasChildren) return;
          e.stopPropagation();
          store.getState().setCollapsed(row.id);
        }}
      >
        ▸
      </span>
      <StatusIcon status={status} />
      <span className="tree-title" title={task.title}>
        {task.title}
      </span>
      {task.planId ? <span className="plan-id">{task.planId}</span> : null}
      {task.kind === 'group' && task.agent ? <span className="badge">{task.agent}</span> : null}
      {waiting ? (
        <span className="badge badge-needs-input" title="An agent waits for you: type into its pane">
          needs input
        </span>
      ) : null}
      <span className="spacer" />
      {usage ? <span className="usage muted">{usage}</span> : null}
      {canRetry ? <RetryButton taskId={task.id} /> : null}
      {isParent ? <ProgressBar done={task.progress.done} total={task.progress.total} compact /> : <span className="progress-slot" aria-hidden="true" />}
    </div>
  );
});

export function TaskTree() {
  const rootId = useApp((s) => s.loadedRootId);
  const empty = useApp((s) => selectVisibleRows(s).length === 0);
  const filter = useApp((s) => s.treeFilter);
  if (!rootId) return <div className="tree-empty muted">Loading the plan…</div>;
  if (empty) {
    return (
      <div className="tree-empty muted">{filter === 'running' ? 'Nothing is running right now.' : 'This request has no tasks yet.'}</div>
    );
  }
  // Keyed by root: another request starts at the top with fresh scroll state.
  return <TreeView key={rootId} />;
}

function TreeView() {
  const { controller, store } = useServices();
  const rows = useApp(selectVisibleRows);
  const selectedTaskId = useApp((s) => s.selectedTaskId);
  const filter = useApp((s) => s.treeFilter);
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  // Until the viewport is measured it is taken to be as tall as the window: the first frame shows the
  // rows in view without a layout forced in the middle of the first commit (on a cold page that layout
  // is the whole page's first, ~40–80 ms on a busy machine, then done again for the re-render). The
  // observer's first report comes after the frame's own layout.
  const [height, setHeight] = useState(() => (typeof window === 'undefined' ? 0 : window.innerHeight));

  useEffect(() => {
    const el = viewport.current!;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const selectedIndex = selectedTaskId ? rows.findIndex((r) => r.id === selectedTaskId) : -1;

  /** Scrolls so that row `index` is fully visible. */
  const scrollToIndex = useCallback((index: number) => {
    const el = viewport.current;
    if (!el || index < 0) return;
    const rowTop = index * ROW_HEIGHT;
    if (rowTop < el.scrollTop) el.scrollTop = rowTop;
    else if (rowTop + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = rowTop + ROW_HEIGHT - el.clientHeight;
  }, []);

  // Keep the selection in view when it changes (keyboard, jump to running, reveal).
  useEffect(() => {
    scrollToIndex(selectedIndex);
  }, [selectedIndex, scrollToIndex]);

  // A new filter shows other rows: start from the top unless the selection is among them.
  const selectedIndexRef = useRef(selectedIndex);
  selectedIndexRef.current = selectedIndex;
  useEffect(() => {
    const el = viewport.current;
    if (el && selectedIndexRef.current < 0) el.scrollTop = 0;
  }, [filter]);

  const select = (index: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (row) controller.selectTask(row.id);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = selectedIndex >= 0 ? rows[selectedIndex] : null;
    const page = Math.max(1, Math.floor((viewport.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        select(selectedIndex + 1);
        break;
      case 'ArrowUp':
        select(selectedIndex < 0 ? 0 : selectedIndex - 1);
        break;
      case 'PageDown':
        select(selectedIndex + page);
        break;
      case 'PageUp':
        select(selectedIndex - page);
        break;
      case 'Home':
        select(0);
        break;
      case 'End':
        select(rows.length - 1);
        break;
      case 'ArrowRight':
        if (!row) select(0);
        else if (row.hasChildren && !row.expanded) store.getState().setCollapsed(row.id, false);
        else if (row.expanded) select(selectedIndex + 1);
        break;
      case 'ArrowLeft':
        if (!row) break;
        if (row.expanded) store.getState().setCollapsed(row.id, true);
        else if (row.parentId) controller.selectTask(row.parentId);
        break;
      case 'Enter':
      case ' ':
        if (row) {
          controller.selectTask(row.id);
          if (e.key === ' ' && row.hasChildren) store.getState().setCollapsed(row.id);
        } else select(0);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const activeVisible = selectedIndex >= first && selectedIndex < last;

  return (
    <div
      id="task-tree"
      ref={viewport}
      className="tree"
      role="tree"
      aria-label="Task tree"
      tabIndex={0}
      aria-activedescendant={activeVisible && selectedTaskId ? rowDomId(selectedTaskId) : undefined}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="tree-canvas" role="none" style={{ height: rows.length * ROW_HEIGHT }}>
        {rows.slice(first, last).map((row, i) => (
          <TreeRowView key={row.id} row={row} top={(first + i) * ROW_HEIGHT} selected={row.id === selectedTaskId} />
        ))}
      </div>
    </div>
  );
}

/** "Next running" and "Next failed / needs you": select the next such group (see store/navigate.ts). */
function JumpButtons() {
  const { controller, store } = useServices();
  const selectRunning = useMemo(() => createGroupCountSelector('running'), []);
  const selectAttention = useMemo(() => createGroupCountSelector('attention'), []);
  const running = useApp(selectRunning);
  const attention = useApp(selectAttention);
  const jump = (which: 'running' | 'attention') => {
    if (jumpNext(store, (id) => controller.selectTask(id), which)) document.getElementById('task-tree')?.focus({ preventScroll: true });
  };
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => jump('running')} disabled={running === 0} title={`Select the next running group (${keysOf('nextRunning')})`}>
        Next running ↓
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => jump('attention')}
        disabled={attention === 0}
        title={`Select the next group that failed or needs you (${keysOf('nextAttention')})`}
      >
        Next failed <span className="count">{attention}</span>
      </button>
    </>
  );
}

/** The bar above the tree: the request, its progress, the running filter and jump. */
export function TreeHeader() {
  const { store } = useServices();
  const rootId = useApp((s) => s.loadedRootId);
  const root = useApp((s) => (s.loadedRootId ? s.tasks.get(s.loadedRootId) : undefined));
  const options = useApp((s) => s.rootOptions);
  const running = useApp((s) => selectRunningGroups(s).length);
  const filter = useApp((s) => s.treeFilter);
  if (!rootId || !root) return null;
  const usage = formatUsage(root.totalUsage);

  return (
    <div className="tree-header">
      <div className="tree-header-title">
        <StatusIcon status={root.status} />
        <h1 title={root.title}>{root.title}</h1>
        <ProgressBar done={root.progress.done} total={root.progress.total} />
      </div>
      <div className="tree-header-meta">
        {options ? (
          <>
            <span className="meta-item" title="Workspace">
              <code>{options.workspace}</code>
            </span>
            <span className="meta-item badge">{options.agentProfile}</span>
          </>
        ) : null}
        {usage ? <span className="meta-item muted">{usage}</span> : null}
        <span className="spacer" />
        <button
          type="button"
          className={filter === 'running' ? 'btn btn-small toggled' : 'btn btn-small'}
          aria-pressed={filter === 'running'}
          onClick={() => store.getState().setTreeFilter(filter === 'running' ? 'all' : 'running')}
        >
          Running only <span className="count">{running}</span>
        </button>
        <JumpButtons />
      </div>
    </div>
  );
}

/** The request in one line, for when the terminals take the main area (maximized or a focused pane). */
export function RequestBar() {
  const root = useApp((s) => (s.loadedRootId ? s.tasks.get(s.loadedRootId) : undefined));
  const scope = useApp((s) => (s.selectedTaskId && s.selectedTaskId !== s.loadedRootId ? s.tasks.get(s.selectedTaskId) : undefined));
  if (!root) return null;
  return (
    <div className="request-bar">
      <StatusIcon status={root.status} />
      <h1 title={root.title}>{root.title}</h1>
      <ProgressBar done={root.progress.done} total={root.progress.total} />
      {scope ? (
        <span className="request-bar-scope muted" title={scope.title}>
          › <StatusIcon status={scope.status} /> {scope.title}
        </span>
      ) : null}
      <span className="spacer" />
      <JumpButtons />
    </div>
  );
}
