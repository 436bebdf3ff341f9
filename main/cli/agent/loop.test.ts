// The tool loop against the fake Anthropic API with the real SDK: streaming, tool results, usage,
// waiting out rate limits, and a rejected key.
import { PassThrough } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { error, reply, startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../../../test/fake-anthropic/server';
import { LlmFatalError, retryDelay, runLoop, type LoopOptions, type LoopTool, type TokenCount } from './loop';
import { Screen } from './screen';
import { ToolError } from './tools';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function capture(): { screen: Screen; output: () => string } {
  const out = new PassThrough();
  let s = '';
  out.on('data', (d: Buffer) => (s += d.toString()));
  return { screen: new Screen(out, false), output: () => s };
}

const echo: LoopTool = {
  definition: { name: 'echo', description: 'echo', input_schema: { type: 'object', properties: { say: { type: 'string' } } } },
  summarize: (i) => String(i.say),
  run: (i) => {
    if (i.say === 'boom') throw new ToolError('echo cannot say boom');
    return `echo: ${String(i.say)}`;
  },
};

async function setup(extra: Partial<LoopOptions> = {}) {
  fake = await startFakeAnthropic({ apiKey: 'test-key' });
  const { screen, output } = capture();
  const usage: TokenCount[] = [];
  const waits: string[] = [];
  const slept: number[] = [];
  const opts: LoopOptions = {
    client: new Anthropic({ apiKey: 'test-key', baseURL: fake.url, maxRetries: 2 }),
    model: 'claude-sonnet-4-5',
    maxTokens: 1024,
    maxTurns: 5,
    system: 'You are a test.',
    prompt: 'Do the thing.',
    tools: [echo],
    screen,
    onUsage: (u) => void usage.push(u),
    onWait: (m) => void waits.push(m),
    sleep: async (ms) => void slept.push(ms),
    ...extra,
  };
  return { fake, opts, output, usage, waits, slept };
}

describe('runLoop', () => {
  it('streams text, runs tool calls, sends their results back and ends on a final answer', async () => {
    const { fake, opts, output, usage } = await setup();
    fake.enqueue(
      reply([text('Let me echo.'), toolUse('echo', { say: 'hi' }), toolUse('echo', { say: 'boom' }), toolUse('nope', {})], {
        usage: { input_tokens: 100, output_tokens: 20 },
      }),
      reply('All done.', { usage: { input_tokens: 150, output_tokens: 5 } }),
    );
    const end = await runLoop(opts);
    expect(end).toEqual({ reason: 'final-answer', text: 'All done.', turns: 2 });

    // The second request carries the results, errors flagged, and the system text as a cached block.
    const second = fake.requests[1]!.body;
    expect(second.stream).toBe(true);
    expect(second.system).toEqual([{ type: 'text', text: 'You are a test.', cache_control: { type: 'ephemeral' } }]);
    expect(second.tools.map((t: { name: string }) => t.name)).toEqual(['echo']);
    const results = second.messages.at(-1).content;
    expect(results.map((r: { content: string; is_error?: boolean }) => [r.content, !!r.is_error])).toEqual([
      ['echo: hi', false],
      ['echo cannot say boom', true],
      ['There is no tool "nope". The tools are: echo.', true],
    ]);
    expect(results[0].tool_use_id).toBe(second.messages[1].content[1].id);

    expect(usage).toEqual([
      { model: 'claude-sonnet-4-5', inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 },
      { model: 'claude-sonnet-4-5', inputTokens: 150, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ]);
    const shown = output();
    expect(shown).toContain('Let me echo.\n● echo hi\n  echo: hi\n● echo boom\n  echo cannot say boom\n● nope (unknown tool)');
    expect(shown).toContain('All done.');
  });

  it('stops when afterTools says the work is done, and at max turns', async () => {
    const first = await setup({ afterTools: () => 'all reported' });
    first.fake.enqueue(reply([toolUse('echo', { say: 'x' })]));
    expect(await runLoop(first.opts)).toEqual({ reason: 'stopped', detail: 'all reported', turns: 1 });
    await first.fake.close();

    const second = await setup({ maxTurns: 2 });
    second.fake.setHandler(() => reply([toolUse('echo', { say: 'again' })]));
    expect(await runLoop(second.opts)).toEqual({ reason: 'max-turns', turns: 2 });
    expect(second.fake.requests).toHaveLength(2);
  });

  it('sends the model back once when onFinalAnswer asks for it', async () => {
    let asked = 0;
    const { fake, opts, output } = await setup({ onFinalAnswer: () => (asked++ === 0 ? 'You forgot to report s1.' : undefined) });
    fake.enqueue(reply('Done, I think.'), reply('Now really done.'));
    expect(await runLoop(opts)).toEqual({ reason: 'final-answer', text: 'Now really done.', turns: 2 });
    expect(fake.requests[1]!.body.messages.at(-1).content).toEqual([
      { type: 'text', text: 'You forgot to report s1.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(output()).toContain('! You forgot to report s1.');
  });

  it('does not run a tool call cut off by the output limit', async () => {
    const { fake, opts } = await setup({ afterTools: () => undefined });
    fake.enqueue(reply([toolUse('echo', { say: 'half' })], { stop_reason: 'max_tokens' }), reply('ok'));
    await runLoop(opts);
    const result = fake.requests[1]!.body.messages.at(-1).content[0];
    expect(result.is_error).toBe(true);
    expect(result.content).toMatch(/cut off by the output limit and was not run/);
  });

  it('waits out rate limits beyond the SDK retries, visibly, and continues', async () => {
    const { fake, opts, output, waits, slept } = await setup();
    // The SDK sends the request three times (maxRetries 2), then the loop waits and tries again.
    const limited = () => error(429, { retryAfterMs: 1, headers: { 'retry-after': '7' } });
    fake.enqueue(limited(), limited(), limited(), error(529, { retryAfterMs: 1 }), error(529, { retryAfterMs: 1 }), error(529, { retryAfterMs: 1 }), reply('Made it.'));
    const end = await runLoop(opts);
    expect(end).toEqual({ reason: 'final-answer', text: 'Made it.', turns: 1 });
    expect(fake.requests).toHaveLength(7);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toMatch(/^rate limited \(429 rate_limit_error\), retrying at \d\d:\d\d:\d\d \(wait 1 of 10\)$/);
    expect(waits[1]).toMatch(/^the Anthropic API is unavailable \(529 overloaded_error\), retrying at \d\d:\d\d:\d\d \(wait 2 of 10\)$/);
    expect(output()).toContain(`! ${waits[0]}`);
    // retry-after-ms (1 ms) wins over retry-after, and the loop never waits less than a second.
    expect(slept).toEqual([1000, 1000]);
  });

  it('gives up after the bounded number of waits', async () => {
    const { fake, opts, waits } = await setup({ retry: { maxWaits: 2, baseDelayMs: 10, maxDelayMs: 100, minDelayMs: 1 } });
    fake.setHandler(() => error(503, { retryAfterMs: 1 }));
    await expect(runLoop(opts)).rejects.toThrow(/unavailable \(503 api_error\); still failing after 2 waits/);
    expect(waits).toHaveLength(2);
  });

  it('treats a rejected key as fatal with one clear message', async () => {
    const { fake, opts } = await setup();
    opts.client = new Anthropic({ apiKey: 'wrong', baseURL: fake.url, maxRetries: 2 });
    const err = await runLoop(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmFatalError);
    expect((err as LlmFatalError).kind).toBe('auth');
    expect((err as Error).message).toBe('the Anthropic API key was rejected (401: invalid x-api-key)');
    expect(fake.requests).toHaveLength(1); // 401 is not retried
  });
});

describe('retryDelay', () => {
  const policy = { maxWaits: 10, baseDelayMs: 5_000, maxDelayMs: 300_000, minDelayMs: 1_000 };
  const withHeaders = (h: Record<string, string>) => new Anthropic.RateLimitError(429, undefined, 'limited', new Headers(h));
  it('honours retry-after in seconds or as a date, within bounds, and backs off otherwise', () => {
    expect(retryDelay(withHeaders({ 'retry-after': '30' }), 1, policy)).toBe(30_000);
    expect(retryDelay(withHeaders({ 'retry-after': '100000' }), 1, policy)).toBe(300_000);
    const date = new Date(Date.now() + 60_000).toUTCString();
    expect(retryDelay(withHeaders({ 'retry-after': date }), 1, policy)).toBeGreaterThan(50_000);
    const third = retryDelay(withHeaders({}), 3, policy);
    expect(third).toBeGreaterThanOrEqual(20_000);
    expect(third).toBeLessThanOrEqual(24_000);
  });
});
