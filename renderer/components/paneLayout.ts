// Which sessions get a terminal pane, and the grid's shape. Running sessions get the space: while any
// session in view runs, the grid holds the running ones, then the latest attempts that ended badly (the
// user wants to read why), and the other finished ones wait in a strip (a click opens one maximized);
// with nothing running, the grid shows the finished ones.
import type { SessionInfo } from '../../preload/model';
import { isLiveSession } from '../store/selectors';

/** Panes in the grid at most (each is a WebGL context; browsers cap those around 16). */
export const GRID_MAX = 6;
/** With the terminals maximized there is room for more. */
export const GRID_MAX_MAXIMIZED = 9;

/** Approximate cell of the 12 px terminal font, and a pane's header, borders and gap (px). */
const CHAR_W = 7.2;
const LINE_H = 14;
const PANE_CHROME = 42;
/** A pane narrower or lower than this is not worth showing: its session goes to the strip instead. */
const MIN_COLS = 40;
const MIN_LINES = 8;
/** Height kept for the strip of sessions without a pane (px). */
export const STRIP_H = 34;

const colsFit = (width: number) => Math.max(1, Math.floor(width / (MIN_COLS * CHAR_W)));
const rowsFit = (height: number) => Math.max(1, Math.floor(height / (MIN_LINES * LINE_H + PANE_CHROME)));

/** How many panes fit in a `width`×`height` area with at least MIN_COLS×MIN_LINES each (0×0: unknown, the cap). */
export function gridCapacity(width: number, height: number, maximized: boolean): number {
  const cap = maximized ? GRID_MAX_MAXIMIZED : GRID_MAX;
  if (width <= 0 || height <= 0) return cap;
  return Math.min(cap, colsFit(width) * rowsFit(height));
}

export interface PaneLayout {
  /** Sessions with a pane in the grid. */
  shown: SessionInfo[];
  /** Running sessions beyond the grid's capacity. */
  moreLive: SessionInfo[];
  /** Finished sessions without a pane. */
  finished: SessionInfo[];
}

/** A session that ended badly: failed to start, was interrupted, or exited with a non-zero code. */
export function endedBadly(s: SessionInfo): boolean {
  return s.status === 'failed-to-start' || s.status === 'interrupted' || (s.status === 'exited' && s.exitCode !== undefined && s.exitCode !== 0);
}

/** `sessions` come sorted (running first, then the newest): see `compareSessions`. `cap`: see gridCapacity. */
export function arrangePanes(sessions: readonly SessionInfo[], cap: number): PaneLayout {
  const live = sessions.filter(isLiveSession);
  const done = sessions.filter((s) => !isLiveSession(s));
  if (live.length === 0) return { shown: done.slice(0, cap), moreLive: [], finished: done.slice(cap) };
  // A failed attempt keeps a pane (after the running ones) until a newer session of its task supersedes it.
  const newest = new Map<string, SessionInfo>();
  for (const s of sessions) {
    const seen = newest.get(s.taskId);
    if (!seen || s.startedAt > seen.startedAt) newest.set(s.taskId, s);
  }
  const failed = done.filter((s) => endedBadly(s) && newest.get(s.taskId) === s);
  const shown = live.slice(0, cap);
  const failedShown = failed.slice(0, Math.max(0, cap - shown.length));
  return {
    shown: [...shown, ...failedShown],
    moreLive: live.slice(cap),
    finished: done.filter((s) => !failedShown.includes(s)),
  };
}

/** The panes for an area of `width`×`height` (the grid and the strip below it). */
export function panesFor(sessions: readonly SessionInfo[], width: number, height: number, maximized: boolean): PaneLayout {
  const all = arrangePanes(sessions, gridCapacity(width, height, maximized));
  if (all.moreLive.length === 0 && all.finished.length === 0) return all;
  // There will be a strip: the grid has that much less room.
  return arrangePanes(sessions, gridCapacity(width, height - STRIP_H, maximized));
}

/**
 * Columns and rows for `n` panes in a `width`×`height` area: the shape whose smallest pane shows the
 * largest share of an 80×24 terminal (so neither 20-column slivers nor 3-line strips).
 */
export function gridShape(n: number, width: number, height: number): { cols: number; rows: number } {
  if (n <= 1) return { cols: 1, rows: 1 };
  if (width <= 0 || height <= 0) {
    const cols = Math.ceil(Math.sqrt(n));
    return { cols, rows: Math.ceil(n / cols) };
  }
  let best = { cols: 1, rows: n, fits: false, score: -1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    if (cols > 1 && Math.ceil(n / (cols - 1)) === rows) continue; // the same rows with an empty column
    // Shapes within the minimum pane size win; among them (or among all, when none fits) the best score.
    const fits = cols <= colsFit(width) && rows <= rowsFit(height);
    const chars = width / cols / CHAR_W;
    const lines = Math.max(0, height / rows - PANE_CHROME) / LINE_H;
    const score = Math.min(chars / 80, lines / 24);
    if ((fits && !best.fits) || (fits === best.fits && score > best.score)) best = { cols, rows, fits, score };
  }
  return { cols: best.cols, rows: best.rows };
}
