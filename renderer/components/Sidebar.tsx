// The history of requests: one entry per root with its status and progress.
import { memo, useState } from 'react';
import type { RootSummary } from '../../preload/model';
import { browserNotificationsSupported, toggleDesktopNotifications } from '../notify';
import { useApp, useServices } from '../services';
import { ProgressBar, StatusIcon, formatWhen } from './status';

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
            ) : (
              <span className="root-item-when">{formatWhen(root.createdAt)}</span>
            )}
            <ProgressBar done={root.progress.done} total={root.progress.total} compact />
          </span>
        </span>
      </button>
    </li>
  );
});

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
      <nav className="root-list" aria-label="Request history">
        {rootsLoaded && roots.length === 0 ? <p className="muted sidebar-empty">No requests yet.</p> : null}
        <ul>
          {roots.map((r) => (
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
