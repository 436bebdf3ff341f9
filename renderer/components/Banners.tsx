// Connection problems, a missing API key and engine notices, as banners above the work area.
import type { Notice } from '../store/store';
import { DEFAULT_PROFILE } from '../../preload/profiles';
import { useApp, useServices } from '../services';
import { defaultPlanner, defaultWorkerProfile, missingKeyFor } from './planner';

/** Notices that a setting can fix (no API key, nothing that can plan) get a button to the settings. */
const SETTINGS_HINT = /\bAPI key\b|\bin (?:the )?settings\b/i;

function NoticeBanner({ notice }: { notice: Notice }) {
  const { controller } = useServices();
  const dismiss = useApp((s) => s.dismissNotice);
  const openSettings = useApp((s) => s.setSettingsOpen);
  const elsewhere = useApp((s) => !!notice.rootId && notice.rootId !== s.selectedRootId && s.roots.some((r) => r.id === notice.rootId));
  return (
    <div className={`banner banner-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
      <span className="banner-text">
        {notice.message}
        {notice.count > 1 ? <span className="banner-count"> ×{notice.count}</span> : null}
      </span>
      <span className="banner-actions">
        {elsewhere ? (
          <button type="button" className="btn btn-small" onClick={() => void controller.selectRoot(notice.rootId!)}>
            Show request
          </button>
        ) : null}
        {SETTINGS_HINT.test(notice.message) ? (
          <button type="button" className="btn btn-small" onClick={() => openSettings(true)}>
            Open settings
          </button>
        ) : null}
      </span>
      <button type="button" className="icon-btn" aria-label="Dismiss" title="Dismiss" onClick={() => dismiss(notice.id)}>
        ✕
      </button>
    </div>
  );
}

export function Banners() {
  const connection = useApp((s) => s.connection);
  const notices = useApp((s) => s.notices);
  // What a new request gets by default (the request box's defaults) needs the API key and there is none.
  // An agent CLI that brings its own login also plans by default: no banner while it is the default.
  const noKey = useApp((s) => {
    if (s.secrets?.anthropicApiKey !== 'missing') return '';
    const workers = defaultWorkerProfile(s.prefs.lastAgentProfile, s.settings?.defaultAgentProfile, DEFAULT_PROFILE);
    const missing = missingKeyFor(workers, defaultPlanner(workers, false), false);
    if (missing.length === 0) return '';
    return missing.includes('workers') ? 'plan or work' : 'plan';
  });
  const openSettings = useApp((s) => s.setSettingsOpen);

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
      {noKey ? (
        <div className="banner banner-warning" role="alert">
          <span className="banner-text">
            No Anthropic API key: the built-in agent cannot {noKey} without one. Add a key in the settings, or choose an agent CLI
            (Claude Code, Codex, Gemini) as the default agent.
          </span>
          <button type="button" className="btn btn-small" onClick={() => openSettings(true)}>
            Open settings
          </button>
        </div>
      ) : null}
      {notices.map((n) => (
        <NoticeBanner key={n.id} notice={n} />
      ))}
    </div>
  );
}
