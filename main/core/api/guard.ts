// The checks every door into Maestro shares: comparing secrets, deciding which Host and Origin a local
// server answers (cross-site WebSocket hijacking, DNS rebinding), and mapping a URL path to a file
// inside a folder. One function each, used by the CLI's HTTP API, browser mode and the Electron shell.
import { timingSafeEqual } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { shorten } from '../text';

/**
 * The Content-Security-Policy of the app's pages, in the Electron shell (app://maestro) and in browser
 * mode alike. Styles keep 'unsafe-inline' on purpose: xterm.js writes `<style>` elements (its scrollbar
 * always; the DOM renderer's theme and cell sizes when WebGL2 is missing) and `style` attributes (the
 * DOM renderer's colours). Scripts, connections, images, fonts and workers come only from the app
 * itself; objects, frames, `<base>` and forms not at all. See e2e/csp.e2e.test.ts.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Constant-time comparison of a presented secret with the real one; false for a missing value. */
export function sameSecret(presented: string | undefined | null, secret: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const x = Buffer.from(presented);
  const y = Buffer.from(secret);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** A hostname as it appears in a Host header: lower case, IPv6 in brackets. */
function asHostname(name: string): string {
  const n = name.trim().toLowerCase();
  return n.includes(':') && !n.startsWith('[') ? `[${n}]` : n;
}

/**
 * The hostnames a server bound to `bindHost` answers to: every loopback name; the bound address; for a
 * wildcard bind, the machine's interface addresses; and the names given with `--allow-remote`. Any
 * other Host (a foreign name that resolves here: DNS rebinding) is refused.
 */
export function allowedHostnames(bindHost: string, extraNames: readonly string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (!isWildcard(bindHost)) names.add(asHostname(bindHost));
  else {
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) names.add(asHostname(a.address.replace(/%.*$/, '')));
    }
  }
  for (const n of extraNames) if (n.trim()) names.add(asHostname(n));
  return names;
}

/** The hostname part of a Host header value (`name`, `name:port`, `[v6]:port`), or null if malformed. */
export function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/@[\]]+)(?::(\d{1,5}))?$/.exec(hostHeader.trim());
  return m ? m[1]!.toLowerCase() : null;
}

export type Refusal = { status: 400 | 403; reason: string };

/**
 * Whether a request may be served, judged from its headers alone:
 * - Host must name this server (allowlist above);
 * - Origin, when the browser sends one, must be the origin the page was served from, i.e. the same
 *   scheme-less authority as the Host header: a page on another port of 127.0.0.1 is refused even
 *   though the browser treats it as the same site;
 * - fetch metadata (Sec-Fetch-Site) of another site refuses what another page started, navigations
 *   apart. A client that sends neither Origin nor fetch metadata is not a browser page; it still
 *   needs the token like everyone else.
 */
export function checkRequestOrigin(
  headers: { host?: string; origin?: string; 'sec-fetch-site'?: string; 'sec-fetch-mode'?: string },
  allowed: ReadonlySet<string>,
): Refusal | null {
  const hostname = hostnameOf(headers.host);
  if (!hostname) return { status: 400, reason: 'missing or malformed Host header' };
  if (!allowed.has(hostname)) return { status: 403, reason: `Host ${JSON.stringify(shorten(hostname, 80))} is not one this server answers to` };
  const origin = headers.origin;
  if (origin !== undefined) {
    let ok = false;
    try {
      const o = new URL(origin);
      ok = (o.protocol === 'http:' || o.protocol === 'https:') && o.host.toLowerCase() === headers.host!.trim().toLowerCase();
    } catch {
      ok = false;
    }
    if (!ok) return { status: 403, reason: `cross-origin request refused (Origin ${JSON.stringify(shorten(origin, 80))})` };
  }
  const site = headers['sec-fetch-site'];
  if ((site === 'cross-site' || site === 'same-site') && headers['sec-fetch-mode'] !== 'navigate') {
    // Fetch metadata: a subresource, fetch or socket that another page started. A top-level
    // navigation (a link to Maestro) is let through: the page that links cannot read the answer.
    return { status: 403, reason: `request started by another site refused (Sec-Fetch-Site: ${site})` };
  }
  return null;
}

/**
 * The file under `root` that a URL path names, or null when the path is malformed (bad percent
 * escapes, NUL) or leaves the folder. `root` must be absolute and resolved.
 */
export function fileInside(root: string, urlPathname: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const file = path.resolve(root, `.${path.sep}${rel}`);
  return file === root || file.startsWith(root + path.sep) ? file : null;
}
