// `maestro session attention`: an agent's own "I need a person" signal. Claude Code's hooks call it
// (Notification: --needs-input, Stop: --clear) with the hook's JSON on standard input (--hook); any
// agent or script may call it with --message. Inside a session it names the session itself.
import type { Command } from 'commander';
import { call, CliError, requireEndpoint } from './client';
import { print, printJson } from './report';

interface AttentionOptions {
  needsInput?: boolean;
  clear?: boolean;
  message?: string;
  hook?: boolean;
  session?: string;
  json?: boolean;
}

/** What a Claude Code hook passes on stdin (the fields Maestro uses). */
interface HookInput {
  message?: unknown;
  notification_type?: unknown;
  /** PermissionRequest: the tool Claude Code asks to use. */
  tool_name?: unknown;
  tool_input?: { command?: unknown; file_path?: unknown } | null;
  transcript_path?: unknown;
}

/** Notifications that are no question to a person. */
const NOT_WAITING = new Set(['auth_success']);

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseHookInput(text: string): HookInput {
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as HookInput) : {};
  } catch {
    throw new CliError('--hook: standard input is not the JSON a Claude Code hook passes', 2);
  }
}

/** What the hook says the agent asks: its message, or the tool a permission dialog is about. */
function hookMessage(input: HookInput): string | undefined {
  if (typeof input.message === 'string' && input.message.trim()) return input.message;
  if (typeof input.tool_name !== 'string') return undefined;
  const what = input.tool_input?.command ?? input.tool_input?.file_path;
  return `Claude Code asks permission to use ${input.tool_name}${typeof what === 'string' ? `: ${what.split('\n')[0]!.slice(0, 200)}` : ''}`;
}

export function registerSessionCommands(program: Command): void {
  const session = program.command('session').description("a session's own state (inside a session)");
  session
    .command('attention')
    .description('flag this session as needing a person (--needs-input) or clear the flag (--clear)')
    .option('--needs-input', 'the agent waits for a person: a permission prompt, a question')
    .option('--clear', 'the agent no longer waits (its turn ended, or it was answered)')
    .option('-m, --message <text>', 'what the agent asks (shown on the pane and in the notification)')
    .option('--hook', "read a Claude Code hook's JSON on standard input (message, transcript_path)")
    .option('--session <id>', 'the session (default: this one, $MAESTRO_SESSION_ID)')
    .option('--json', 'print JSON')
    .action(async (o: AttentionOptions) => {
      const usage = 'maestro session attention (--needs-input | --clear) [--message "…"] [--hook]';
      if (!!o.needsInput === !!o.clear) throw new CliError(`say either --needs-input or --clear; usage: ${usage}`, 2);
      const sessionId = o.session ?? process.env.MAESTRO_SESSION_ID;
      if (!sessionId) throw new CliError(`which session? outside a session pass --session <id>; usage: ${usage}`, 2);
      const input = o.hook ? parseHookInput(await readStdin()) : {};
      if (o.needsInput && typeof input.notification_type === 'string' && NOT_WAITING.has(input.notification_type)) return;
      const message = o.message ?? hookMessage(input);
      const transcriptPath = typeof input.transcript_path === 'string' && input.transcript_path ? input.transcript_path : undefined;
      const info = await call(requireEndpoint(), 'session.attention', {
        sessionId,
        needsInput: !!o.needsInput,
        ...(message?.trim() ? { message: message.trim().slice(0, 2_000) } : {}),
        ...(transcriptPath ? { transcriptPath } : {}),
      });
      if (o.json) printJson(info);
      else if (!o.hook) print(info.attention ? `session ${info.id} needs input` : `session ${info.id}: no input needed`);
    });
}
