// The report commands workers call most (`maestro task start|log|complete|done|fail|block`), in their
// plain forms, without loading the argument parser: a worker calls these many times a session. Anything
// else — another command, --help, an unknown flag, a usage error — returns false, and the full CLI
// (program.ts) handles it with its help and its errors. Both paths share report.ts, so a command means
// the same on either.
import { call, requireEndpoint } from './client';
import { done, looksLikeId, pickId, pickText, printJson, reportError } from './report';

const VALUE_FLAGS: Record<string, string> = { '--id': 'id', '--summary': 'summary', '--reason': 'reason', '--message': 'message', '-m': 'message' };

interface Parsed {
  words: string[];
  flags: Record<string, string>;
  json: boolean;
}

function parse(args: string[]): Parsed | undefined {
  const out: Parsed = { words: [], flags: {}, json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a in VALUE_FLAGS) {
      const v = args[++i];
      const key = VALUE_FLAGS[a]!;
      if (v === undefined || key in out.flags) return undefined;
      out.flags[key] = v;
    } else if (a.startsWith('-')) return undefined;
    else out.words.push(a);
  }
  return out;
}

/** Runs the command when it is one of the plain report forms; false: the full CLI must handle it. */
export async function runFast(argv: string[]): Promise<boolean> {
  if (argv[0] !== 'task' || !process.env.MAESTRO_API) return false;
  const verb = argv[1] === 'done' ? 'complete' : argv[1];
  if (verb !== 'start' && verb !== 'log' && verb !== 'complete' && verb !== 'fail' && verb !== 'block') return false;
  const p = parse(argv.slice(2));
  if (!p) return false;
  const { words, flags } = p;
  try {
    if (verb === 'start') {
      if (words.length > 1 || flags.summary || flags.reason || flags.message) return false;
      const id = pickId(words[0], flags, 'maestro task start <id>');
      done(await call(requireEndpoint(), 'task.start', { id }), p.json);
      return true;
    }
    if (verb === 'log') {
      if (flags.summary || flags.reason) return false;
      const usage = 'maestro task log [id] "<message>"';
      let id = flags.id;
      let rest = words;
      if (!id && words.length > 1 && looksLikeId(words[0]!)) {
        id = words[0];
        rest = words.slice(1);
      }
      const message = pickText(flags.message, rest, 'message', usage, true)!;
      const r = await call(requireEndpoint(), 'task.log', { id: pickId(undefined, { id }, usage), message });
      if (p.json) printJson(r);
      return true;
    }
    const flag = verb === 'complete' ? 'summary' : 'reason';
    const required = verb !== 'complete';
    const usage = `maestro task ${verb} <id> ${required ? `--${flag} "…"` : `[--${flag} "…"]`}`;
    const given = [flags.summary, flags.reason, flags.message].filter((v) => v !== undefined);
    if (given.length > 1) return false;
    const [first, ...rest] = words;
    const text = pickText(given[0], rest, flag, usage, required);
    const taskId = pickId(first, flags, usage);
    const ep = requireEndpoint();
    const v =
      verb === 'complete'
        ? await call(ep, 'task.complete', { id: taskId, summary: text })
        : await call(ep, verb === 'fail' ? 'task.fail' : 'task.block', { id: taskId, reason: text! });
    done(v, p.json);
    return true;
  } catch (err) {
    reportError(err);
    return true;
  }
}
