// The terminal panes of the selection (the whole root when nothing below it is selected), as a grid
// or as tabs. Only visible panes mount an xterm; hidden sessions keep streaming to the engine's log.
import { memo, useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type KeyboardEvent } from 'react';
import type { SessionInfo } from '../../preload/model';
import { createSessionsSelector } from '../store/selectors';
import { useApp, useServices } from '../services';
import { TerminalPane } from './TerminalPane';
import { StatusIcon, sessionTone } from './status';

/** Panes shown at once in grid mode (each is a WebGL context; browsers cap those around 16). */
export const GRID_MAX = 6;
export const MIN_TERMINAL_HEIGHT = 140;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** A worker's pane is titled with its group; the orchestrator's (it plans the whole request) is "Orchestrator". */
function useSessionTitle(session: SessionInfo): string {
  const groupTitle = useApp((s) => (session.role === 'orchestrator' ? undefined : s.tasks.get(session.taskId)?.title));
  return session.role === 'orchestrator' ? 'Orchestrator' : (groupTitle ?? session.title);
}

const Pane = memo(function Pane({ session }: { session: SessionInfo }) {
  const title = useSessionTitle(session);
  return <TerminalPane session={session} title={title} />;
});

const Tab = memo(function Tab({ session, active, onSelect }: { session: SessionInfo; active: boolean; onSelect(): void }) {
  const title = useSessionTitle(session);
  return (
    <button
      type="button"
      role="tab"
      id={`term-tab-${session.id}`}
      aria-selected={active}
      aria-controls="term-tabpanel"
      tabIndex={active ? 0 : -1}
      className={active ? 'term-tab active' : 'term-tab'}
      onClick={onSelect}
      title={`${title} — ${session.agent} · ${session.agentProfile}`}
    >
      <StatusIcon status={sessionTone(session)} />
      <span className="term-tab-title">{title}</span>
    </button>
  );
});

/** Drag (or ↑/↓ on the focused handle) to resize the terminal area. */
function Splitter() {
  const height = useApp((s) => s.prefs.terminalHeight);
  const setPrefs = useApp((s) => s.setPrefs);
  const drag = useRef<{ y: number; h: number } | null>(null);
  const clamp = (h: number) => Math.round(Math.max(MIN_TERMINAL_HEIGHT, Math.min(window.innerHeight - 180, h)));

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    drag.current = { y: e.clientY, h: height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (drag.current) setPrefs({ terminalHeight: clamp(drag.current.h + drag.current.y - e.clientY) });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowUp') setPrefs({ terminalHeight: clamp(height + 40) });
    else if (e.key === 'ArrowDown') setPrefs({ terminalHeight: clamp(height - 40) });
    else return;
    e.preventDefault();
  };
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the terminal area"
      aria-valuenow={height}
      aria-valuemin={MIN_TERMINAL_HEIGHT}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onKeyDown={onKeyDown}
    />
  );
}

export function TerminalArea() {
  const selected = useApp((s) => s.selectedTaskId);
  // Arrow keys move the selection quickly; do not build and tear down terminals for every row passed.
  const taskId = useDebounced(selected, 150);
  const selectSessions = useMemo(createSessionsSelector, []);
  const sessions = useApp((s) => selectSessions(s, taskId));
  const scopeTitle = useApp((s) => (taskId && taskId !== s.loadedRootId ? s.tasks.get(taskId)?.title : null));
  const layout = useApp((s) => s.prefs.terminalLayout);
  const collapsed = useApp((s) => s.prefs.terminalsCollapsed);
  const height = useApp((s) => s.prefs.terminalHeight);
  const activeSessionId = useApp((s) => s.activeSessionId);
  const setPrefs = useApp((s) => s.setPrefs);
  const setActive = useApp((s) => s.setActiveSession);
  const hasRoot = useApp((s) => s.loadedRootId !== null);
  const { store } = useServices();

  if (!hasRoot) return null;
  const active = sessions.find((s) => s.id === activeSessionId) ?? sessions[0] ?? null;
  const shown = layout === 'grid' ? sessions.slice(0, GRID_MAX) : [];
  const overflow = layout === 'grid' ? sessions.slice(GRID_MAX) : [];
  const live = sessions.filter((s) => s.status === 'running' || s.status === 'starting').length;

  const showInTab = (id: string) => {
    store.getState().setPrefs({ terminalLayout: 'tabs' });
    setActive(id);
  };

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!active || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const i = sessions.indexOf(active);
    const next = sessions[(i + (e.key === 'ArrowRight' ? 1 : sessions.length - 1)) % sessions.length];
    setActive(next.id);
    document.getElementById(`term-tab-${next.id}`)?.focus();
    e.preventDefault();
  };

  return (
    <>
      {collapsed ? null : <Splitter />}
      <section className={collapsed ? 'terminals collapsed' : 'terminals'} style={collapsed ? undefined : { height }} aria-label="Terminals">
        <header className="terminals-header">
          <button
            type="button"
            className="icon-btn"
            aria-expanded={!collapsed}
            aria-label={collapsed ? 'Show terminals' : 'Hide terminals'}
            title={collapsed ? 'Show terminals' : 'Hide terminals'}
            onClick={() => setPrefs({ terminalsCollapsed: !collapsed })}
          >
            {collapsed ? '▴' : '▾'}
          </button>
          <h2>Terminals</h2>
          <span className="muted terminals-scope">
            {scopeTitle ? `for “${scopeTitle}”` : 'all sessions'} · {sessions.length} session{sessions.length === 1 ? '' : 's'}
            {live ? ` · ${live} running` : ''}
          </span>
          <span className="spacer" />
          <div className="segmented" role="group" aria-label="Terminal layout">
            <button type="button" aria-pressed={layout === 'grid'} className={layout === 'grid' ? 'active' : ''} onClick={() => setPrefs({ terminalLayout: 'grid' })}>
              Grid
            </button>
            <button type="button" aria-pressed={layout === 'tabs'} className={layout === 'tabs' ? 'active' : ''} onClick={() => setPrefs({ terminalLayout: 'tabs' })}>
              Tabs
            </button>
          </div>
        </header>
        {collapsed ? null : sessions.length === 0 ? (
          <div className="terminals-empty muted">No terminal sessions here yet. Workers appear as soon as their group starts.</div>
        ) : layout === 'tabs' ? (
          <div className="terminals-tabs">
            <div className="term-tablist" role="tablist" aria-label="Sessions" onKeyDown={onTabKey}>
              {sessions.map((s) => (
                <Tab key={s.id} session={s} active={s.id === active?.id} onSelect={() => setActive(s.id)} />
              ))}
            </div>
            <div id="term-tabpanel" className="term-tabpanel" role="tabpanel" aria-labelledby={active ? `term-tab-${active.id}` : undefined}>
              {active ? <Pane key={active.id} session={active} /> : null}
            </div>
          </div>
        ) : (
          <div className="terminals-grid-wrap">
            <div className={`terminals-grid n${Math.min(shown.length, GRID_MAX)}`}>
              {shown.map((s) => (
                <Pane key={s.id} session={s} />
              ))}
            </div>
            {overflow.length > 0 ? (
              <div className="terminals-overflow">
                <span className="muted">{overflow.length} more:</span>
                {overflow.map((s) => (
                  <OverflowChip key={s.id} session={s} onOpen={() => showInTab(s.id)} />
                ))}
              </div>
            ) : null}
          </div>
        )}
      </section>
    </>
  );
}

function OverflowChip({ session, onOpen }: { session: SessionInfo; onOpen(): void }) {
  const title = useSessionTitle(session);
  return (
    <button type="button" className="chip" onClick={onOpen} title={`Open ${title} in a tab`}>
      <StatusIcon status={sessionTone(session)} /> {title}
    </button>
  );
}
