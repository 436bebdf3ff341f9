// The CLI's HTTP client over node:net: how it frames answers, and the messages a user sees when the
// server is down, refuses, or answers something that is not HTTP as expected.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { call, CliError, type Endpoint } from './client';
import { AnswerReader, MAX_ANSWER_BYTES, post } from './http-post';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server that answers each connection with `answer(requestText)`: pieces written one by one. */
async function rawServer(answer: (request: string) => (string | Buffer)[], opts: { end?: boolean } = {}): Promise<string> {
  const server = net.createServer((socket) => {
    let got = '';
    socket.on('data', async (d) => {
      got += d.toString('latin1');
      const head = got.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? 0);
      if (got.length < head + 4 + length) return;
      for (const piece of answer(got)) {
        socket.write(piece);
        await new Promise((r) => setImmediate(r));
      }
      if (opts.end !== false) socket.end();
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const reqOf = (url: string) => post(new URL(`${url}/api/task.log`), { 'content-type': 'application/json', authorization: 'Bearer t0k' }, '{"message":"ünïcode"}');

describe('the HTTP client over node:net', () => {
  it('sends one well-formed request that node:http reads, and reads its answer', async () => {
    let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
    const server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d) => (body += d));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":{"ok":true,"seq":7}}');
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await reqOf(url)).toEqual({ status: 200, text: '{"result":{"ok":true,"seq":7}}' });
    expect(seen).toMatchObject({ method: 'POST', url: '/api/task.log', body: '{"message":"ünïcode"}' });
    expect(seen!.headers).toMatchObject({ authorization: 'Bearer t0k', 'content-length': String(Buffer.byteLength('{"message":"ünïcode"}')), host: url.slice(7), connection: 'close' });
  });

  it('reads chunked bodies split anywhere, close-delimited bodies, and skips 100 Continue', async () => {
    const chunked = await rawServer(() => ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'lo\r\n', '6;x=1\r\n wörl\r\n', '1\r\nd\r\n0\r\n', 'X-T: 1\r\n\r\n']);
    expect(await reqOf(chunked)).toEqual({ status: 200, text: 'hello wörld' });
    const toClose = await rawServer(() => ['HTTP/1.0 404 Not Found\r\n\r\n{"a":', '1}']);
    expect(await reqOf(toClose)).toEqual({ status: 404, text: '{"a":1}' });
    const interim = await rawServer(() => ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok']);
    expect(await reqOf(interim)).toEqual({ status: 201, text: 'ok' });
  });

  it('resolves as soon as a Content-Length body is complete, with the server still holding the connection', async () => {
    const open = await rawServer(() => ['HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n', 'done'], { end: false });
    expect(await reqOf(open)).toEqual({ status: 200, text: 'done' });
  });

  it('AnswerReader: byte by byte gives the same answer', () => {
    const bytes = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nabcdef');
    const r = new AnswerReader();
    let out;
    for (let i = 0; i < bytes.length; i++) out = r.push(bytes.subarray(i, i + 1)) ?? out;
    expect(out).toEqual({ status: 200, text: 'abcdef' });
  });

  it.each([
    ['not HTTP', ['SSH-2.0-OpenSSH_9\r\n'], /not HTTP/],
    ['a bad status line', ['HTTP/1.1 abc\r\n\r\n'], /status line is "HTTP\/1.1 abc"/],
    ['a bad Content-Length', ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'], /Content-Length is "-1"/],
    ['an oversized Content-Length', [`HTTP/1.1 200 OK\r\nContent-Length: ${MAX_ANSWER_BYTES + 1}\r\n\r\n`], /larger than 256 MB/],
    ['a bad chunk size', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], /chunk size is "zz"/],
    ['a body cut short', ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], /closed before the answer was complete/],
    ['an endless header', ['HTTP/1.1 200 OK\r\n', `X: ${'a'.repeat(70_000)}`], /header is longer than/],
  ])('%s: a clear CLI error', async (_what, pieces, message) => {
    const url = await rawServer(() => pieces);
    const ep: Endpoint = { url, token: 't0k', inSession: true };
    const err = await call(ep, 'task.log', { id: 'task-x', message: 'm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(new RegExp(`^Maestro at ${url} sent an answer the CLI cannot read: `));
    expect((err as CliError).message).toMatch(message);
  });
});

describe('call(): the messages of the API client', () => {
  it('a server that is down: cannot reach, with the cause', async () => {
    const url = await rawServer(() => []);
    await new Promise((r) => servers.pop()!.close(r));
    const err = await call({ url, token: 't', inSession: true }, 'task.log', { id: 'task-x', message: 'm' }).catch((e: unknown) => e);
    expect((err as CliError).message).toBe(`cannot reach Maestro at ${url} (ECONNREFUSED); is the app or \`maestro serve\` still running?`);
  });

  it('a connection closed without an answer: cannot reach (ECONNRESET)', async () => {
    const url = await rawServer(() => []);
    const err = await call({ url, token: 't', inSession: true }, 'task.log', { id: 'task-x', message: 'm' }).catch((e: unknown) => e);
    expect((err as CliError).message).toMatch(/^cannot reach Maestro at .* \(ECONNRESET\)/);
  });

  it("a refusal: the API's own message and code; an answer without JSON: its status", async () => {
    const body = JSON.stringify({ error: { code: 'forbidden', message: 'a session may only report on its own task' } });
    const refused = await rawServer(() => [`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`]);
    const err = (await call({ url: refused, token: 't', inSession: true }, 'task.log', { id: 'task-x', message: 'm' }).catch((e: unknown) => e)) as CliError;
    expect([err.message, err.apiCode, err.exitCode]).toEqual(['a session may only report on its own task', 'forbidden', 1]);
    const html = await rawServer(() => ['HTTP/1.1 502 Bad Gateway\r\ncontent-length: 5\r\n\r\n<html']);
    const e2 = (await call({ url: html, token: 't', inSession: true }, 'task.log', { id: 'task-x', message: 'm' }).catch((e: unknown) => e)) as CliError;
    expect(e2.message).toBe('Maestro answered 502 without a JSON body');
  });

  it('a token that cannot go in a header is refused before anything is sent', async () => {
    let connected = false;
    const url = await rawServer(() => {
      connected = true;
      return [];
    });
    const err = (await call({ url, token: 'a\r\nX-Evil: 1', inSession: true }, 'task.log', { id: 'task-x', message: 'm' }).catch((e: unknown) => e)) as CliError;
    expect(err.message).toMatch(/holds characters an HTTP header cannot carry/);
    expect(connected).toBe(false);
  });
});
