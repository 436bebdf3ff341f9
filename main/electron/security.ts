// The Electron security rules in one place: which URLs the app's pages come from, where they may go,
// which links open outside, which web permissions a page gets (none), and when a launch is a leftover
// attempt to use the app's binary as Node. Plain functions: they run and are tested under Node.
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://maestro`;

/** The policy of the app's pages: one policy for the Electron shell and browser mode (core/api/guard.ts). */
export { APP_CSP as CSP } from '../core/api/guard';

/** True for a URL of the app's own pages (the custom protocol, or the Vite server in development). */
export function isAppUrl(raw: string, devServerUrl?: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === 'maestro') return true;
  if (devServerUrl) {
    try {
      return url.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

/** Links that may open in the system browser: http(s) only, with a host, no credentials. */
export function isSafeExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && !!url.hostname && !url.username && !url.password;
}

/** An IPC message is answered only when it comes from the app's own page in a top frame (event.senderFrame). */
export function isTrustedIpcSender(frame: { parent: unknown; url: string } | null | undefined, devServerUrl?: string): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url, devServerUrl);
}

/** What happens to a navigation: it stays in the app, the link opens in the system browser, or nothing. */
export type NavigationVerdict = 'allow' | 'external' | 'deny';

export interface NavigationRequest {
  url: string;
  /** A top-level navigation (a link in the page): only those may open outside. */
  isMainFrame: boolean;
  /** A server-side redirect: never opened outside (nobody clicked it), and never followed out of the app. */
  redirect?: boolean;
}

/** The one navigation rule, for will-navigate, will-frame-navigate and will-redirect of every WebContents. */
export function navigationVerdict(nav: NavigationRequest, devServerUrl?: string): NavigationVerdict {
  if (isAppUrl(nav.url, devServerUrl)) return 'allow';
  if (nav.isMainFrame && !nav.redirect && isSafeExternalUrl(nav.url)) return 'external';
  return 'deny';
}

/** What a page's window.open / target=_blank gets: never a new Electron window; a vetted link opens outside. */
export function windowOpenVerdict(url: string): 'external' | 'deny' {
  return isSafeExternalUrl(url) ? 'external' : 'deny';
}

/**
 * Web permissions the app's pages may have. None: in Electron the main process shows notifications
 * (main.ts wireNotifications), the terminal copies and pastes through ordinary DOM events, and nothing
 * uses the camera, microphone, location, clipboard API, HID/USB/serial, fullscreen or file system API.
 * Electron grants every permission when no handler is set, so the handlers deny all of them.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

/** Whether a page of `origin` may have `permission` (a check or a request). */
export function permissionAllowed(permission: string, origin: string, devServerUrl?: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(origin, devServerUrl);
}

const NODE_ONLY_FLAGS = new Set(['-e', '--eval', '-p', '--print', '-r', '--require', '--import', '--input-type', '-i', '--interactive']);
const SCRIPT = /\.[cm]?js$/i;

/**
 * The packaged app is built with the RunAsNode fuse off (electron-builder.yml), so
 * `ELECTRON_RUN_AS_NODE=1 Maestro script.js` starts the app instead of running the script. When that
 * happens (a launcher written by an older version, a script that still relies on it), say so and stop
 * rather than open a window. A stray ELECTRON_RUN_AS_NODE with no script (inherited from an editor's
 * terminal) is not an attempt: the app starts normally and drops the variable.
 * Returns the message to print, or undefined to carry on.
 */
export function runAsNodeRefusal(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): string | undefined {
  const v = env.ELECTRON_RUN_AS_NODE;
  if (v === undefined || v === '' || v === '0') return undefined;
  const args = argv.slice(1);
  const attempt = args.some((a) => NODE_ONLY_FLAGS.has(a.split('=')[0]!)) || args.some((a) => !a.startsWith('-') && SCRIPT.test(a));
  if (!attempt) return undefined;
  return (
    'Maestro: this build does not run scripts as Node (the RunAsNode fuse is off, ELECTRON_RUN_AS_NODE is ignored).\n' +
    'The `maestro` command runs on Node.js 20.19 or later: install it, make sure `node` is on PATH, and restart Maestro\n' +
    '(it rewrites the launcher in <data dir>/bin when it starts).\n'
  );
}
