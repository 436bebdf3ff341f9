// UI preferences kept in localStorage (layout, terminal height, maximized terminals, follow running, last
// workspace and profile, notifications).
import { DEFAULT_PREFS, type UiPrefs } from './store/store';

const KEY = 'maestro.ui';

export function loadPrefs(): Partial<UiPrefs> {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return {};
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    const out: Partial<UiPrefs> = {};
    if (parsed.terminalLayout === 'grid' || parsed.terminalLayout === 'tabs') out.terminalLayout = parsed.terminalLayout;
    if (typeof parsed.terminalHeight === 'number' && parsed.terminalHeight >= 120) out.terminalHeight = parsed.terminalHeight;
    if (typeof parsed.terminalsCollapsed === 'boolean') out.terminalsCollapsed = parsed.terminalsCollapsed;
    if (typeof parsed.lastWorkspace === 'string') out.lastWorkspace = parsed.lastWorkspace;
    if (typeof parsed.lastAgentProfile === 'string') out.lastAgentProfile = parsed.lastAgentProfile;
    if (typeof parsed.desktopNotifications === 'boolean') out.desktopNotifications = parsed.desktopNotifications;
    if (typeof parsed.terminalsMaximized === 'boolean') out.terminalsMaximized = parsed.terminalsMaximized;
    if (typeof parsed.followRunning === 'boolean') out.followRunning = parsed.followRunning;
    if (parsed.diffMode === 'unified' || parsed.diffMode === 'split') out.diffMode = parsed.diffMode;
    return out;
  } catch {
    return {};
  }
}

export function savePrefs(prefs: UiPrefs): void {
  try {
    const out: Partial<UiPrefs> = {};
    for (const k of Object.keys(DEFAULT_PREFS) as (keyof UiPrefs)[]) (out as Record<string, unknown>)[k] = prefs[k];
    localStorage.setItem(KEY, JSON.stringify(out));
  } catch {
    // Storage full or disabled: preferences are a convenience.
  }
}
