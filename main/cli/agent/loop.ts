// The tool loop of the built-in agent: stream a reply, run its tool calls, send the results back, until
// the role says it is done, the model answers without a tool call, or the turns run out.
//
// LLM faults: the SDK retries 408/409/429/5xx and connection errors itself (maxRetries). Beyond that
// the loop waits visibly ("rate limited, retrying at HH:MM:SS") with a bounded backoff that honours
// retry-after, and carries on by itself. A rejected key (401/403) is fatal with one clear message.
import Anthropic from '@anthropic-ai/sdk';
import type { Screen } from './screen';
import { ToolError, type ToolInput } from './tools';

export interface LoopTool {
  definition: Anthropic.Tool;
  /** The call's key argument for its header line (a path, a command). */
  summarize(input: ToolInput): string;
  run(input: ToolInput): Promise<ToolOutcome> | ToolOutcome | string | Promise<string>;
}

export interface ToolOutcome {
  content: string;
  isError?: boolean;
  /** What the pane shows under the call instead of `content` (a command whose output was shown as it ran: its status). */
  display?: string;
  /** End the loop after this call: its work is done (e.g. an accepted plan). */
  stop?: boolean;
}

export interface TokenCount {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface RetryPolicy {
  /** Waits after the SDK's own retries are used up, before giving up. */
  maxWaits: number;
  /** Backoff without a retry-after hint: base·2ⁿ, capped. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The shortest wait, whatever retry-after says. */
  minDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxWaits: 10, baseDelayMs: 5_000, maxDelayMs: 300_000, minDelayMs: 1_000 };

export interface LoopOptions {
  client: Anthropic;
  model: string;
  maxTokens: number;
  maxTurns: number;
  system: string;
  prompt: string;
  tools: LoopTool[];
  screen: Screen;
  retry?: RetryPolicy;
  /** After every reply (for `usage.record`). */
  onUsage?(usage: TokenCount): Promise<void> | void;
  /** After a waited-out fault, with the time the next attempt starts (for `task.log`). */
  onWait?(message: string): Promise<void> | void;
  /** After the tool calls of a turn: a reason to stop, or undefined to go on. */
  afterTools?(): Promise<string | undefined> | string | undefined;
  /** On a reply without tool calls: a message that sends the model back to work, or undefined to end. */
  onFinalAnswer?(text: string): Promise<string | undefined> | string | undefined;
  sleep?(ms: number): Promise<void>;
}

export type LoopEnd =
  | { reason: 'stopped'; detail: string; turns: number }
  | { reason: 'final-answer'; text: string; turns: number }
  | { reason: 'max-turns'; turns: number };

/** An LLM fault the agent cannot get past: a rejected key, a bad request, faults that outlasted the retries. */
export class LlmFatalError extends Error {
  constructor(
    message: string,
    readonly kind: 'auth' | 'request' | 'unavailable',
  ) {
    super(message);
    this.name = 'LlmFatalError';
  }
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runLoop(o: LoopOptions): Promise<LoopEnd> {
  const tools = new Map(o.tools.map((t) => [t.definition.name, t]));
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: o.prompt }];
  for (let turn = 1; turn <= o.maxTurns; turn++) {
    const reply = await streamWithRetries(o, messages);
    const count = usageOf(reply);
    await o.onUsage?.(count);
    messages.push({ role: 'assistant', content: reply.content.map(toParam) });
    const calls = reply.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    const text = reply.content
      .filter((b): b is Anthropic.TextBlock => b.type === 'text')
      .map((b) => b.text)
      .join('\n')
      .trim();

    if (calls.length === 0) {
      if (reply.stop_reason === 'max_tokens') {
        o.screen.notice(`the reply hit the max tokens limit (${o.maxTokens}); asking the model to continue`);
        messages.push({ role: 'user', content: 'Your reply was cut off by the output limit. Continue where you stopped, in smaller steps.' });
        continue;
      }
      const nudge = await o.onFinalAnswer?.(text);
      if (!nudge) return { reason: 'final-answer', text, turns: turn };
      o.screen.notice(nudge.split('\n')[0]!);
      messages.push({ role: 'user', content: nudge });
      continue;
    }

    const results: Anthropic.ToolResultBlockParam[] = [];
    let stop: string | undefined;
    for (const call of calls) {
      const tool = tools.get(call.name);
      const input = (call.input && typeof call.input === 'object' ? call.input : {}) as ToolInput;
      let outcome: ToolOutcome;
      if (reply.stop_reason === 'max_tokens' && call === calls.at(-1)) {
        // The last call may have been cut off mid-input: do not run half a command.
        outcome = { content: 'This call was cut off by the output limit and was not run. Make it again, with less content per call.', isError: true };
        o.screen.toolCall(call.name, '(cut off by the output limit, not run)');
      } else if (!tool) {
        outcome = { content: `There is no tool "${call.name}". The tools are: ${[...tools.keys()].join(', ')}.`, isError: true };
        o.screen.toolCall(call.name, '(unknown tool)');
      } else {
        o.screen.toolCall(call.name, safeSummary(tool, input));
        outcome = await runTool(tool, input);
      }
      o.screen.toolResult(outcome.display ?? outcome.content, !!outcome.isError, call.name);
      results.push({ type: 'tool_result', tool_use_id: call.id, content: outcome.content, ...(outcome.isError ? { is_error: true } : {}) });
      if (outcome.stop) {
        stop = outcome.content;
        break;
      }
    }
    if (stop !== undefined) return { reason: 'stopped', detail: stop, turns: turn };
    // Every tool_use needs its tool_result, also the calls skipped after a stop (none here) or an error.
    messages.push({ role: 'user', content: results });
    const done = await o.afterTools?.();
    if (done) return { reason: 'stopped', detail: done, turns: turn };
  }
  return { reason: 'max-turns', turns: o.maxTurns };
}

function safeSummary(tool: LoopTool, input: ToolInput): string {
  try {
    return tool.summarize(input);
  } catch {
    return '';
  }
}

async function runTool(tool: LoopTool, input: ToolInput): Promise<ToolOutcome> {
  try {
    const r = await tool.run(input);
    return typeof r === 'string' ? { content: r } : r;
  } catch (err) {
    if (err instanceof ToolError) return { content: err.message, isError: true };
    return { content: `${tool.definition.name} failed: ${(err as Error).message}`, isError: true };
  }
}

function toParam(b: Anthropic.ContentBlock): Anthropic.ContentBlockParam {
  if (b.type === 'text') return { type: 'text', text: b.text };
  if (b.type === 'tool_use') return { type: 'tool_use', id: b.id, name: b.name, input: b.input };
  return b as unknown as Anthropic.ContentBlockParam;
}

function usageOf(m: Anthropic.Message): TokenCount {
  return {
    model: m.model,
    inputTokens: m.usage.input_tokens ?? 0,
    outputTokens: m.usage.output_tokens ?? 0,
    cacheReadTokens: m.usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: m.usage.cache_creation_input_tokens ?? 0,
  };
}

/**
 * The request of one turn. Prompt caching: the system text and the conversation so far are marked as
 * cache breakpoints, so each turn pays full price only for what is new.
 */
function request(o: LoopOptions, messages: Anthropic.MessageParam[]): Anthropic.MessageStreamParams {
  const cached = messages.map((m, i): Anthropic.MessageParam => {
    if (i !== messages.length - 1 || m.role !== 'user') return m;
    const content: Anthropic.ContentBlockParam[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : [...m.content];
    const last = content.at(-1);
    if (last && (last.type === 'text' || last.type === 'tool_result')) content[content.length - 1] = { ...last, cache_control: { type: 'ephemeral' } };
    return { role: 'user', content };
  });
  return {
    model: o.model,
    max_tokens: o.maxTokens,
    system: [{ type: 'text', text: o.system, cache_control: { type: 'ephemeral' } }],
    tools: o.tools.map((t) => t.definition),
    messages: cached,
  };
}

async function streamOnce(o: LoopOptions, messages: Anthropic.MessageParam[]): Promise<Anthropic.Message> {
  const stream = o.client.messages.stream(request(o, messages));
  stream.on('text', (delta) => o.screen.text(delta));
  try {
    return await stream.finalMessage();
  } finally {
    o.screen.endReply();
  }
}

async function streamWithRetries(o: LoopOptions, messages: Anthropic.MessageParam[]): Promise<Anthropic.Message> {
  const policy = o.retry ?? DEFAULT_RETRY;
  const sleep = o.sleep ?? sleepMs;
  for (let wait = 1; ; wait++) {
    try {
      return await streamOnce(o, messages);
    } catch (err) {
      const fault = classify(err);
      if (fault.kind !== 'transient') throw new LlmFatalError(fault.message, fault.kind);
      if (wait > policy.maxWaits) {
        throw new LlmFatalError(`${fault.message}; still failing after ${policy.maxWaits} waits, giving up`, 'unavailable');
      }
      const delay = retryDelay(err, wait, policy);
      const at = new Date(Date.now() + delay).toTimeString().slice(0, 8);
      const line = `${fault.label}, retrying at ${at} (wait ${wait} of ${policy.maxWaits})`;
      o.screen.notice(line);
      try {
        await o.onWait?.(line);
      } catch {
        // the timeline note is a courtesy; the retry goes on without it
      }
      await sleep(delay);
    }
  }
}

type Fault = { kind: 'transient'; label: string; message: string } | { kind: 'auth' | 'request' | 'unavailable'; message: string };

function classify(err: unknown): Fault {
  if (err instanceof Anthropic.AuthenticationError || err instanceof Anthropic.PermissionDeniedError) {
    return { kind: 'auth', message: `the Anthropic API key was rejected (${err.status}${err.apiMessage ? `: ${err.apiMessage}` : ''})` };
  }
  if (err instanceof Anthropic.APIUserAbortError) return { kind: 'request', message: 'the request was aborted' };
  if (err instanceof Anthropic.APIConnectionError) {
    return { kind: 'transient', label: 'cannot reach the Anthropic API', message: `cannot reach the Anthropic API (${err.message})` };
  }
  if (err instanceof Anthropic.APIError) {
    const status = err.status;
    const what = `${status ?? 'stream error'}${err.type ? ` ${err.type}` : ''}`;
    if (status === 429 || err.type === 'rate_limit_error') {
      return { kind: 'transient', label: `rate limited (${what})`, message: `rate limited (${what})` };
    }
    // 5xx and 529 (overloaded), and errors sent inside a stream that started fine.
    if ((status !== undefined && (status >= 500 || status === 408 || status === 409)) || (status === undefined && err.type !== null)) {
      return { kind: 'transient', label: `the Anthropic API is unavailable (${what})`, message: `the Anthropic API is unavailable (${what})` };
    }
    return { kind: 'request', message: `the Anthropic API refused the request (${what}${err.apiMessage ? `: ${err.apiMessage}` : ''})` };
  }
  return { kind: 'request', message: `the LLM call failed: ${(err as Error)?.message ?? String(err)}` };
}

/** retry-after-ms or retry-after (seconds or a date) when given, else exponential backoff; always bounded. */
export function retryDelay(err: unknown, wait: number, p: RetryPolicy): number {
  let hinted: number | undefined;
  const headers = err instanceof Anthropic.APIError ? err.headers : undefined;
  const ms = Number(headers?.get('retry-after-ms'));
  if (ms > 0) hinted = ms;
  else {
    const raw = headers?.get('retry-after');
    if (raw) {
      const s = Number(raw);
      hinted = Number.isFinite(s) ? s * 1000 : Date.parse(raw) - Date.now();
    }
  }
  // The server's hint is honoured up to the longest wait; the backoff has a little jitter so agents spread out.
  const delay = hinted !== undefined && Number.isFinite(hinted) ? hinted : p.baseDelayMs * 2 ** (wait - 1) * (1 + Math.random() * 0.2);
  return Math.round(Math.min(p.maxDelayMs, Math.max(p.minDelayMs, delay)));
}
