// The history of requests: one entry per root with its status, progress and hold (paused, cancelled);
// a search box and an archived filter; the selected request's actions (pause, stop, resume, cancel,
// rename, archive, delete — cancel and delete ask first).
import { memo, useMemo, useState } from 'react';
import type { RootSummary } from '../../preload/model';
import { browserNotificationsSupported, toggleDesktopNotifications } from '../notify';
import { useApp, useServices } from '../services';
import { ProgressBar, StatusIcon, formatWhen } from './status';

const HOLD_TEXT = { paused: 'paused', cancelled: 'cancelled' } as const;

const RootItem = memo(function RootItem({ root, selected }: { root: RootSummary; selected: boolean }) {
  const { controller } = useServices();
  return (
    <li>
      <button
        type="button"
        className={selected ? 'root-item selected' : 'root-item'}
        aria-current={selected ? 'true' : undefined}
        onClick={() => void controller.selectRoot(root.id)}
        title={root.title}
      >
        <StatusIcon status={root.status} />
        <span className="root-item-body">
          <span className="root-item-title">{root.title}</span>
          <span className="root-item-meta">
            {root.awaitingApproval ? (
              <span className="badge badge-attention">needs approval</span>
            ) : root.control ? (
              <span className={root.control === 'paused' ? 'badge badge-attention' : 'badge badge-dim'}>{HOLD_TEXT[root.control]}</span>
            ) : (
              <span className="root-item-when">{formatWhen(root.createdAt)}</span>
            )}
            {root.archived ? <span className="badge badge-dim">archived</span> : null}
            <ProgressBar done={root.progress.done} total={root.progress.total} compact />
          </span>
        </span>
      </button>
      {selected ? <RootActions root={root} /> : null}
    </li>
  );
});

type Asking = null | 'rename' | 'cancel' | 'delete';

/** What a person can do with the selected request: pause or stop it, resume, cancel, rename, archive, delete. */
function RootActions({ root }: { root: RootSummary }) {
  const { controller } = useServices();
  const [asking, setAsking] = useState<Asking>(null);
  const [title, setTitle] = useState(root.title);
  const [busy, setBusy] = useState(false);
  const run = (fn: () => Promise<unknown>) => {
    setBusy(true);
    void fn().finally(() => {
      setBusy(false);
      setAsking(null);
    });
  };
  // A request with a failed group may still have work running or to run: only a finished one has nothing to hold.
  const unfinished = root.status !== 'COMPLETED';
  const canHold = !root.control && !root.awaitingApproval && unfinished;

  if (asking === 'rename') {
    return (
      <form
        className="root-actions root-rename"
        onSubmit={(e) => {
          e.preventDefault();
          if (title.trim()) run(() => controller.renameRoot(root.id, title.trim()));
        }}
      >
        <input aria-label="New title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus maxLength={500} />
        <button type="submit" className="btn btn-small btn-primary" disabled={busy || !title.trim()}>
          Save
        </button>
        <button type="button" className="btn btn-small" onClick={() => setAsking(null)}>
          Back
        </button>
      </form>
    );
  }
  if (asking === 'cancel' || asking === 'delete') {
    const text =
      asking === 'cancel'
        ? 'Cancel this request? Running sessions are stopped and nothing of it runs again.'
        : 'Delete this request? Its plan, timeline and session logs (and its branches) are removed for good.';
    return (
      <div className="root-actions root-confirm" role="alertdialog" aria-label={asking === 'cancel' ? 'Cancel the request' : 'Delete the request'}>
        <span>{text}</span>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={busy}
          onClick={() => run(() => (asking === 'cancel' ? controller.cancelRoot(root.id) : controller.deleteRoot(root.id)))}
        >
          {asking === 'cancel' ? 'Cancel request' : 'Delete'}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setAsking(null)}>
          Keep it
        </button>
      </div>
    );
  }
  return (
    <div className="root-actions" role="toolbar" aria-label="Request actions">
      {canHold ? (
        <>
          <button type="button" className="btn btn-small" disabled={busy} title="No new sessions start; running ones finish" onClick={() => run(() => controller.pauseRoot(root.id))}>
            Pause
          </button>
          <button type="button" className="btn btn-small" disabled={busy} title="Stop the running sessions too; their work stays PENDING" onClick={() => run(() => controller.pauseRoot(root.id, true))}>
            Stop all
          </button>
        </>
      ) : null}
      {root.control === 'paused' ? (
        <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => run(() => controller.resumeRoot(root.id))}>
          Resume
        </button>
      ) : null}
      {root.control !== 'cancelled' && (unfinished || root.awaitingApproval) ? (
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => setAsking('cancel')}>
          Cancel…
        </button>
      ) : null}
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => (setTitle(root.title), setAsking('rename'))}>
        Rename
      </button>
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => run(() => controller.archiveRoot(root.id, !root.archived))}>
        {root.archived ? 'Unarchive' : 'Archive'}
      </button>
      <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => setAsking('delete')}>
        Delete…
      </button>
    </div>
  );
}

/** The history as shown: archived requests only with the filter on, and titles or workspaces that match the search. */
export function filterRoots(roots: readonly RootSummary[], query: string, archived: boolean): RootSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return roots.filter((r) => !!r.archived === archived && words.every((w) => r.title.toLowerCase().includes(w) || r.workspace.toLowerCase().includes(w) || r.id === w));
}

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Access refused',
  closed: 'Disconnected',
} as const;

/** Browser mode only: turns desktop notifications on (asking the browser's permission) or off. */
function NotificationsToggle() {
  const { store } = useServices();
  const wanted = useApp((s) => s.prefs.desktopNotifications);
  // The permission is not observable; re-render after asking.
  const [, setAsked] = useState(0);
  if (!browserNotificationsSupported()) return null;
  const on = wanted && Notification.permission === 'granted';
  const title = on ? 'Desktop notifications are on' : 'Notify me when a request completes or a task fails';
  return (
    <button
      type="button"
      className={on ? 'icon-btn toggled' : 'icon-btn'}
      aria-label="Desktop notifications"
      aria-pressed={on}
      title={title}
      onClick={() => void toggleDesktopNotifications(store).finally(() => setAsked((n) => n + 1))}
    >
      <svg viewBox="0 0 16 16" width="15" height="15" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round">
        <path d="M3.5 11.5V7a4.5 4.5 0 0 1 9 0v4.5l1.2 1.2H2.3z" />
        <path d="M6.5 14.2a1.6 1.6 0 0 0 3 0" />
        {on ? null : <path d="M2 2l12 12" />}
      </svg>
    </button>
  );
}

export function Sidebar() {
  const roots = useApp((s) => s.roots);
  const selectedRootId = useApp((s) => s.selectedRootId);
  const rootsLoaded = useApp((s) => s.rootsLoaded);
  const connection = useApp((s) => s.connection);
  const setComposing = useApp((s) => s.setComposing);
  const setSettingsOpen = useApp((s) => s.setSettingsOpen);
  const [query, setQuery] = useState('');
  const [archived, setArchived] = useState(false);
  const shown = useMemo(() => filterRoots(roots, query, archived), [roots, query, archived]);
  const archivedCount = useMemo(() => roots.filter((r) => r.archived).length, [roots]);

  return (
    <aside className="sidebar" aria-label="Requests">
      <header className="sidebar-header">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Maestro
        </span>
        <span className="sidebar-tools">
          <NotificationsToggle />
          <button type="button" className="icon-btn" aria-label="Settings" title="Settings" onClick={() => setSettingsOpen(true)}>
            ⚙
          </button>
        </span>
      </header>
      <button type="button" className="btn btn-primary new-request" onClick={() => setComposing(true)}>
        <span aria-hidden="true" className="plus">+</span> New request
      </button>
      <h2 className="sidebar-section">History</h2>
      {roots.length ? (
        <div className="history-tools">
          <input type="search" className="history-search" aria-label="Search requests" placeholder="Search requests" value={query} onChange={(e) => setQuery(e.target.value)} />
          <button
            type="button"
            className={archived ? 'btn btn-small toggled' : 'btn btn-small'}
            aria-pressed={archived}
            title={archived ? 'Show the requests in use' : 'Show the archived requests'}
            onClick={() => setArchived(!archived)}
          >
            Archived{archivedCount ? ` (${archivedCount})` : ''}
          </button>
        </div>
      ) : null}
      <nav className="root-list" aria-label="Request history">
        {rootsLoaded && roots.length === 0 ? <p className="muted sidebar-empty">No requests yet.</p> : null}
        {roots.length > 0 && shown.length === 0 ? (
          <p className="muted sidebar-empty">{query.trim() ? 'No request matches.' : archived ? 'Nothing is archived.' : 'Every request is archived.'}</p>
        ) : null}
        <ul>
          {shown.map((r) => (
            <RootItem key={r.id} root={r} selected={r.id === selectedRootId} />
          ))}
        </ul>
      </nav>
      <footer className={`connection connection-${connection}`} role="status">
        <span className="connection-dot" aria-hidden="true" />
        {CONNECTION_TEXT[connection]}
      </footer>
    </aside>
  );
}
