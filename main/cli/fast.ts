// The report commands workers call most (`maestro task start|log|complete|done|fail|block`), in their
// plain forms, without loading the argument parser: a worker calls these many times a session. Anything
// else — another command, --help, an unknown flag, a usage error — returns false, and the full CLI
// (program.ts) handles it with its help and its errors. Both paths share report.ts, so a command means
// the same on either.
import { finishCommand, logCommand, reportError, startCommand, type ReportOptions } from './report';

const VALUE_FLAGS: Record<string, keyof Omit<ReportOptions, 'json'>> = { '--id': 'id', '--summary': 'summary', '--reason': 'reason', '--message': 'message', '-m': 'message' };

interface Parsed {
  words: string[];
  flags: Omit<ReportOptions, 'json'>;
  json: boolean;
}

function parse(args: string[]): Parsed | undefined {
  const out: Parsed = { words: [], flags: {}, json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a in VALUE_FLAGS) {
      const v = args[++i];
      const key = VALUE_FLAGS[a] as keyof Parsed['flags'];
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
  const o = { ...flags, json: p.json };
  try {
    // Flags a command does not take are the full CLI's to reject with its usage.
    if (verb === 'start') {
      if (words.length > 1 || flags.summary || flags.reason || flags.message) return false;
      await startCommand(words[0], o);
    } else if (verb === 'log') {
      if (flags.summary || flags.reason) return false;
      await logCommand(words, o);
    } else {
      const [id, ...rest] = words;
      await finishCommand(verb, id, rest, o);
    }
  } catch (err) {
    reportError(err);
  }
  return true;
}
