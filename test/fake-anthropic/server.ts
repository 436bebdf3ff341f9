/**
 * A scripted fake of the Anthropic Messages API for tests.
 *
 * It listens on 127.0.0.1 (random port) and answers `POST /v1/messages` (JSON or SSE streaming, with or
 * without `?beta=true`) from a FIFO script of replies or from a handler function, shaped like the real API so
 * the real `@anthropic-ai/sdk` (and Claude Code) can run against it unchanged. Every request is recorded.
 *
 *   const fake = await startFakeAnthropic({ apiKey: 'test-key' });
 *   fake.enqueue(reply([text('Looking.'), toolUse('read_file', { path: 'a.ts' })]), reply('Done.'));
 *   const client = new Anthropic({ baseURL: fake.url, apiKey: 'test-key' });
 *   ...
 *   await fake.close();
 *
 * Routes: `POST /v1/messages`, `POST /v1/messages/count_tokens` (a rough estimate). Anything else gets a JSON 404.
 * An empty script gives a 500 with `x-should-retry: false`, so a test fails at once instead of hanging or retrying.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  /** Filled in with a fresh `toolu_…` id when omitted. */
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

export type ContentBlock = TextBlock | ToolUseBlock;
export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens';

export interface MessageReply {
  type: 'message';
  content: ContentBlock[];
  /** Defaults to 'tool_use' when the content has a tool_use block, else 'end_turn'. */
  stop_reason?: StopReason;
  /** Defaults to rough estimates (about 4 characters per token). */
  usage?: { input_tokens: number; output_tokens: number };
  /** Defaults to the `model` of the request. */
  model?: string;
}

export interface ErrorReply {
  type: 'error';
  status: number;
  /** Defaults from the status, as the real API names them (429 → 'rate_limit_error', 529 → 'overloaded_error', …). */
  errorType?: string;
  message?: string;
  headers?: Record<string, string>;
}

export type Reply = MessageReply | ErrorReply;

export interface RecordedRequest {
  method: string;
  /** The path without the query string, e.g. '/v1/messages'. */
  path: string;
  /** The query string as an object, e.g. { beta: 'true' }. */
  query: Record<string, string>;
  /** Lower-case header names; repeated headers are joined with ', '. */
  headers: Record<string, string>;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: any;
}

export type ReplyHandler = (req: RecordedRequest) => Reply | undefined | Promise<Reply | undefined>;

export interface FakeAnthropicOptions {
  /** When set, requests must carry this key as `x-api-key` or `Authorization: Bearer`; others get a 401. */
  apiKey?: string;
  /** Port to listen on; default 0 (a free port). */
  port?: number;
}

export interface FakeAnthropic {
  /** Base URL, e.g. http://127.0.0.1:PORT: pass as the SDK's `baseURL` or as ANTHROPIC_BASE_URL. */
  readonly url: string;
  /** Every request received, in order, including rejected ones. */
  readonly requests: RecordedRequest[];
  /** How many scripted replies are still waiting. */
  readonly queued: number;
  /** Appends replies to the FIFO script used by POST /v1/messages. */
  enqueue(...replies: Reply[]): void;
  /** A function that decides first; returning undefined falls back to the script. Pass null to remove it. */
  setHandler(fn: ReplyHandler | null): void;
  /** Resolves with the first request (already received or future) that matches; rejects after timeoutMs. */
  waitForRequest(predicate: (req: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Builders

export function text(value: string): TextBlock {
  return { type: 'text', text: value };
}

export function toolUse(name: string, input: Record<string, unknown>, id?: string): ToolUseBlock {
  return id === undefined ? { type: 'tool_use', name, input } : { type: 'tool_use', id, name, input };
}

/** A message reply; a string is shorthand for one text block. */
export function reply(
  content: string | ContentBlock[],
  opts: Omit<MessageReply, 'type' | 'content'> = {},
): MessageReply {
  return { type: 'message', content: typeof content === 'string' ? [text(content)] : content, ...opts };
}

export interface ErrorOptions {
  errorType?: string;
  message?: string;
  /** Sets `retry-after` (seconds). Note: the SDK treats 0 as "no hint" and backs off ~0.5 s by itself. */
  retryAfter?: number;
  /** Sets `retry-after-ms`, which the SDK honours when positive: `retryAfterMs: 1` makes its retry immediate. */
  retryAfterMs?: number;
  headers?: Record<string, string>;
}

export function error(status: number, opts: ErrorOptions = {}): ErrorReply {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.retryAfter !== undefined) headers['retry-after'] = String(opts.retryAfter);
  if (opts.retryAfterMs !== undefined) headers['retry-after-ms'] = String(opts.retryAfterMs);
  const out: ErrorReply = { type: 'error', status, headers };
  if (opts.errorType !== undefined) out.errorType = opts.errorType;
  if (opts.message !== undefined) out.message = opts.message;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (bad scripts fail where they are written, not as a confusing SDK error later)

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns a description of what is wrong with `r`, or null when it is a valid Reply. */
function replyProblem(r: unknown): string | null {
  if (!isRecord(r)) return 'a reply must be an object';
  if (r.type === 'error') {
    if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 400 || r.status > 599) {
      return `error reply status must be an integer 400–599, got ${JSON.stringify(r.status)}`;
    }
    if (r.headers !== undefined && !(isRecord(r.headers) && Object.values(r.headers).every((v) => typeof v === 'string'))) {
      return 'error reply headers must be an object of strings';
    }
    return null;
  }
  if (r.type !== 'message') return `reply type must be 'message' or 'error', got ${JSON.stringify(r.type)}`;
  if (!Array.isArray(r.content)) return 'message reply content must be an array of blocks';
  for (const [i, b] of r.content.entries()) {
    if (!isRecord(b)) return `content[${i}] must be an object`;
    if (b.type === 'text') {
      if (typeof b.text !== 'string') return `content[${i}] text block needs a string 'text'`;
    } else if (b.type === 'tool_use') {
      if (typeof b.name !== 'string' || b.name === '') return `content[${i}] tool_use block needs a 'name'`;
      if (!isRecord(b.input)) return `content[${i}] tool_use block needs an object 'input'`;
      if (b.id !== undefined && typeof b.id !== 'string') return `content[${i}] tool_use id must be a string`;
    } else {
      return `content[${i}] type must be 'text' or 'tool_use', got ${JSON.stringify(b.type)}`;
    }
  }
  if (r.stop_reason !== undefined && !['end_turn', 'tool_use', 'max_tokens'].includes(r.stop_reason as string)) {
    return `unsupported stop_reason ${JSON.stringify(r.stop_reason)}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Wire shapes

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function defaultErrorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

const MAX_BODY_BYTES = 32 * 1024 * 1024; // the real API's request size limit

/** About 4 characters per token, never 0: good enough for cost/usage plumbing in tests. */
function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Splits by code points into at most `parts` non-empty pieces. */
function splitInto(s: string, parts: number): string[] {
  const chars = Array.from(s);
  const size = Math.max(1, Math.ceil(chars.length / parts));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

type WireBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

// ---------------------------------------------------------------------------------------------------------------
// Server

export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const script: Reply[] = [];
  let handler: ReplyHandler | null = null;
  let counter = 0;
  const nextId = (prefix: string): string => `${prefix}_fake${String(++counter).padStart(6, '0')}`;
  type Waiter = { predicate: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void; reject: (e: Error) => void };
  const waiters = new Set<Waiter>();

  function record(req: RecordedRequest): void {
    requests.push(req);
    for (const w of waiters) {
      if (w.predicate(req)) {
        waiters.delete(w);
        w.resolve(req);
      }
    }
  }

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const data = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(data)),
    });
    res.end(data);
  }

  function sendError(
    res: ServerResponse,
    requestId: string,
    status: number,
    type: string,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    sendJson(res, status, { type: 'error', error: { type, message }, request_id: requestId }, { ...headers, 'request-id': requestId });
  }

  function isAuthorized(headers: Record<string, string>): boolean {
    if (opts.apiKey === undefined) return true;
    const bearer = /^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '')?.[1];
    return headers['x-api-key'] === opts.apiKey || bearer === opts.apiKey;
  }

  async function decide(req: RecordedRequest): Promise<Reply | string> {
    if (handler) {
      let r: Reply | undefined;
      try {
        r = await handler(req);
      } catch (e) {
        return `fake-anthropic: the handler threw: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (r !== undefined) {
        const problem = replyProblem(r);
        return problem ? `fake-anthropic: the handler returned an invalid reply: ${problem}` : r;
      }
    }
    const next = script.shift();
    if (next) return next;
    return `fake-anthropic: the reply script ran out (request #${requests.length}: ${req.method} ${req.path}); enqueue more replies or set a handler`;
  }

  function buildMessage(r: MessageReply, req: RecordedRequest) {
    const content: WireBlock[] = r.content.map((b) =>
      b.type === 'text' ? { type: 'text', text: b.text } : { type: 'tool_use', id: b.id ?? nextId('toolu'), name: b.name, input: b.input },
    );
    const outputChars = content.reduce((n, b) => n + (b.type === 'text' ? b.text.length : JSON.stringify(b.input).length), 0);
    return {
      id: nextId('msg'),
      type: 'message' as const,
      role: 'assistant' as const,
      model: r.model ?? (typeof req.body?.model === 'string' ? req.body.model : 'claude-fake'),
      content,
      stop_reason: r.stop_reason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage: {
        input_tokens: r.usage?.input_tokens ?? estimateTokens(JSON.stringify(req.body ?? '').length),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: r.usage?.output_tokens ?? estimateTokens(outputChars),
        service_tier: 'standard',
      },
    };
  }

  async function stream(res: ServerResponse, requestId: string, message: ReturnType<typeof buildMessage>): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': requestId,
    });
    const send = async (event: string, data: unknown): Promise<boolean> => {
      if (res.destroyed) return false;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      // Yield so events leave in separate writes, as from the real API, and the client's SSE parser is exercised.
      await new Promise((resolve) => setImmediate(resolve));
      return true;
    };
    const { content, stop_reason, usage } = message;
    const events: Array<[string, unknown]> = [
      ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }],
      ['ping', { type: 'ping' }],
    ];
    content.forEach((block, index) => {
      if (block.type === 'text') {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
        for (const piece of splitInto(block.text, 3)) {
          events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
        }
      } else {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }]);
        for (const piece of splitInto(JSON.stringify(block.input), 4)) {
          events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }]);
        }
      }
      events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    });
    events.push(
      ['message_delta', { type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }],
      ['message_stop', { type: 'message_stop' }],
    );
    for (const [event, data] of events) {
      if (!(await send(event, data))) return;
    }
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = nextId('req');
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
    };

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    let badJson = false;
    if (raw !== '') {
      try {
        recorded.body = JSON.parse(raw);
      } catch {
        recorded.body = raw;
        badJson = true;
      }
    }
    record(recorded);

    if (size > MAX_BODY_BYTES) {
      return sendError(res, requestId, 413, 'request_too_large', `Request exceeds the maximum allowed size of ${MAX_BODY_BYTES} bytes`);
    }
    if (!isAuthorized(headers)) {
      const message = headers['x-api-key'] || headers['authorization'] ? 'invalid x-api-key' : 'x-api-key header is required';
      return sendError(res, requestId, 401, 'authentication_error', message);
    }

    const route = `${recorded.method} ${recorded.path.replace(/\/+$/, '')}`;
    if (route !== 'POST /v1/messages' && route !== 'POST /v1/messages/count_tokens') {
      return sendError(res, requestId, 404, 'not_found_error', `fake-anthropic: no route for ${recorded.method} ${recorded.path}`);
    }
    if (badJson || !isRecord(recorded.body)) {
      return sendError(res, requestId, 400, 'invalid_request_error', 'The request body is not a valid JSON object');
    }
    const body = recorded.body;
    const missing = ['model', 'messages', ...(route === 'POST /v1/messages' ? ['max_tokens'] : [])].filter((k) => body[k] === undefined);
    if (missing.length > 0) {
      return sendError(res, requestId, 400, 'invalid_request_error', `${missing[0]}: Field required`);
    }
    if (!Array.isArray(body.messages)) {
      return sendError(res, requestId, 400, 'invalid_request_error', 'messages: Input should be a valid list');
    }

    if (route === 'POST /v1/messages/count_tokens') {
      return sendJson(res, 200, { input_tokens: estimateTokens(raw.length) }, { 'request-id': requestId });
    }

    const decision = await decide(recorded);
    if (typeof decision === 'string') {
      return sendError(res, requestId, 500, 'api_error', decision, { 'x-should-retry': 'false' });
    }
    if (decision.type === 'error') {
      return sendError(
        res,
        requestId,
        decision.status,
        decision.errorType ?? defaultErrorType(decision.status),
        decision.message ?? `fake-anthropic: scripted ${decision.status} error`,
        decision.headers,
      );
    }
    const message = buildMessage(decision, recorded);
    if (body.stream === true) return stream(res, requestId, message);
    sendJson(res, 200, message, { 'request-id': requestId });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Only reachable on a broken connection or a bug here; answer if we still can, never crash the test run.
      if (!res.headersSent) {
        sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: `fake-anthropic: internal error: ${String(e)}` } });
      } else {
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get queued() {
      return script.length;
    },
    enqueue(...replies: Reply[]) {
      replies.forEach((r, i) => {
        const problem = replyProblem(r);
        if (problem) throw new TypeError(`fake-anthropic: enqueue: reply ${i}: ${problem}`);
      });
      script.push(...replies);
    },
    setHandler(fn: ReplyHandler | null) {
      if (fn !== null && typeof fn !== 'function') throw new TypeError('fake-anthropic: setHandler expects a function or null');
      handler = fn;
    },
    waitForRequest(predicate, timeoutMs = 10_000) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none';
          reject(new Error(`fake-anthropic: no matching request within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      for (const w of waiters) w.reject(new Error('fake-anthropic: closed while waiting for a request'));
      waiters.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
