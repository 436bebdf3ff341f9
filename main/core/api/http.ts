// The local HTTP API for the `maestro` CLI: POST /api/<command> with a JSON body and a bearer token.
// It listens on 127.0.0.1 only. The admin token (the app, the CLI outside sessions) may call anything;
// a session token is valid only while its session runs, and only for its own group's subtree.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_ERROR_STATUS } from '../../../preload/contract';
import { ApiError } from '../../../preload/wire';
import type { Engine } from '../engine';
import type { Caller } from './scope';
import { dispatch, toApiError } from './dispatcher';
import { allowedHostnames, checkRequestOrigin, sameSecret } from './guard';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export function authenticate(engine: Engine, adminToken: string, header: string | undefined): Caller {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) throw new ApiError('unauthorized', 'missing token: send "Authorization: Bearer <token>" (inside a session, MAESTRO_TOKEN)');
  const token = m[1]!;
  if (sameSecret(token, adminToken)) return { kind: 'admin' };
  const session = engine.sessionForToken(token);
  if (!session) throw new ApiError('unauthorized', 'invalid or expired token (a session token ends with its session)');
  return { kind: 'session', sessionId: session.id, rootId: session.rootId, scopeTaskId: session.taskId };
}

function send(res: http.ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

class BodyTooLarge extends ApiError {
  constructor() {
    super('bad-request', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
}

/** Past this the connection is cut: nobody sends that much by mistake. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The body as text. A body over the limit is read to its end and thrown away, so that the client,
 * still writing, receives the 400 instead of a reset connection.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT_BYTES) req.destroy();
      else if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export async function startApiServer(
  engine: Engine,
  opts: { adminToken: string; host?: string; port?: number },
): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const allowed = allowedHostnames(host);
  const server = http.createServer(async (req, res) => {
    try {
      // No browser page may talk to the API: a foreign Host (DNS rebinding) or any Origin is refused.
      const refused = checkRequestOrigin(req.headers, allowed) ?? (req.headers.origin !== undefined ? { reason: 'browser pages may not call the API' } : null);
      if (refused) throw new ApiError('forbidden', `Maestro: ${refused.reason}`);
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        throw new ApiError('bad-request', 'malformed request URL');
      }
      if (req.method === 'GET' && url.pathname === '/api/health') {
        send(res, 200, { ok: true, pid: process.pid });
        return;
      }
      const caller = authenticate(engine, opts.adminToken, req.headers.authorization);
      const m = /^\/api\/([a-z]+\.[a-zA-Z]+)$/.exec(url.pathname);
      if (!m) throw new ApiError('not-found', `no such endpoint: ${req.method} ${url.pathname.slice(0, 200)} (use POST /api/<command>)`);
      if (req.method !== 'POST') throw new ApiError('bad-request', `use POST for /api/${m[1]}`);
      const text = await readBody(req);
      let params: unknown = {};
      if (text.trim()) {
        try {
          params = JSON.parse(text);
        } catch (err) {
          throw new ApiError('bad-request', `the body is not valid JSON: ${(err as Error).message}`);
        }
      }
      const result = await dispatch(engine, m[1]!, params, caller);
      send(res, 200, { result });
    } catch (err) {
      const e = toApiError(err);
      // A body left unread (too large, or never read) cannot share the connection with a next request.
      if (!res.headersSent) send(res, API_ERROR_STATUS[e.code], { error: { code: e.code, message: e.message } }, !req.complete);
      else res.destroy();
    }
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
