// Browser mode's doors under attack: foreign Host (DNS rebinding), foreign Origin (another page on
// 127.0.0.1), missing or wrong tokens, and malformed or random requests — the server answers each with
// a 4xx and keeps serving. The same in a real Chromium: e2e/security.e2e.test.ts.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TreeSnapshot } from '../../preload/model';
import { expandTreeSnapshot } from '../../preload/view-wire';
import { WS_PATH } from '../../preload/wire';
import { plan3, tmpDir } from '../../test/helpers';
import { Engine } from '../core/engine';
import { startUiServer, WS_CLOSE_UNAUTHORIZED, type UiServer } from './server';

const TOKEN = 'server-test-token';
let engine: Engine;
let server: UiServer;
let port: number;
let origin: string;

beforeAll(async () => {
  engine = new Engine({ dataDir: tmpDir() });
  const staticDir = tmpDir('maestro-static-');
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Maestro test</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(staticDir, 'assets', 'ui-DOQxTABv.js'), 'console.log(2)');
  server = await startUiServer({ engine, token: TOKEN, staticDir });
  origin = new URL(server.url).origin;
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

/** Sends raw bytes and resolves with what came back before the server closed (or 2 s of silence after an answer). */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (c) => {
      got += c.toString('latin1');
      // an answer that keeps the connection open is complete once its headers and length arrived
      const m = /\r\n\r\n/.exec(got);
      if (m) {
        const len = /content-length:\s*(\d+)/i.exec(got);
        if (!len || got.length >= m.index + 4 + Number(len[1])) s.end();
      }
    });
    s.on('error', (e) => (got ? resolve(got) : reject(e)));
    s.on('close', () => resolve(got));
    s.write(bytes);
  });
}

function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

async function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<number> {
  const lines = [`GET ${pathAndQuery} HTTP/1.1`, `Host: ${headers.Host ?? `127.0.0.1:${port}`}`, 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) if (k !== 'Host') lines.push(`${k}: ${v}`);
  return statusOf(await raw(`${lines.join('\r\n')}\r\n\r\n`));
}

/** Opens the WebSocket with the given headers; resolves with how it went. */
function openSocket(opts: { token?: string; origin?: string; host?: string }): Promise<{ opened: boolean; status?: number; closeCode?: number; listed?: unknown }> {
  return new Promise((resolve) => {
    const q = opts.token === undefined ? '' : `?token=${encodeURIComponent(opts.token)}`;
    const headers: Record<string, string> = {};
    if (opts.host) headers.host = opts.host;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}${q}`, { headers, ...(opts.origin ? { origin: opts.origin } : {}) });
    let opened = false;
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('open', () => {
      opened = true;
      ws.send(JSON.stringify({ t: 'call', id: 1, method: 'roots.list', params: {} }));
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { t: string; id?: number; result?: unknown };
      if (m.t === 'result' && m.id === 1) {
        resolve({ opened, listed: m.result });
        ws.close();
      }
    });
    ws.on('close', (code) => resolve({ opened, closeCode: code }));
  });
}

describe('browser-mode server: who gets in', () => {
  it('serves the page and its files with a strict CSP, no token needed for files, no cookie set', async () => {
    const res = await fetch(`${server.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('Maestro test');
    expect(await get('/assets/app.js')).toBe(200);
  });

  it('refuses a Host it does not answer to (DNS rebinding), even with the token', async () => {
    expect(await get(`/?token=${TOKEN}`, { Host: `evil.example:${port}` })).toBe(403);
    expect(await get('/', { Host: 'evil.example' })).toBe(403);
    expect(await get('/', { Host: `localhost:${port}` })).toBe(200);
    expect(await openSocket({ token: TOKEN, host: `evil.example:${port}` })).toMatchObject({ opened: false, status: 403 });
  });

  it('refuses a WebSocket from a page on another port of 127.0.0.1, even with the token', async () => {
    const other = `http://127.0.0.1:${port === 65535 ? 1 : port + 1}`;
    expect(await openSocket({ token: TOKEN, origin: other })).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket({ token: TOKEN, origin: 'null' })).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket({ token: TOKEN, origin: `http://localhost:${port}` })).toMatchObject({ opened: false, status: 403 }); // Host says 127.0.0.1
    // Fetch metadata of another site refuses the request even where Origin is missing.
    expect(await get('/assets/app.js', { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors' })).toBe(403);
    // A link from another page to Maestro (a navigation) still opens it.
    expect(await get('/', { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' })).toBe(200);
    // The served page itself gets in.
    const own = await openSocket({ token: TOKEN, origin });
    expect(own.opened).toBe(true);
    expect(own.listed).toEqual([]);
  });

  it('closes a WebSocket with a missing or wrong token with the "unauthorized" code the page understands', async () => {
    expect(await openSocket({ origin })).toMatchObject({ opened: true, closeCode: WS_CLOSE_UNAUTHORIZED });
    expect(await openSocket({ origin, token: 'nope' })).toMatchObject({ opened: true, closeCode: WS_CLOSE_UNAUTHORIZED });
    expect(await openSocket({ origin, token: '%' })).toMatchObject({ opened: true, closeCode: WS_CLOSE_UNAUTHORIZED });
  });

  it('answers malformed requests with a 4xx and keeps serving (F2)', async () => {
    const upgrade = (target: string, extra = '') =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;
    // A cookie is no credential here (there is none): a broken one is ignored.
    expect(statusOf(await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: maestro_token=%\r\nConnection: close\r\n\r\n`))).toBe(200);
    // An upgrade without a token and with a broken cookie: accepted, then closed as unauthorized.
    const refused = await raw(upgrade(WS_PATH, 'Cookie: maestro_token=%\r\n'));
    expect(statusOf(refused)).toBe(101);
    const closeFrame = String.fromCharCode(0x88, 15, WS_CLOSE_UNAUTHORIZED >> 8, WS_CLOSE_UNAUTHORIZED & 0xff);
    expect(refused).toContain(`${closeFrame}invalid token`);
    const cases: Array<[string, string | Buffer]> = [
      ['an absolute URL that does not parse', `GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
      ['an upgrade with an absolute URL that does not parse', upgrade('http://[/')],
      ['an upgrade to another path', upgrade('/other?token=x')],
      ['a path with a broken escape', `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
      ['a path with a NUL escape', `GET /a%00b HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
      ['a path that climbs out', `GET /..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
      ['no Host header', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'],
      ['garbage', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a])],
      ['a header line without a colon', `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nbroken header\r\n\r\n`],
      ['a POST', `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`],
    ];
    for (const [what, bytes] of cases) {
      const status = statusOf(await raw(bytes));
      expect({ what, status: status >= 400 && status < 500 ? '4xx' : status }).toEqual({ what, status: '4xx' });
      expect(await get('/')).toBe(200);
    }
    // The path that climbs out was not served as a file outside the folder, and the server is still up.
    expect(await get('/')).toBe(200);
  });

  it('takes acknowledgements as notifications: no answer, a malformed one an error with id -1, and it keeps serving', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}?token=${encodeURIComponent(TOKEN)}`, { origin });
    const got: { t: string; id?: number; error?: { code: string } }[] = [];
    const answered = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        got.push(JSON.parse(data.toString()));
        if (got.some((m) => m.t === 'result' && m.id === 7) && got.some((m) => m.id === -1)) resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    ws.send(JSON.stringify({ t: 'ack', sessionId: 'no-such-session', chars: 10 }));
    ws.send(JSON.stringify({ t: 'ack', sessionId: 5, chars: 'many' }));
    ws.send(JSON.stringify({ t: 'call', id: 7, method: 'roots.list', params: {} }));
    await answered;
    ws.close();
    // The good ack got no answer; the bad one one error; the call its result.
    expect(got.map((m) => `${m.t}:${m.id}${m.error ? `:${m.error.code}` : ''}`).sort()).toEqual(['error:-1:bad-request', 'result:7']);
  });

  it('survives a few hundred random requests without a 5xx', async () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['/', WS_PATH, '/assets/app.js', '%', '%%', '%zz', '..', '/..', '?token=', TOKEN, '\u00ff', '#', ';', '[', ']', '@', 'http://[', '//', '\\'];
    const headerValues = ['%', 'maestro_token=%', 'null', 'http://[', `http://127.0.0.1:${port}`, 'evil.example', '', ' ', 'a'.repeat(300)];
    const headerNames = ['Cookie', 'Origin', 'Host', 'Sec-Fetch-Site', 'Upgrade', 'Connection', 'Authorization'];
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'BREW'];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      let target = '';
      for (let k = 0, n = 1 + rnd(4); k < n; k++) target += pieces[rnd(pieces.length)];
      const lines = [`${methods[rnd(methods.length)]} ${target || '/'} HTTP/1.1`];
      if (rnd(5)) lines.push(`Host: 127.0.0.1:${port}`);
      for (let k = 0, n = rnd(4); k < n; k++) lines.push(`${headerNames[rnd(headerNames.length)]}: ${headerValues[rnd(headerValues.length)]}`);
      lines.push('Connection: close');
      const status = statusOf(await raw(`${lines.join('\r\n')}\r\n\r\n`).catch(() => ''));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const fiveHundreds = [...statuses].filter(([s]) => s >= 500);
    expect(fiveHundreds).toEqual([]);
    expect(await get('/')).toBe(200);
  });
});

/** One call over an authorized WebSocket; resolves with the answer message as received. */
function callOverSocket(method: string, params: unknown): Promise<{ t: string; id: number; result?: unknown; error?: { code: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}?token=${TOKEN}`, { origin });
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ t: 'call', id: 7, method, params })));
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { t: string; id: number };
      if (m.t === 'event') return;
      resolve(m);
      ws.close();
    });
  });
}

describe('browser-mode server: tree.get', () => {
  it('answers with the JSON of the tree, the same before and after a change, and refuses bad parameters', async () => {
    const { rootId } = await engine.createRoot({ request: 'tree over the socket', workspace: tmpDir('maestro-ws-'), agentCommand: 'true', approvePlan: true, plan: plan3() });
    const first = await callOverSocket('tree.get', { rootId });
    // Compact task views on this transport (preload/view-wire.ts); expanded, the engine's snapshot.
    expect({ ...first, result: expandTreeSnapshot(first.result as TreeSnapshot) }).toEqual({ t: 'result', id: 7, result: JSON.parse(JSON.stringify(engine.tree(rootId))) });
    const s1 = engine.tree(rootId).tasks.find((t) => t.planId === 's1')!;
    engine.completeTask(s1.id, 'done');
    const second = await callOverSocket('tree.get', { rootId });
    expect(expandTreeSnapshot(second.result as TreeSnapshot)).toEqual(JSON.parse(JSON.stringify(engine.tree(rootId))));
    expect((second.result as { tasks: Array<{ id: string; status: string }> }).tasks.find((t) => t.id === s1.id)!.status).toBe('COMPLETED');
    // The first tasks only (what a page paints first), flagged partial.
    const head = await callOverSocket('tree.get', { rootId, limit: 2 });
    expect(expandTreeSnapshot(head.result as TreeSnapshot)).toEqual(JSON.parse(JSON.stringify(engine.tree(rootId, 2))));
    expect(head.result).toMatchObject({ partial: true, tasks: [{ id: rootId }, {}] });
    expect(await callOverSocket('tree.get', { rootId, limit: 0 })).toMatchObject({ t: 'error', id: 7, error: { code: 'bad-request' } });
    expect(await callOverSocket('tree.get', { rootId: 42 })).toMatchObject({ t: 'error', id: 7, error: { code: 'bad-request' } });
    expect(await callOverSocket('tree.get', { rootId: 'task-nothere1' })).toMatchObject({ t: 'error', id: 7, error: { code: 'not-found' } });
  });
});

describe('browser-mode server: caching', () => {
  it('lets the browser keep the build files named by their content, and revalidate everything else', async () => {
    const cacheOf = async (p: string) => {
      const head = await raw(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(head)).toBe(200);
      return /^cache-control: (.*)$/im.exec(head)?.[1]?.trim();
    };
    expect(await cacheOf('/assets/ui-DOQxTABv.js')).toBe('public, max-age=31536000, immutable');
    expect(await cacheOf('/assets/app.js')).toBe('no-cache');
    expect(await cacheOf('/')).toBe('no-cache');
    expect(await cacheOf('/index.html')).toBe('no-cache');
    // A content name that is not there gets the page (the app's routes), which must not be kept.
    expect(await cacheOf('/assets/ui-AAAAAAAA.js')).toBe('no-cache');
  });
});
