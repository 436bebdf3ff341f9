// Browser mode: serves the built renderer and bridges the API contract over a WebSocket to the same
// engine and dispatcher the Electron shell uses. It binds loopback only unless told otherwise.
// Who gets in (docs/SECURITY.md):
// - every request must name this server in its Host header (no DNS rebinding) and, from a browser,
//   come from the page this server served (Origin; a page on another port of 127.0.0.1 is refused);
// - the renderer's files hold no secret and need no token; the WebSocket, the only door to the engine,
//   needs the token (`?token=` of the printed URL, kept by the page in sessionStorage). There is no
//   cookie: cookies ignore ports, so one would be sent to every other local server the browser visits.
// - a malformed request gets a 4xx answer; no request can end the process.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { commandSchemas, type EngineEvents, type EventName } from '../../preload/contract';
import { BINARY_FRAMES_PARAM, BINARY_FRAMES_VALUE, TERMINAL_FRAME, WS_PATH, type ClientMessage, type ServerMessage } from '../../preload/wire';
import { toApiError } from '../core/api/dispatcher';
import type { Engine } from '../core/engine';
import { ClientBridge } from '../core/api/bridge';
import { allowedHostnames, APP_CSP, checkRequestOrigin, fileInside, isLoopbackHost, sameSecret } from '../core/api/guard';

export interface UiServerOptions {
  engine: Engine;
  token: string;
  staticDir: string;
  host?: string;
  port?: number;
  /** Listen on a non-loopback address. */
  allowRemote?: boolean;
  /** Further hostnames the server answers to (what `--allow-remote` names, e.g. `devbox.lan`). */
  allowHosts?: string[];
  /** Called with what went wrong inside a request handler (the request got a 500; the server runs on). */
  onError?: (err: unknown) => void;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The build's files named by their content (vite: `assets/<name>-<8-char hash>.<ext>`): a name always
 * means the same bytes, so the browser may keep them, and with them V8's compiled code, across loads.
 * Everything else (index.html above all) is revalidated on every load.
 */
const HASHED_ASSET = /^\/assets\/[\w.-]+-[\w-]{8}\.(?:js|css|map|woff2|svg|png|wasm)$/;

/** Close code for a refused token (renderer/api/ws-client.ts stops reconnecting on it). */
export const WS_CLOSE_UNAUTHORIZED = 4401;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

function plain(res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close', ...extra });
  res.end(`${text}\n`);
}

function refuseSocket(socket: Duplex, status: number, reason: string): void {
  const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Error';
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  socket.destroy();
}

/**
 * A session's batch as a binary frame (the layout of preload/wire.ts `encodeTerminalFrame`), written with
 * Node's own UTF-8 encoder straight into one buffer of the exact size.
 */
export function terminalFrame(sessionId: string, data: string): Buffer {
  const idBytes = Buffer.byteLength(sessionId);
  if (idBytes > 255) throw new Error('a session id longer than 255 bytes cannot be framed');
  const frame = Buffer.allocUnsafe(6 + idBytes + Buffer.byteLength(data));
  frame[0] = TERMINAL_FRAME;
  frame.writeUInt32LE(data.length, 1);
  frame[5] = idBytes;
  frame.write(sessionId, 6, 'utf8');
  frame.write(data, 6 + idBytes, 'utf8');
  return frame;
}

/** The request's URL, or null when it cannot be parsed (e.g. `GET http://[/`). */
function requestUrl(req: http.IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !opts.allowRemote) {
    throw new Error(`refusing to listen on ${host}, which is not a loopback address: pass --allow-remote if you mean it`);
  }
  const staticDir = path.resolve(opts.staticDir);
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${path.join(staticDir, 'index.html')} is missing): run \`npm run build\``);
  }
  const allowed = allowedHostnames(host, opts.allowHosts);
  const reportError = (err: unknown) => {
    try {
      opts.onError?.(err);
    } catch {
      // a failing error reporter must not take the server down either
    }
  };

  const serveStatic = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = requestUrl(req);
    if (!url) return plain(res, 400, 'Maestro: malformed request URL');
    const refused = checkRequestOrigin(req.headers, allowed);
    if (refused) return plain(res, refused.status, `Maestro: ${refused.reason}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Maestro: only GET and HEAD', { allow: 'GET, HEAD' });
    let file = fileInside(staticDir, url.pathname);
    if (!file) return plain(res, 400, 'Maestro: malformed or forbidden path');
    const own = fs.statSync(file, { throwIfNoEntry: false });
    // Anything that is not a file here gets the page (the app's routes), which is never kept.
    const found = own !== undefined && !own.isDirectory();
    if (!found) file = path.join(staticDir, 'index.html');
    const stat = found ? own : fs.statSync(file);
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'content-length': stat.size,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': found && HASHED_ASSET.test(url.pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(type.startsWith('text/html') ? { 'content-security-policy': APP_CSP } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(file);
    stream.on('error', (err) => {
      reportError(err);
      res.destroy();
    });
    stream.pipe(res);
  };

  const server = http.createServer((req, res) => {
    try {
      serveStatic(req, res);
    } catch (err) {
      reportError(err);
      plain(res, 500, 'Maestro: internal error');
    }
  });
  // Requests Node cannot even parse: answer 400 and drop the connection.
  server.on('clientError', (_err, socket) => refuseSocket(socket, 400, 'malformed request'));

  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    try {
      socket.on('error', () => socket.destroy());
      const url = requestUrl(req);
      if (!url) return refuseSocket(socket, 400, 'malformed request URL');
      if (url.pathname !== WS_PATH) return refuseSocket(socket, 404, 'no such endpoint');
      const refused = checkRequestOrigin(req.headers, allowed);
      if (refused) return refuseSocket(socket, refused.status, refused.reason);
      const authorized = sameSecret(url.searchParams.get('token'), opts.token);
      wss.handleUpgrade(req, socket, head, (ws) => {
        // A wrong token from the right page: a close code the page understands, so it stops retrying.
        if (!authorized) ws.close(WS_CLOSE_UNAUTHORIZED, 'invalid token');
        else wss.emit('connection', ws, req);
      });
    } catch (err) {
      reportError(err);
      socket.destroy();
    }
  });

  const clients = new Set<ClientBridge>();
  wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    // Terminal output as binary frames for clients that ask for them (`?frames=binary`), else JSON events.
    const binary = requestUrl(req)?.searchParams.get(BINARY_FRAMES_PARAM) === BINARY_FRAMES_VALUE;
    const sendTerminal = (sessionId: string, data: string) => {
      if (ws.readyState === ws.OPEN) ws.send(terminalFrame(sessionId, data), { binary: true });
    };
    const bridge = new ClientBridge(opts.engine, send, binary ? sendTerminal : undefined);
    clients.add(bridge);
    ws.on('error', reportError);
    ws.on('message', async (raw) => {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(raw.toString()) as ClientMessage;
      } catch {
        send({ t: 'error', id: -1, error: { code: 'bad-request', message: 'the message is not valid JSON' } });
        return;
      }
      if (msg?.t === 'ack') {
        // A notification: no answer, unless it is malformed (then an error with id -1, as for bad JSON).
        bridge.call('session.ack', { sessionId: msg.sessionId, chars: msg.chars }).catch((err: unknown) => {
          const e = toApiError(err);
          send({ t: 'error', id: -1, error: { code: e.code, message: e.message } });
        });
        return;
      }
      if (msg?.t !== 'call' || typeof msg.id !== 'number' || typeof msg.method !== 'string') {
        send({ t: 'error', id: typeof msg?.id === 'number' ? msg.id : -1, error: { code: 'bad-request', message: 'expected {t: "call", id, method, params}' } });
        return;
      }
      try {
        // The largest answer (~4 MB at 10,000 tasks) as text the engine builds from its kept views,
        // the same JSON the generic path would make (invalid parameters take that path for the error).
        const tree = msg.method === 'tree.get' ? commandSchemas['tree.get'].safeParse(msg.params ?? {}) : undefined;
        if (tree?.success) {
          const text = opts.engine.treeJson(tree.data.rootId, tree.data.limit);
          if (ws.readyState === ws.OPEN) ws.send(`{"t":"result","id":${JSON.stringify(msg.id)},"result":${text}}`);
          return;
        }
        const result = await bridge.call(msg.method, msg.params);
        send({ t: 'result', id: msg.id, result: result ?? null });
      } catch (err) {
        try {
          const e = toApiError(err);
          send({ t: 'error', id: msg.id, error: { code: e.code, message: e.message } });
        } catch (sendErr) {
          reportError(sendErr);
        }
      }
    });
    ws.on('close', () => {
      bridge.dispose();
      clients.delete(bridge);
    });
  });

  // Engine events go to every client; terminal data only to clients attached to that session.
  const forward = <E extends EventName>(event: E) =>
    opts.engine.on(event, (payload: EngineEvents[E]) => {
      for (const c of clients) {
        try {
          c.event(event, payload);
        } catch (err) {
          reportError(err); // one client's failure is not the engine's
        }
      }
    });
  const offs = (['tasks.changed', 'roots.changed', 'session.changed', 'timeline.event', 'notice'] as const).map(forward);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/?token=${encodeURIComponent(opts.token)}`,
    async close() {
      for (const off of offs) off();
      for (const c of clients) c.dispose();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
