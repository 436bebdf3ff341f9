// What the report commands share, with no argument parser: picking the id and the text the way agents
// give them, and printing the result.
import type { TaskView } from '../../preload/model';
import { call, CliError, requireEndpoint } from './client';
import { quote } from '../core/text';
import { statusLabel } from './format';
import { resolveOnline } from './resolve';
import { cleanLine, stripControls, terminalJson } from './terminal-safe';

export const print = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
export const printJson = (v: unknown) => print(terminalJson(v));

/** An id from the positional argument, a forgiving `--id`, or the session's own task. */
export function pickId(positional: string | undefined, opts: { id?: string }, usage: string): string {
  if (positional && opts.id && positional !== opts.id) {
    throw new CliError(`two different ids given (${quote(positional)} and --id ${quote(opts.id)}); usage: ${usage}`, 2);
  }
  const id = positional ?? opts.id ?? process.env.MAESTRO_TASK_ID;
  if (!id) throw new CliError(`which task? usage: ${usage} (inside a session the id defaults to $MAESTRO_TASK_ID)`, 2);
  return id;
}

/** Text given as an option, or as words after the id (agents often forget the flag). */
export function pickText(flag: string | undefined, words: string[], what: string, usage: string, required: boolean): string | undefined {
  const fromWords = words.join(' ').trim();
  if (flag && fromWords) throw new CliError(`give the ${what} once (either --${what} or as text); usage: ${usage}`, 2);
  const text = (flag ?? fromWords).trim();
  if (!text && required) throw new CliError(`missing --${what}; usage: ${usage}`, 2);
  return text || undefined;
}

export function looksLikeId(s: string): boolean {
  return /^(task-[a-z0-9]+|[a-z]{1,3}\d+)$/i.test(s);
}

export function done(v: TaskView, json: boolean): void {
  if (json) printJson(v);
  else print(`${cleanLine(v.planId ? `${v.planId} (${v.id})` : v.id)} ${statusLabel(v.status)}${v.result ? ` — ${cleanLine(v.result)}` : ''}`);
}

/** Options the report commands take (the full CLI and the light path parse them the same way). */
export interface ReportOptions {
  id?: string;
  /** Outside a session: the request plan ids are looked up in (default: the latest). */
  request?: string;
  summary?: string;
  reason?: string;
  message?: string;
  json?: boolean;
}

export async function startCommand(id: string | undefined, o: ReportOptions): Promise<void> {
  const ep = requireEndpoint();
  done(await call(ep, 'task.start', { id: await resolveOnline(ep, pickId(id, o, 'maestro task start <id>'), o.request) }), !!o.json);
}

export async function logCommand(words: string[], o: ReportOptions): Promise<void> {
  const usage = 'maestro task log [id] "<message>"';
  let id = o.id;
  let rest = words;
  // `log <id> <message…>`: the first word is an id when more follow and it looks like one.
  if (!id && words.length > 1 && looksLikeId(words[0]!)) {
    id = words[0];
    rest = words.slice(1);
  }
  const message = pickText(o.message, rest, 'message', usage, true)!;
  const ep = requireEndpoint();
  const r = await call(ep, 'task.log', { id: await resolveOnline(ep, pickId(undefined, { id }, usage), o.request), message });
  if (o.json) printJson(r);
}

export type FinishVerb = 'complete' | 'fail' | 'block';

export function finishUsage(verb: FinishVerb): string {
  return verb === 'complete' ? 'maestro task complete <id> [--summary "…"]' : `maestro task ${verb} <id> --reason "…"`;
}

/** complete / fail / block: the text from its flag, the other flag or -m (agents mix them up), or the words. */
export async function finishCommand(verb: FinishVerb, id: string | undefined, words: string[], o: ReportOptions): Promise<void> {
  const flag = verb === 'complete' ? 'summary' : 'reason';
  const usage = finishUsage(verb);
  const given = o[flag] ?? o[flag === 'summary' ? 'reason' : 'summary'] ?? o.message;
  const text = pickText(given, words, flag, usage, verb !== 'complete');
  const ep = requireEndpoint();
  const taskId = await resolveOnline(ep, pickId(id, o, usage), o.request);
  const v =
    verb === 'complete'
      ? await call(ep, 'task.complete', { id: taskId, summary: text })
      : await call(ep, verb === 'fail' ? 'task.fail' : 'task.block', { id: taskId, reason: text! });
  done(v, !!o.json);
}

/** Prints a CLI error the one way every path does, and sets the exit code. Errors quote ids and plans: cleaned. */
export function reportError(err: unknown): void {
  if (err instanceof CliError) {
    process.stderr.write(`maestro: ${stripControls(err.message)}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  // A data dir that cannot be written is the user's to fix: the message says what, a stack would not help.
  const plain = (err as Error)?.name === 'DataDirError';
  process.stderr.write(`maestro: ${stripControls(plain ? (err as Error).message : ((err as Error).stack ?? String(err)))}\n`);
  process.exitCode = 1;
}
