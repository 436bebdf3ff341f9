// One xterm.js terminal per session. Mounted only while visible; on mount it replays the session's
// output, then follows live data (renderer/terminal/connect.ts). WebGL renderer when a GPU runs it, the
// DOM renderer otherwise (software WebGL, no WebGL, or after a lost WebGL context).
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import '@xterm/xterm/css/xterm.css';
import type { SessionInfo } from '../../preload/model';
import { errorMessage } from '../api/errors';
import { isLiveSession } from '../store/selectors';
import { connectTerminal } from '../terminal/connect';
import { watchPageShown } from '../terminal/visibility';
import { useApp, useServices } from '../services';
import { outcomeText, useSessionOutcome } from './outcome';
import { keysOf } from './shortcuts';
import { StatusIcon } from './status';

export const TERMINAL_THEME: ITheme = {
  background: '#0f1117',
  foreground: '#d4d7de',
  cursor: '#8ab4ff',
  cursorAccent: '#0f1117',
  selectionBackground: '#2c3b5a',
  scrollbarSliderBackground: 'rgba(120, 132, 165, 0.22)',
  scrollbarSliderHoverBackground: 'rgba(120, 132, 165, 0.4)',
  scrollbarSliderActiveBackground: 'rgba(140, 155, 195, 0.5)',
  black: '#1b1f2a',
  red: '#f2777a',
  green: '#8fd18b',
  yellow: '#f0c674',
  blue: '#7aa2f7',
  magenta: '#c49bf2',
  cyan: '#6fd3d8',
  white: '#d4d7de',
  brightBlack: '#5c6370',
  brightRed: '#ff8f91',
  brightGreen: '#a8e6a3',
  brightYellow: '#ffd98a',
  brightBlue: '#9bbcff',
  brightMagenta: '#d9b8ff',
  brightCyan: '#8eeaee',
  brightWhite: '#ffffff',
};

/** Only http(s) links open, in a new window (Electron's main process vets it again). */
function openLink(_event: MouseEvent, uri: string): void {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:' || url.protocol === 'https:') window.open(url.toString(), '_blank', 'noopener,noreferrer');
  } catch {
    // not a URL
  }
}

let gpuWebgl: boolean | undefined;
/**
 * Whether WebGL runs on a GPU. Without one (a VM, a remote desktop, GPU disabled) Chromium emulates it on
 * the CPU (SwiftShader, llvmpipe), and the WebGL renderer becomes several times slower than the DOM one
 * (measured by `npm run bench`). Checked once per page.
 */
function hasGpuWebgl(): boolean {
  if (gpuWebgl !== undefined) return gpuWebgl;
  gpuWebgl = false;
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
      gpuWebgl = !/swiftshader|llvmpipe|softpipe|software/i.test(name);
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // no WebGL at all
  }
  return gpuWebgl;
}

function loadRenderer(term: Terminal): void {
  if (!hasGpuWebgl()) return; // the DOM renderer
  try {
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => webgl.dispose()); // xterm falls back to the DOM renderer
    term.loadAddon(webgl);
  } catch (error) {
    console.info('maestro: WebGL terminal renderer unavailable, using the DOM renderer', errorMessage(error));
  }
}

/** False once the page has stayed hidden for a moment (see renderer/terminal/visibility.ts). */
function usePageShown(): boolean {
  const [shown, setShown] = useState(true);
  useEffect(() => (typeof document === 'undefined' ? undefined : watchPageShown(document, setShown)), []);
  return shown;
}

export function TerminalPane({ session, title }: { session: SessionInfo; title: string }) {
  const { api, router, store } = useServices();
  const scrollback = useApp((s) => s.settings?.scrollback ?? 1000);
  const epoch = useApp((s) => s.connectionEpoch);
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);
  const live = isLiveSession(session);
  const sessionId = session.id;
  const outcome = useSessionOutcome(session);
  const pageShown = usePageShown();
  const focused = useApp((s) => s.focusedSessionId === sessionId);
  // Ctrl+Shift+F (or the store's paneSearch for this pane) opens the search box and puts the cursor in it.
  const searchAsked = useApp((s) => (s.paneSearch?.sessionId === sessionId ? s.paneSearch.seq : 0));
  const searchInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (searchAsked === 0) return;
    setSearchOpen(true);
    searchInput.current?.focus();
    searchInput.current?.select();
  }, [searchAsked]);

  // Creates the terminal once per session, and again after a reconnect (live data had a gap) or when a
  // page that was hidden for a while shows again (the pane had let go of its session meanwhile).
  useEffect(() => {
    const el = host.current;
    if (!el || !pageShown) return;
    const info = store.getState().sessions.get(sessionId);
    const term = new Terminal({
      cols: info?.cols ?? 80,
      rows: info?.rows ?? 24,
      disableStdin: !info || !isLiveSession(info),
      scrollback: store.getState().settings?.scrollback ?? 1000,
      theme: TERMINAL_THEME,
      fontFamily: "'JetBrains Mono', 'Cascadia Code', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
      fontSize: 12,
      lineHeight: 1.15,
      cursorBlink: false,
      allowProposedApi: true, // the search addon's match decorations
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon(openLink));
    term.open(el);
    loadRenderer(term);
    termRef.current = term;
    searchRef.current = search;
    // The count follows new output while a search is open (the addon re-searches after writes).
    const searched = search.onDidChangeResults(({ resultIndex: index, resultCount: count }) =>
      setResults((r) => (r && r.index === index && r.count === count ? r : { index, count })),
    );

    const connection = connectTerminal({ api, router, sessionId, term });

    const input = term.onData((data) => {
      api.call('session.write', { sessionId, data }).catch(() => {
        // Typing into a session that just ended: nothing to do.
      });
    });

    let resizeTimer: ReturnType<typeof setTimeout> | null = null;
    const resized = term.onResize(({ cols: c, rows: r }) => {
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        const current = store.getState().sessions.get(sessionId);
        if (!current || !isLiveSession(current)) return;
        api.call('session.resize', { sessionId, cols: c, rows: r }).catch(() => {});
      }, 100);
    });

    let frame = 0;
    const refit = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (el.clientWidth > 0 && el.clientHeight > 0) {
          try {
            fit.fit();
          } catch {
            // not attached yet
          }
        }
      });
    };
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    refit();

    return () => {
      cancelAnimationFrame(frame);
      if (resizeTimer) clearTimeout(resizeTimer);
      ro.disconnect();
      input.dispose();
      resized.dispose();
      searched.dispose();
      connection.dispose();
      termRef.current = null;
      searchRef.current = null;
      term.dispose();
    };
  }, [api, router, store, sessionId, epoch, pageShown]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.scrollback = scrollback;
  }, [scrollback]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.disableStdin = !live;
  }, [live]);

  const find = (backwards: boolean) => {
    const search = searchRef.current;
    if (!search || !query) return;
    const opts = {
      incremental: false,
      decorations: {
        matchBackground: '#3b4f7a',
        activeMatchBackground: '#d19a2c',
        matchOverviewRuler: '#3b4f7a',
        activeMatchColorOverviewRuler: '#d19a2c',
      },
    };
    if (backwards) search.findPrevious(query, opts);
    else search.findNext(query, opts);
  };

  const closeSearch = () => {
    searchRef.current?.clearDecorations();
    termRef.current?.clearSelection();
    setSearchOpen(false);
    setResults(null);
    termRef.current?.focus();
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      find(e.shiftKey);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      closeSearch();
    }
  };

  return (
    <section
      className={`term-pane${live ? ' live' : ''}`}
      aria-label={`Terminal: ${title}`}
      data-session-id={sessionId}
      onFocusCapture={() => store.getState().setActiveSession(sessionId)}
      onPointerDownCapture={() => store.getState().setActiveSession(sessionId)}
    >
      <header className={session.attention && live ? 'term-header needs-input' : 'term-header'}>
        <StatusIcon status={outcome.tone} />
        <span className="term-title" title={title}>
          {title}
        </span>
        {outcome.attempt ? (
          <span className="badge badge-attempt" title={`attempt ${outcome.attempt.n} of ${outcome.attempt.of} for this group`}>
            attempt {outcome.attempt.n}
          </span>
        ) : null}
        <span className="badge">{session.agent}</span>
        <span className="badge badge-dim">{session.agentProfile}</span>
        <span className={`term-status tone-${outcome.tone.toLowerCase()}`} title={outcomeText(outcome)}>
          {outcome.label}
        </span>
        {outcome.detail ? (
          <span className="term-status-detail" title={outcomeText(outcome)}>
            {outcome.detail}
          </span>
        ) : null}
        <span className="spacer" />
        {searchOpen ? (
          <span className="term-search" role="search">
            <input
              type="search"
              ref={searchInput}
              aria-label="Search in terminal"
              placeholder="Find"
              value={query}
              autoFocus
              onChange={(e) => {
                setQuery(e.target.value);
                setResults(null);
              }}
              onKeyDown={onSearchKey}
            />
            <span className="term-search-count" role="status">
              {searchResultText(results)}
            </span>
            <button type="button" className="icon-btn" aria-label="Previous match" title="Previous match (Shift+Enter)" onClick={() => find(true)}>
              ↑
            </button>
            <button type="button" className="icon-btn" aria-label="Next match" title="Next match (Enter)" onClick={() => find(false)}>
              ↓
            </button>
            <button type="button" className="icon-btn" aria-label="Close search" title="Close search" onClick={closeSearch}>
              ✕
            </button>
          </span>
        ) : (
          <button type="button" className="icon-btn" aria-label="Search output" title={`Search output (${keysOf('searchPane')})`} onClick={() => setSearchOpen(true)}>
            ⌕
          </button>
        )}
        <button
          type="button"
          className="icon-btn"
          aria-pressed={focused}
          aria-label={focused ? 'Back to all panes' : 'Focus this pane'}
          title={`${focused ? 'Back to all panes' : 'Focus this pane (maximize it)'} (${keysOf('focusPane')})`}
          onClick={() => store.getState().setFocusedSession(focused ? null : sessionId)}
        >
          {focused ? '⤡' : '⤢'}
        </button>
        {live ? <StopButton sessionId={sessionId} /> : null}
      </header>
      <div className="term-body" ref={host} />
    </section>
  );
}

/** "2/5" with a current match, "5 matches" while new output moved them, "No results". */
function searchResultText(r: { index: number; count: number } | null): string {
  if (r === null) return '';
  if (r.count === 0) return 'No results';
  return r.index < 0 ? `${r.count} match${r.count === 1 ? '' : 'es'}` : `${r.index + 1}/${r.count}`;
}

function StopButton({ sessionId }: { sessionId: string }) {
  const { controller } = useServices();
  const [stopping, setStopping] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-small btn-danger"
      disabled={stopping}
      onClick={() => {
        setStopping(true);
        void controller.stopSession(sessionId).finally(() => setStopping(false));
      }}
    >
      {stopping ? 'Stopping…' : 'Stop'}
    </button>
  );
}
