// The history of requests: one entry per root with its status and progress.
import { memo } from 'react';
import type { RootSummary } from '../../main/core/types';
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
            <span className="root-item-when">{formatWhen(root.createdAt)}</span>
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
        <button type="button" className="icon-btn" aria-label="Settings" title="Settings" onClick={() => setSettingsOpen(true)}>
          ⚙
        </button>
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
