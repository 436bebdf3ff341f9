// Picks the transport: Electron's preload bridge (`window.maestro`) or the browser-mode WebSocket.
import type { MaestroApi } from '../../preload/contract';
import { BINARY_FRAMES_PARAM, BINARY_FRAMES_VALUE, WS_PATH } from '../../preload/wire';
import { socketFactory, type WorkerLike } from './worker-socket';
import { withTerminalPort } from './terminal-port';
import { workerName } from './worker-core';
import { WsApi, type ConnectionAware, type SocketLike } from './ws-client';

declare global {
  interface Window {
    /** Exposed by the Electron preload through contextBridge. */
    maestro?: MaestroApi;
  }
}

export const TOKEN_STORAGE_KEY = 'maestro.token';

/**
 * The access token of browser mode: `?token=` in the page URL wins and is kept in sessionStorage (so a
 * reload keeps working), then removed from the address bar so it does not linger in history.
 */
export function resolveToken(loc: Pick<Location, 'href'>, storage: Pick<Storage, 'getItem' | 'setItem'> | null): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token then only lives in this page.
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The WebSocket URL of browser mode for a page at `href`. */
export function webSocketUrl(href: string, token: string | null): string {
  const page = new URL(href);
  const ws = new URL(WS_PATH, page);
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.search = '';
  ws.hash = '';
  if (token) ws.searchParams.set('token', token);
  return ws.toString();
}

function dropTokenFromAddressBar(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.toString());
}

let api: (MaestroApi & Partial<ConnectionAware>) | null = null;

/** The app-wide API (one instance). */
export function getApi(): MaestroApi & Partial<ConnectionAware> {
  if (api) return api;
  if (window.maestro) {
    api = withTerminalPort(window.maestro, window);
    return api;
  }
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  const token = resolveToken(window.location, storage);
  const url = new URL(webSocketUrl(window.location.href, token));
  // Terminal output as binary frames; the socket itself in a dedicated Worker when Workers work.
  url.searchParams.set(BINARY_FRAMES_PARAM, BINARY_FRAMES_VALUE);
  dropTokenFromAddressBar();
  const createWorker =
    typeof Worker === 'function'
      ? (socketUrl: string) => new Worker(new URL('./terminal-worker.ts', import.meta.url), { type: 'module', name: workerName(socketUrl) }) as unknown as WorkerLike
      : undefined;
  const createSocket = socketFactory({ createWorker, createWebSocket: (u) => new WebSocket(u) as unknown as SocketLike });
  api = new WsApi({ url: url.toString(), createSocket });
  return api;
}

/** Replaces the app-wide API (the dev mock, tests). */
export function setApi(next: MaestroApi & Partial<ConnectionAware>): void {
  api = next;
}

export function isConnectionAware(a: MaestroApi): a is MaestroApi & ConnectionAware {
  return typeof (a as Partial<ConnectionAware>).onConnection === 'function';
}

export { ApiError } from '../../preload/wire';
export type { ConnectionAware, ConnectionInfo, ConnectionState } from './ws-client';
