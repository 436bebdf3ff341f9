// The terminal panes of the selection (the whole root when nothing below it is selected): a grid that
// gives running sessions the space (paneLayout.ts), tabs, or one pane maximized (focus). Only visible
// panes mount an xterm; hidden sessions keep streaming to the engine's log.
import { Suspense, lazy, memo, useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type KeyboardEvent, type RefObject } from 'react';
import type { SessionInfo } from '../../preload/model';
import { createSessionsSelector } from '../store/selectors';
import { useApp } from '../services';
import { STRIP_H, gridShape, panesFor } from './paneLayout';
import { keysOf } from './shortcuts';
import { outcomeText, useSessionOutcome } from './outcome';
import { StatusIcon } from './status';

export { GRID_MAX } from './paneLayout';
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

// xterm.js and the pane around it load on first use, in their own chunk: the tree paints without them.
const TerminalPane = lazy(() => import('./TerminalPane').then((m) => ({ default: m.TerminalPane })));

const Pane = memo(function Pane({ session }: { session: SessionInfo }) {
  const title = useSessionTitle(session);
  return (
    <Suspense
      fallback={
        <section className="term-pane" aria-label={`Terminal: ${title}`} aria-busy="true" data-session-id={session.id}>
          <header className="term-header">
            <span className="term-title">{title}</span>
          </header>
        </section>
      }
    >
      <TerminalPane session={session} title={title} />
    </Suspense>
  );
});

const Tab = memo(function Tab({ session, active, onSelect }: { session: SessionInfo; active: boolean; onSelect(): void }) {
  const title = useSessionTitle(session);
  const outcome = useSessionOutcome(session);
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
      title={`${title} — ${outcomeText(outcome)} — ${session.agent} · ${session.agentProfile}`}
    >
      <StatusIcon status={outcome.tone} />
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

/**
 * The size of an element, followed with a ResizeObserver (0×0 until measured). Measured in a passive
 * effect: from a layout effect the panes would mount in a synchronous re-render whose effects attach,
 * detach and re-attach a session within a millisecond, and ClientBridge (main/core/api/bridge.ts) then
 * keeps both attachments and every chunk arrives twice.
 */
function useSize<T extends HTMLElement>(): [RefObject<T | null>, { width: number; height: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}

export function TerminalArea() {
  const selected = useApp((s) => s.selectedTaskId);
  // Arrow keys move the selection quickly; do not build and tear down terminals for every row passed.
  const taskId = useDebounced(selected, 150);
  const selectSessions = useMemo(createSessionsSelector, []);
  const sessions = useApp((s) => selectSessions(s, taskId));
  const scopeTitle = useApp((s) => (taskId && taskId !== s.loadedRootId ? s.tasks.get(taskId)?.title : null));
  const layout = useApp((s) => s.prefs.terminalLayout);
  const collapsedPref = useApp((s) => s.prefs.terminalsCollapsed);
  const maximized = useApp((s) => s.prefs.terminalsMaximized);
  const follow = useApp((s) => s.prefs.followRunning);
  const height = useApp((s) => s.prefs.terminalHeight);
  const activeSessionId = useApp((s) => s.activeSessionId);
  const focused = useApp((s) => (s.focusedSessionId ? (s.sessions.get(s.focusedSessionId) ?? null) : null));
  const setPrefs = useApp((s) => s.setPrefs);
  const setActive = useApp((s) => s.setActiveSession);
  const setFocused = useApp((s) => s.setFocusedSession);
  const setShortcutsOpen = useApp((s) => s.setShortcutsOpen);
  const hasRoot = useApp((s) => s.loadedRootId !== null);

  if (!hasRoot) return null;
  const collapsed = collapsedPref && !focused;
  const fill = !collapsed && (maximized || focused !== null);
  const active = sessions.find((s) => s.id === activeSessionId) ?? sessions[0] ?? null;
  const live = sessions.filter((s) => s.status === 'running' || s.status === 'starting').length;

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!active || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const i = sessions.indexOf(active);
    const next = sessions[(i + (e.key === 'ArrowRight' ? 1 : sessions.length - 1)) % sessions.length];
    setActive(next.id);
    document.getElementById(`term-tab-${next.id}`)?.focus();
    e.preventDefault();
  };

  const sectionClass = `terminals${collapsed ? ' collapsed' : ''}${fill ? ' fill' : ''}`;
  return (
    <>
      {collapsed || fill ? null : <Splitter />}
      <section className={sectionClass} style={collapsed || fill ? undefined : { height }} aria-label="Terminals">
        <header className="terminals-header">
          {focused ? null : (
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
          )}
          <h2>Terminals</h2>
          <span className="muted terminals-scope">
            {scopeTitle ? `for “${scopeTitle}”` : 'all sessions'} · {sessions.length} session{sessions.length === 1 ? '' : 's'}
            {live ? ` · ${live} running` : ''}
          </span>
          <span className="spacer" />
          <button
            type="button"
            className={follow ? 'btn btn-small toggled' : 'btn btn-small'}
            aria-pressed={follow}
            title="Follow running: when the selected group's sessions end while others run, move to the next running group"
            onClick={() => setPrefs({ followRunning: !follow })}
          >
            Follow running
          </button>
          {focused ? null : (
            <div className="segmented" role="group" aria-label="Terminal layout">
              <button type="button" aria-pressed={layout === 'grid'} className={layout === 'grid' ? 'active' : ''} onClick={() => setPrefs({ terminalLayout: 'grid' })}>
                Grid
              </button>
              <button type="button" aria-pressed={layout === 'tabs'} className={layout === 'tabs' ? 'active' : ''} onClick={() => setPrefs({ terminalLayout: 'tabs' })}>
                Tabs
              </button>
            </div>
          )}
          <button
            type="button"
            className="icon-btn"
            aria-pressed={maximized}
            aria-label={maximized ? 'Restore the plan view' : 'Maximize the terminals'}
            title={`${maximized ? 'Restore the plan view' : 'Maximize the terminals'} (${keysOf('maximize')})`}
            onClick={() => setPrefs({ terminalsMaximized: !maximized, terminalsCollapsed: false })}
          >
            {maximized ? '⊟' : '⊞'}
          </button>
          <button type="button" className="icon-btn" aria-label="Keyboard shortcuts" title={`Keyboard shortcuts (${keysOf('help')})`} onClick={() => setShortcutsOpen(true)}>
            ⌨
          </button>
        </header>
        {collapsed ? null : focused ? (
          <FocusView focused={focused} sessions={sessions} onFocus={setFocused} />
        ) : sessions.length === 0 ? (
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
          <GridView sessions={sessions} maximized={maximized} onFocus={setFocused} />
        )}
      </section>
    </>
  );
}

/** Running sessions in the grid; more running ones and the finished ones as chips in a strip. */
function GridView({ sessions, maximized, onFocus }: { sessions: SessionInfo[]; maximized: boolean; onFocus(id: string): void }) {
  const [ref, size] = useSize<HTMLDivElement>();
  // In a browser, wait for the first measurement (before paint) instead of creating terminals that the
  // measured layout would drop at once; server rendering (tests) lays out for an unknown size.
  const measuring = typeof window !== 'undefined' && size.width === 0;
  const layout = panesFor(sessions, size.width, size.height, maximized);
  const { moreLive, finished } = layout;
  const shown = measuring ? [] : layout.shown;
  const strip = moreLive.length > 0 || finished.length > 0;
  const { cols, rows } = gridShape(shown.length, size.width, size.height - (strip ? STRIP_H : 0));
  return (
    <div className="terminals-grid-wrap" ref={ref}>
      <div
        className="terminals-grid"
        style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}
      >
        {shown.map((s) => (
          <Pane key={s.id} session={s} />
        ))}
      </div>
      {strip ? (
        <div className="terminals-overflow" aria-label="Sessions without a pane">
          {moreLive.length > 0 ? <span className="muted">{moreLive.length} more running:</span> : null}
          {moreLive.map((s) => (
            <SessionChip key={s.id} session={s} onOpen={() => onFocus(s.id)} />
          ))}
          {finished.length > 0 ? <span className="muted">{shown.some((s) => s.status === 'running' || s.status === 'starting') ? 'Finished:' : `${finished.length} more:`}</span> : null}
          {finished.map((s) => (
            <SessionChip key={s.id} session={s} onOpen={() => onFocus(s.id)} />
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** One pane maximized; the other sessions in a strip above it, a click switches. */
function FocusView({ focused, sessions, onFocus }: { focused: SessionInfo; sessions: SessionInfo[]; onFocus(id: string | null): void }) {
  const others = sessions.filter((s) => s.id !== focused.id);
  return (
    <div className="terminals-focus">
      <div className="terminals-overflow focus-strip" aria-label="Other sessions">
        <button type="button" className="btn btn-small" onClick={() => onFocus(null)} title={`Back to all panes (${keysOf('focusPane')})`}>
          ← All panes
        </button>
        {others.map((s) => (
          <SessionChip key={s.id} session={s} onOpen={() => onFocus(s.id)} />
        ))}
      </div>
      <div className="term-tabpanel">
        <Pane key={focused.id} session={focused} />
      </div>
    </div>
  );
}

function SessionChip({ session, onOpen }: { session: SessionInfo; onOpen(): void }) {
  const title = useSessionTitle(session);
  const outcome = useSessionOutcome(session);
  return (
    <button type="button" className="chip" onClick={onOpen} title={`${title}: ${outcomeText(outcome)}. Open it maximized`}>
      <StatusIcon status={outcome.tone} /> {title}
    </button>
  );
}
