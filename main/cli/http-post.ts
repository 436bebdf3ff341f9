// One HTTP/1.1 POST over a plain TCP socket (node:net), for the CLI. Workers run the CLI for every
// report, so its start counts: node:http loads ten more modules (agent, parser, server, …) than the one
// request needs. This sends the request in one write with `Connection: close` and reads the answer as
// HTTP/1.1 frames it: a Content-Length body, a chunked body, or a body up to the close; interim 1xx
// answers are skipped. It resolves as soon as the body is complete. https goes through node:https.
// node:net is imported statically and by name: in the CommonJS report entry a dynamic import() would start
// Node's ESM loader (a dozen more modules), and a default import costs esbuild's copy of the module object.
import { connect } from 'node:net';

/** Answers larger than this are refused (the largest the CLI reads, a 10,000-task tree, is a few MB). */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;

export interface Answer {
  status: number;
  text: string;
}

/** An answer that is not HTTP/1.x as this client reads it: the message says what was wrong. */
export class MalformedAnswer extends Error {
  readonly code = 'EMALFORMED';
}

export async function post(url: URL, headers: Record<string, string>, body: string): Promise<Answer> {
  if (url.protocol === 'https:') return postWithNodeHttps(url, headers, body);
  if (url.protocol !== 'http:') throw new Error(`unsupported protocol ${url.protocol}`);
  const payload = Buffer.from(body, 'utf8');
  const lines = [`POST ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [k, v] of Object.entries({ ...headers, 'content-length': String(payload.length), connection: 'close' })) {
    // A header value with a line break would end the header early (node:http refuses such values too).
    if (/[^\t\x20-\x7e\x80-\xff]/.test(v)) throw Object.assign(new Error(`the ${k} header holds a line break`), { code: 'ERR_INVALID_CHAR' });
    lines.push(`${k}: ${v}`);
  }
  const request = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port || 80);
  return new Promise((resolve, reject) => {
    const reader = new AnswerReader();
    const socket = connect({ host, port, noDelay: true });
    let settled = false;
    const finish = (err: Error | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    // write, not end: a server that sees the client's end before it answers drops the request.
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      try {
        const answer = reader.push(chunk);
        if (answer) finish(undefined, answer);
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('end', () => {
      try {
        finish(undefined, reader.close());
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  });
}

/** Reads one HTTP/1.x answer from the bytes as they arrive. */
export class AnswerReader {
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  /** undefined until the head is read; -1: chunked; -2: up to the close; else the body's length. */
  private length: number | undefined;
  private body: Buffer[] = [];
  private bodySize = 0;

  /** Takes the next bytes; returns the answer once it is complete. */
  push(chunk: Buffer): Answer | undefined {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.length === undefined) {
        if (!this.readHead()) return undefined;
        continue;
      }
      if (this.length === -2) {
        this.take(this.buf.length);
        return undefined;
      }
      if (this.length >= 0) {
        if (this.bodySize + this.buf.length < this.length) {
          this.take(this.buf.length);
          return undefined;
        }
        this.take(this.length - this.bodySize);
        return this.answer();
      }
      const done = this.readChunks();
      return done ? this.answer() : undefined;
    }
  }

  /** The connection closed: the answer, when a body up to the close was expected; else an error. */
  close(): Answer {
    if (this.length === -2) return this.answer();
    if (this.length === undefined && this.buf.length === 0 && this.status === 0) {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    throw new MalformedAnswer('the connection closed before the answer was complete');
  }

  private readHead(): boolean {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.buf.length > MAX_HEAD_BYTES) throw new MalformedAnswer(`its header is longer than ${MAX_HEAD_BYTES} bytes`);
      if (this.buf.length >= 5 && !this.buf.subarray(0, 5).equals(Buffer.from('HTTP/'))) throw new MalformedAnswer('it is not HTTP');
      return false;
    }
    const [statusLine, ...fields] = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    this.buf = this.buf.subarray(end + 4);
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine!);
    if (!m) throw new MalformedAnswer(`its status line is ${JSON.stringify(statusLine!.slice(0, 80))}`);
    const status = Number(m[1]);
    const headers = new Map<string, string>();
    for (const field of fields) {
      const colon = field.indexOf(':');
      if (colon <= 0) throw new MalformedAnswer(`a header line is ${JSON.stringify(field.slice(0, 80))}`);
      const name = field.slice(0, colon).trim().toLowerCase();
      const value = field.slice(colon + 1).trim();
      const before = headers.get(name);
      if (name === 'content-length' && before !== undefined && before !== value) throw new MalformedAnswer('it has two different Content-Length headers');
      headers.set(name, before === undefined || name === 'content-length' ? value : `${before}, ${value}`);
    }
    // An interim answer (100 Continue, 102, 103): the real one follows.
    if (status >= 100 && status < 200 && status !== 101) return true;
    this.status = status;
    const te = headers.get('transfer-encoding');
    const cl = headers.get('content-length');
    if (status === 204 || status === 304) this.length = 0;
    else if (te !== undefined) {
      if (te.toLowerCase().split(',').pop()!.trim() !== 'chunked') throw new MalformedAnswer(`it uses Transfer-Encoding: ${te.slice(0, 40)}`);
      this.length = -1;
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new MalformedAnswer(`its Content-Length is ${JSON.stringify(cl.slice(0, 40))}`);
      this.length = Number(cl);
      if (this.length > MAX_ANSWER_BYTES) throw tooLarge();
    } else this.length = -2;
    return true;
  }

  /** Chunked body: true once the last chunk (and the trailer) has been read. */
  private readChunks(): boolean {
    for (;;) {
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.buf.length > 1024) throw new MalformedAnswer('a chunk size line is too long');
        return false;
      }
      const sizeText = this.buf.subarray(0, eol).toString('latin1').split(';')[0]!.trim();
      if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new MalformedAnswer(`a chunk size is ${JSON.stringify(sizeText.slice(0, 20))}`);
      const size = parseInt(sizeText, 16);
      if (size === 0) {
        // The trailer: header lines up to an empty line.
        const end = this.buf.indexOf('\r\n\r\n', eol);
        if (end === eol) return true;
        if (end < 0) {
          if (this.buf.length > MAX_HEAD_BYTES) throw new MalformedAnswer('its trailer is too long');
          return false;
        }
        return true;
      }
      if (this.bodySize + size > MAX_ANSWER_BYTES) throw tooLarge();
      if (this.buf.length < eol + 2 + size + 2) return false;
      const data = this.buf.subarray(eol + 2, eol + 2 + size);
      if (this.buf[eol + 2 + size] !== 13 || this.buf[eol + 3 + size] !== 10) throw new MalformedAnswer('a chunk does not end with CR LF');
      this.body.push(data);
      this.bodySize += size;
      this.buf = this.buf.subarray(eol + 4 + size);
    }
  }

  private take(n: number): void {
    if (n <= 0) return;
    if (this.bodySize + n > MAX_ANSWER_BYTES) throw tooLarge();
    this.body.push(this.buf.subarray(0, n));
    this.bodySize += n;
    this.buf = this.buf.subarray(n);
  }

  private answer(): Answer {
    return { status: this.status, text: Buffer.concat(this.body).toString('utf8') };
  }
}

function tooLarge(): MalformedAnswer {
  return new MalformedAnswer(`it is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB`);
}

async function postWithNodeHttps(url: URL, headers: Record<string, string>, body: string): Promise<Answer> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(tooLarge());
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
