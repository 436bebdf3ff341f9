// Whether the page is shown. In a hidden tab or a minimized window the browser throttles timers, so
// xterm would parse (and acknowledge) a trickle, and flow control would hold the worker back almost
// completely. Panes therefore let go of their sessions once the page has stayed hidden for a moment;
// the workers then run free into their logs, and the panes replay the recent output when shown again.
import type { Timers } from '../api/ws-client';

/** How long the page may be hidden before the panes detach (a quick switch away keeps them). */
export const HIDDEN_GRACE_MS = 3_000;

/** The part of `document` this needs (lets tests pass a fake). */
export interface VisibilitySource {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onChange(false)` once the page has been hidden for `graceMs`, and `onChange(true)` as soon as
 * it shows again after that. Returns a function that stops watching.
 */
export function watchPageShown(
  doc: VisibilitySource,
  onChange: (shown: boolean) => void,
  graceMs = HIDDEN_GRACE_MS,
  timers: Timers = realTimers,
): () => void {
  let shown = true;
  let timer: unknown = null;
  const cancel = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };
  const update = () => {
    if (doc.hidden) {
      if (!shown || timer !== null) return;
      timer = timers.setTimeout(() => {
        timer = null;
        shown = false;
        onChange(false);
      }, graceMs);
      return;
    }
    cancel();
    if (!shown) {
      shown = true;
      onChange(true);
    }
  };
  doc.addEventListener('visibilitychange', update);
  update();
  return () => {
    cancel();
    doc.removeEventListener('visibilitychange', update);
  };
}
