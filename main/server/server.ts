// Browser mode: serves the built renderer and bridges the API contract over a WebSocket to the same
// engine and dispatcher the Electron shell uses. Every HTTP and WebSocket request needs the token
// (`?token=` once, then an HttpOnly cookie); it binds loopback only unless told otherwise.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineEvents, EventName } from '../../preload/contract';
import { WS_PATH, type ClientMessage, type ServerMessage } from '../../preload/wire';
import { toApiError } from '../core/api/dispatcher';
import type { Engine } from '../core/engine';
import { ClientBridge } from '../core/api/bridge';

export interface UiServerOptions {
  engine: Engine;
  token: string;
  staticDir: string;
  host?: string;
  port?: number;
  allowRemote?: boolean;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

const COOKIE = 'maestro_token';
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

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function tokenOf(req: http.IncomingMessage, url: URL): string | undefined {
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = req.headers.cookie ?? '';
  const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(cookie);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function same(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new Error(`refusing to listen on ${host}, which is not a loopback address: pass --allow-remote if you mean it`);
  }
  const staticDir = path.resolve(opts.staticDir);
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${path.join(staticDir, 'index.html')} is missing): run \`npm run build\``);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = tokenOf(req, url);
    if (!same(token, opts.token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Maestro: open the URL with its ?token=… as printed by `maestro serve`.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${COOKIE}=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    let file = path.resolve(staticDir, `.${rel}`);
    if (!file.startsWith(staticDir + path.sep) && file !== staticDir) {
      res.writeHead(403);
      res.end();
      return;
    }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(staticDir, 'index.html');
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'content-type': type });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH || !same(tokenOf(req, url), opts.token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const clients = new Set<ClientBridge>();
  wss.on('connection', (ws: WebSocket) => {
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const bridge = new ClientBridge(opts.engine, send);
    clients.add(bridge);
    ws.on('message', async (raw) => {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(raw.toString()) as ClientMessage;
      } catch {
        send({ t: 'error', id: -1, error: { code: 'bad-request', message: 'the message is not valid JSON' } });
        return;
      }
      if (msg?.t !== 'call' || typeof msg.id !== 'number' || typeof msg.method !== 'string') {
        send({ t: 'error', id: typeof msg?.id === 'number' ? msg.id : -1, error: { code: 'bad-request', message: 'expected {t: "call", id, method, params}' } });
        return;
      }
      try {
        const result = await bridge.call(msg.method, msg.params);
        send({ t: 'result', id: msg.id, result: result ?? null });
      } catch (err) {
        const e = toApiError(err);
        send({ t: 'error', id: msg.id, error: { code: e.code, message: e.message } });
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
      for (const c of clients) c.event(event, payload);
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
