// The global keyboard shortcuts: one table (shown in the help dialog and in tooltips) and the matcher.
// Alt+letter combinations are matched by physical key (`code`), so they work on macOS (Option) and on
// any keyboard layout; they are taken before a focused terminal sees them.

export type ShortcutId = 'newRequest' | 'nextRunning' | 'nextAttention' | 'focusPane' | 'maximize' | 'searchPane' | 'help';

export interface KeyLike {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

interface Shortcut {
  id: ShortcutId;
  /** What the user presses, as shown. */
  keys: string;
  label: string;
  match(e: KeyLike): boolean;
}

const alt = (code: string) => (e: KeyLike) => e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.code === code;

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'newRequest', keys: 'Alt+N', label: 'New request', match: alt('KeyN') },
  { id: 'nextRunning', keys: 'Alt+R', label: 'Next running group', match: alt('KeyR') },
  { id: 'nextAttention', keys: 'Alt+E', label: 'Next group that failed or needs you', match: alt('KeyE') },
  { id: 'focusPane', keys: 'Alt+Z', label: 'Focus the current pane (maximize it) and back', match: alt('KeyZ') },
  { id: 'maximize', keys: 'Alt+M', label: 'Terminals take the whole window, and back', match: alt('KeyM') },
  {
    id: 'searchPane',
    keys: 'Ctrl+Shift+F',
    label: 'Search in the current pane',
    match: (e) => (e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.code === 'KeyF',
  },
  {
    id: 'help',
    keys: '? or Alt+/',
    label: 'Show these shortcuts',
    match: (e) => (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey) || alt('Slash')(e),
  },
];

/** The keys of a shortcut, for a tooltip: "Next running group (Alt+R)". */
export function keysOf(id: ShortcutId): string {
  return SHORTCUTS.find((s) => s.id === id)!.keys;
}

/** Which shortcut a key press is, if any. `typing`: the focus is in a text field or a terminal. */
export function matchShortcut(e: KeyLike, typing: boolean): ShortcutId | null {
  for (const s of SHORTCUTS) {
    if (!s.match(e)) continue;
    // `?` is a character while typing; Alt+/ always works.
    if (s.id === 'help' && typing && !e.altKey) return null;
    return s.id;
  }
  return null;
}

/** Whether an element takes typed text (inputs, text areas, xterm's helper text area). */
export function isTypingTarget(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable === true;
}
