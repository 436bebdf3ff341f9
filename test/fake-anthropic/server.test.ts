import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { error, reply, startFakeAnthropic, text, toolUse, type FakeAnthropic } from './server';

const KEY = 'sk-ant-test-key';
let fake: FakeAnthropic | undefined;

async function start(opts: { apiKey?: string } = { apiKey: KEY }): Promise<FakeAnthropic> {
  fake = await startFakeAnthropic(opts);
  return fake;
}

function client(f: FakeAnthropic, apiKey = KEY): Anthropic {
  return new Anthropic({ baseURL: f.url, apiKey });
}

const params = {
  model: 'claude-test-model',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Hello' }],
};

async function post(f: FakeAnthropic, path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }) {
  const res = await fetch(f.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('fake Anthropic Messages API with the real SDK', () => {
  it('answers a JSON (non-streaming) call with a real-shaped Message and records the request', async () => {
    const f = await start();
    f.enqueue(reply('Hi there.', { usage: { input_tokens: 12, output_tokens: 3 } }));

    const msg = await client(f).messages.create(params);

    expect(msg.type).toBe('message');
    expect(msg.role).toBe('assistant');
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.model).toBe('claude-test-model');
    expect(msg.content).toEqual([{ type: 'text', text: 'Hi there.' }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.stop_sequence).toBeNull();
    expect(msg.usage.input_tokens).toBe(12);
    expect(msg.usage.output_tokens).toBe(3);

    expect(f.requests).toHaveLength(1);
    const [req] = f.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/messages');
    expect(req.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(req.body.messages).toEqual(params.messages);
    expect(req.body.max_tokens).toBe(1024);
    expect(f.queued).toBe(0);
  });

  it('streams text and tool_use as SSE that the SDK stream helpers assemble', async () => {
    const f = await start();
    const input = { path: 'src/app.ts', options: { depth: 2, tags: ['a', 'ü', '😀'] }, note: 'quote " and \\ backslash' };
    f.enqueue(reply([text('Let me read that file for you now.'), toolUse('read_file', input, 'toolu_given')]));

    const textDeltas: string[] = [];
    const jsonDeltas: string[] = [];
    const stream = client(f).messages.stream({
      ...params,
      tools: [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object', properties: {} } }],
    });
    stream.on('text', (delta) => textDeltas.push(delta));
    stream.on('inputJson', (partial) => jsonDeltas.push(partial));
    const msg = await stream.finalMessage();

    expect(textDeltas.length).toBeGreaterThan(1);
    expect(textDeltas.join('')).toBe('Let me read that file for you now.');
    expect(jsonDeltas.length).toBeGreaterThan(1);
    expect(JSON.parse(jsonDeltas.join(''))).toEqual(input);

    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.model).toBe('claude-test-model');
    expect(msg.content).toHaveLength(2);
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Let me read that file for you now.' });
    const tool = msg.content[1];
    expect(tool.type).toBe('tool_use');
    if (tool.type !== 'tool_use') throw new Error('unreachable');
    expect(tool.id).toBe('toolu_given');
    expect(tool.name).toBe('read_file');
    expect(tool.input).toEqual(input);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);

    expect(f.requests[0].body.stream).toBe(true);
  });

  it('gives tool_use blocks fresh ids and stop_reason tool_use in JSON replies too', async () => {
    const f = await start();
    f.enqueue(reply([toolUse('a', { x: 1 }), toolUse('b', {})]), reply([toolUse('c', {})], { stop_reason: 'max_tokens' }));
    const c = client(f);

    const first = await c.messages.create(params);
    expect(first.stop_reason).toBe('tool_use');
    const ids = first.content.map((b) => (b.type === 'tool_use' ? b.id : ''));
    expect(ids[0]).toMatch(/^toolu_/);
    expect(ids[1]).toMatch(/^toolu_/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(first.content[1]).toMatchObject({ type: 'tool_use', name: 'b', input: {} });

    const second = await c.messages.create(params);
    expect(second.stop_reason).toBe('max_tokens');
  });

  it('lets the SDK retry scripted 429 and 529 errors, then succeed', async () => {
    const f = await start();
    f.enqueue(
      error(429, { retryAfter: 0, message: 'Number of requests has exceeded your rate limit' }),
      error(529, { retryAfterMs: 1 }),
      reply('Recovered.'),
    );

    const msg = await client(f).messages.create(params); // maxRetries defaults to 2

    expect(msg.content).toEqual([{ type: 'text', text: 'Recovered.' }]);
    expect(f.requests).toHaveLength(3);
    expect(f.requests.every((r) => r.path === '/v1/messages')).toBe(true);
  });

  it('shapes scripted errors like the real API', async () => {
    const f = await start();
    f.enqueue(error(429, { retryAfter: 7, headers: { 'x-should-retry': 'false' } }), error(400, { message: 'bad tool schema' }));
    const c = new Anthropic({ baseURL: f.url, apiKey: KEY, maxRetries: 0 });

    const rate = await c.messages.create(params).catch((e: unknown) => e);
    expect(rate).toBeInstanceOf(Anthropic.RateLimitError);
    const rateErr = rate as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateErr.status).toBe(429);
    expect(rateErr.headers?.get('retry-after')).toBe('7');
    expect(rateErr.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(rateErr.requestID).toMatch(/^req_/);

    const bad = await c.messages.create(params).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as Error).message).toContain('bad tool schema');
    expect(f.requests).toHaveLength(2);
  });

  it('rejects a wrong key with a 401 that surfaces as AuthenticationError, without consuming the script', async () => {
    const f = await start({ apiKey: KEY });
    f.enqueue(reply('never sent to the wrong key'));

    const err = await client(f, 'sk-ant-wrong').messages.create(params).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).status).toBe(401);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    expect(f.requests).toHaveLength(1); // 401 is not retried
    expect(f.queued).toBe(1);

    const missing = await post(f, '/v1/messages', params, {});
    expect(missing.status).toBe(401);
    expect(missing.body.error.type).toBe('authentication_error');
  });

  it('accepts the key as x-api-key and as Authorization: Bearer', async () => {
    const f = await start({ apiKey: KEY });
    f.enqueue(reply('via x-api-key'), reply('via bearer'), reply('via sdk'));

    const viaHeader = await post(f, '/v1/messages', params, { 'x-api-key': KEY });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.content).toEqual([{ type: 'text', text: 'via x-api-key' }]);

    const viaBearer = await post(f, '/v1/messages', params, { authorization: `Bearer ${KEY}` });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.content).toEqual([{ type: 'text', text: 'via bearer' }]);

    const viaSdk = await client(f).messages.create(params);
    expect(viaSdk.content).toEqual([{ type: 'text', text: 'via sdk' }]);
  });

  it('accepts any key when none is configured', async () => {
    const f = await start({});
    f.enqueue(reply('open'));
    const msg = await client(f, 'anything').messages.create(params);
    expect(msg.content).toEqual([{ type: 'text', text: 'open' }]);
  });

  it('answers unknown routes with a JSON 404 and records them', async () => {
    const f = await start();

    const res = await post(f, '/v1/complete', { prompt: 'x' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(res.body.error.message).toContain('/v1/complete');

    const get = await fetch(`${f.url}/v1/messages`, { headers: { 'x-api-key': KEY } });
    expect(get.status).toBe(404);

    expect(f.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/complete', 'GET /v1/messages']);
    expect(f.requests[0].body).toEqual({ prompt: 'x' });
  });

  it('serves the beta route (?beta=true) used by Claude Code, streaming', async () => {
    const f = await start();
    f.enqueue(reply('beta ok'));

    // This SDK version no longer adds ?beta=true itself; Claude Code does, so add it as it does.
    const msg = await client(f).messages.stream(params, { query: { beta: 'true' } }).finalMessage();

    expect(msg.content).toMatchObject([{ type: 'text', text: 'beta ok' }]);
    expect(f.requests[0].path).toBe('/v1/messages');
    expect(f.requests[0].query).toEqual({ beta: 'true' });
  });

  it('fails loudly with a non-retried 500 when the script runs out', async () => {
    const f = await start();

    const err = await client(f).messages.create(params).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect((err as Error).message).toContain('script ran out');
    expect(f.requests).toHaveLength(1);
  });

  it('lets a handler decide, falling back to the script when it returns undefined', async () => {
    const f = await start();
    f.setHandler((req) => (req.body.tools?.some((t: { name: string }) => t.name === 'submit_plan') ? reply([toolUse('submit_plan', { summary: 'p' })]) : undefined));
    f.enqueue(reply('from the script'));
    const c = client(f);

    const planned = await c.messages.create({
      ...params,
      tools: [{ name: 'submit_plan', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'submit_plan' },
    });
    expect(planned.content[0]).toMatchObject({ type: 'tool_use', name: 'submit_plan', input: { summary: 'p' } });
    expect(f.queued).toBe(1);

    const plain = await c.messages.create(params);
    expect(plain.content).toEqual([{ type: 'text', text: 'from the script' }]);
    expect(f.queued).toBe(0);

    f.setHandler(() => {
      throw new Error('boom');
    });
    const err = await c.messages.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect((err as Error).message).toContain('handler threw: boom');
  });

  it('rejects malformed replies at enqueue time with a clear error', async () => {
    const f = await start();
    expect(() => f.enqueue({ type: 'message', content: [{ type: 'image' }] } as never)).toThrow(/content\[0\] type must be/);
    expect(() => f.enqueue(reply([toolUse('', {})]))).toThrow(/needs a 'name'/);
    expect(() => f.enqueue(error(200))).toThrow(/status must be an integer 400–599/);
    expect(() => f.enqueue({ type: 'nope' } as never)).toThrow(/reply type must be/);
    expect(f.queued).toBe(0);
  });

  it('validates request bodies like the API does', async () => {
    const f = await start();
    f.enqueue(reply('unused'));

    const noMaxTokens = await post(f, '/v1/messages', { model: 'm', messages: [] });
    expect(noMaxTokens.status).toBe(400);
    expect(noMaxTokens.body.error).toEqual({ type: 'invalid_request_error', message: 'max_tokens: Field required' });

    const res = await fetch(`${f.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: '{not json' });
    expect(res.status).toBe(400);
    expect(f.requests[1].body).toBe('{not json');
    expect(f.queued).toBe(1);
  });

  it('counts tokens without consuming the script', async () => {
    const f = await start();
    const count = await client(f).messages.countTokens({ model: params.model, messages: params.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(f.requests[0].path).toBe('/v1/messages/count_tokens');
  });

  it('waits for a matching request, past or future', async () => {
    const f = await start();
    f.enqueue(reply('one'), reply('two'));
    const c = client(f);
    await c.messages.create(params);

    const past = await f.waitForRequest((r) => r.path === '/v1/messages');
    expect(past).toBe(f.requests[0]);

    const future = f.waitForRequest((r) => r.body?.messages?.[0]?.content === 'second');
    await c.messages.create({ ...params, messages: [{ role: 'user', content: 'second' }] });
    expect(await future).toBe(f.requests[1]);

    const never = f.waitForRequest(() => false, 60_000);
    await f.close();
    await expect(never).rejects.toThrow(/closed while waiting/);
    fake = undefined;
  });
});
