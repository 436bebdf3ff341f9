// Wires the rules of security.ts into Electron: every WebContents the app ever creates (windows, and
// anything else a page could make) and every session get the same guards. Only types come from
// 'electron' here, so the wiring runs under Node in tests with stand-in objects.
import type { Event as ElectronEvent, Session, WebContents } from 'electron';
import { navigationVerdict, permissionAllowed, windowOpenVerdict } from './security';

export interface GuardOptions {
  /** The Vite server in development (its pages count as the app's own). */
  devServerUrl?: string;
  /** Opens a vetted http(s) link in the system browser (shell.openExternal). */
  openExternal: (url: string) => void;
}

interface NavigationDetails {
  url: string;
  isMainFrame: boolean;
  preventDefault(): void;
}

/**
 * For app.on('web-contents-created'): no new windows, no navigation out of the app in any frame (a link
 * opens in the browser instead), no redirect out of it, no <webview>.
 *
 * will-frame-navigate fires first for every frame, and when it cancels Electron does not emit
 * will-navigate; will-navigate gets the same rule in case that order ever changes. Either way the first
 * handler to cancel is the only one that runs, so a link opens once.
 */
export function guardWebContents(contents: WebContents, opts: GuardOptions): void {
  const onNavigate = (details: NavigationDetails, redirect: boolean) => {
    const verdict = navigationVerdict({ url: details.url, isMainFrame: details.isMainFrame, redirect }, opts.devServerUrl);
    if (verdict === 'allow') return;
    details.preventDefault();
    if (verdict === 'external') opts.openExternal(details.url);
  };
  contents.on('will-frame-navigate', (details) => onNavigate(details, false));
  contents.on('will-navigate', (details) => onNavigate(details, false));
  contents.on('will-redirect', (details) => onNavigate(details, true));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenVerdict(url) === 'external') opts.openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * For every session, before any page loads: web permissions are refused (checks and requests), devices
 * (HID, USB, serial) are never pre-approved, and downloads are cancelled (the app downloads nothing).
 */
export function guardSession(session: Session, devServerUrl?: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl, devServerUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin, devServerUrl));
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event: ElectronEvent) => event.preventDefault());
}
