// Connection problems and engine notices, as dismissible banners above the work area.
import { useApp } from '../services';

export function Banners() {
  const connection = useApp((s) => s.connection);
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismissNotice);

  return (
    <div className="banners">
      {connection === 'reconnecting' ? (
        <div className="banner banner-warning" role="status">
          <span className="banner-text">Connection to Maestro lost — reconnecting…</span>
        </div>
      ) : null}
      {connection === 'unauthorized' ? (
        <div className="banner banner-error" role="alert">
          <span className="banner-text">
            Maestro refused this page's access token. Open the link printed by <code>maestro serve</code> again.
          </span>
        </div>
      ) : null}
      {notices.map((n) => (
        <div key={n.id} className={`banner banner-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <span className="banner-text">
            {n.message}
            {n.count > 1 ? <span className="banner-count"> ×{n.count}</span> : null}
          </span>
          <button type="button" className="icon-btn" aria-label="Dismiss" title="Dismiss" onClick={() => dismiss(n.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
