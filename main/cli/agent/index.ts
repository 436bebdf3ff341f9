// `maestro agent`: Maestro's built-in agent. It runs inside a session's terminal, as the worker of a
// group or as the orchestrator that plans a request, and talks to Maestro through the session's API.
import fs from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_MODEL } from '../../../preload/profiles';
import { CliError, requireEndpoint } from '../client';
import { MaestroLink, type AgentContext } from './context';
import { runOrchestrator } from './orchestrator';
import { OutputFiles, outputDirFor } from './output-files';
import { Screen } from './screen';
import { killRunningCommands } from './bash';
import { runWorker } from './worker';

export const DEFAULT_MAX_TOKENS = 16_000;
export const DEFAULT_MAX_TURNS = 60;

export interface AgentOptions {
  role: string;
  promptFile?: string;
  systemFile?: string;
  model?: string;
  maxTokens?: string;
  maxTurns?: string;
}

function wholeNumber(v: string | undefined, what: string, min: number, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${what} takes a whole number from ${min} to ${max}, not "${v}"`, 2);
  return n;
}

function readText(file: string | undefined, flag: string): string {
  if (!file) throw new CliError(`missing ${flag} <file>; usage: maestro agent --role worker|orchestrator --prompt-file F --system-file F`, 2);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${flag} ${file}: ${(err as Error).message}`, 2);
  }
}

/** The settings of the agent from its flags, then the environment, then the defaults. */
export function agentSettings(o: AgentOptions, env: NodeJS.ProcessEnv = process.env): { model: string; maxTokens: number; maxTurns: number } {
  return {
    model: (o.model ?? env.MAESTRO_MODEL ?? '').trim() || DEFAULT_MODEL,
    maxTokens: wholeNumber(o.maxTokens ?? env.MAESTRO_MAX_TOKENS, '--max-tokens', 256, 200_000) ?? DEFAULT_MAX_TOKENS,
    maxTurns: wholeNumber(o.maxTurns ?? env.MAESTRO_MAX_TURNS, '--max-turns', 1, 1000) ?? DEFAULT_MAX_TURNS,
  };
}

/** Runs the agent to its end; returns the exit code. */
export async function agentCommand(o: AgentOptions): Promise<number> {
  if (o.role !== 'worker' && o.role !== 'orchestrator') {
    throw new CliError(`--role takes worker or orchestrator, not "${o.role}"`, 2);
  }
  const settings = agentSettings(o);
  const prompt = readText(o.promptFile, '--prompt-file');
  const system = readText(o.systemFile, '--system-file');
  const taskId = process.env.MAESTRO_TASK_ID;
  const rootId = process.env.MAESTRO_ROOT_ID;
  if (!process.env.MAESTRO_API || !taskId || !rootId) {
    throw new CliError('maestro agent runs inside a Maestro session (MAESTRO_API, MAESTRO_TASK_ID and MAESTRO_ROOT_ID are set there)', 2);
  }
  const api = new MaestroLink(requireEndpoint(), taskId, rootId);
  // Results cut for the pane are kept whole in the session's folder (its path is shown).
  const screen = new Screen(process.stdout, undefined, new OutputFiles(outputDirFor(o.promptFile, process.env.MAESTRO_SESSION_ID)));
  warnOnce();

  // Ended by Maestro or a person (the pane closed, Ctrl-C): take the commands it started along.
  const onSignal = (signal: NodeJS.Signals) => {
    killRunningCommands();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, onSignal);

  if (!process.env.ANTHROPIC_API_KEY && !process.env.ANTHROPIC_AUTH_TOKEN) {
    const reason = 'no Anthropic API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) where Maestro starts, or choose another agent';
    screen.error(reason);
    await api.call('task.fail', { id: taskId, reason }).catch(() => undefined);
    return 1;
  }
  // The SDK reads ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN and ANTHROPIC_BASE_URL, and retries 408/409/429/5xx twice.
  const client = new Anthropic({ maxRetries: 2 });
  const ctx: AgentContext = { client, screen, ...settings, cwd: process.cwd(), system, prompt, api };
  screen.banner(o.role, settings.model, o.role === 'worker' ? `task ${taskId}` : `request ${rootId}`);
  try {
    return o.role === 'worker' ? await runWorker(ctx) : await runOrchestrator(ctx);
  } finally {
    killRunningCommands();
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignal);
  }
}

/** The SDK warns on every call with a deprecated model; once is enough in a pane. */
function warnOnce(): void {
  const seen = new Set<string>();
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const key = args.map(String).join(' ');
    if (seen.has(key)) return;
    seen.add(key);
    warn(...args);
  };
}
