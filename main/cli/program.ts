// The full `maestro` CLI (commander): every command, its help and its usage errors. The entry
// (index.ts) sends the report commands agents call most through a lighter path first (fast.ts).
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_MODEL, PROFILE_NAMES } from '../../preload/profiles';
import { call, CliError, findEndpoint, requireEndpoint, type Endpoint } from './client';
import { quote } from '../core/text';
import { formatTaskDetail, formatTree } from './format';
import { registerGitCommands } from './git-commands';
import { registerRequestCommands } from './request-commands';
import { registerSessionCommands } from './session-commands';
import { resolveOnline } from './resolve';
import { cleanLine } from './terminal-safe';
import { done, finishCommand, logCommand, pickId, pickText, print, printJson, reportError, startCommand, type ReportOptions } from './report';

declare const __MAESTRO_VERSION__: string | undefined;

const program = new Command('maestro')
  .description('Maestro orchestrates AI coding agents: a plan of groups, each carried out by a worker in a real terminal.')
  .version(typeof __MAESTRO_VERSION__ === 'string' ? __MAESTRO_VERSION__ : 'development', '-V, --version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const DATA_DIR_HELP = 'where Maestro keeps its data (default: $MAESTRO_DATA_DIR, else the OS app-data folder, as the desktop app)';
const idOption = () => new Option('--id <id>', 'the task id (same as the positional id)').hideHelp();
const jsonOption = () => new Option('--json', 'print JSON');
const requestOption = () => new Option('--request <rootId>', 'outside a session: the request plan ids (s5, g2) are looked up in (default: the latest)');

// ---- task --------------------------------------------------------------------------------------

const task = program.command('task').description('show and report on tasks (inside a worker session)');

task
  .command('show [id]')
  .description('a task, its subtasks with their ids and statuses, and its recent timeline')
  .addOption(idOption())
  .addOption(jsonOption())
  .option('-n, --limit <n>', 'timeline events to show', '20')
  .option('--data-dir <dir>', 'the data dir (outside a session; read directly when no instance runs)')
  .option('--request <rootId>', 'outside a session: the request plan ids (s5, g2) are looked up in (default: the latest)')
  .action(async (id: string | undefined, o: { id?: string; json?: boolean; limit: string; dataDir?: string; request?: string }) => {
    const limit = Number(o.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new CliError(`--limit takes a whole number, not ${quote(o.limit)}`, 2);
    const taskId = pickId(id, o, 'maestro task show [id]');
    const ep = findEndpoint(o.dataDir);
    let detail;
    if (ep) detail = await call(ep, 'task.show', { id: await resolveOnline(ep, taskId, o.request), timelineLimit: limit });
    else {
      const { offlineShow } = await import('./offline');
      detail = offlineShow(o.dataDir, taskId, o.request, limit);
    }
    if (o.json) printJson(detail);
    else print(formatTaskDetail(detail));
  });

task
  .command('start [id]')
  .description('mark a subtask IN_PROGRESS before working on it')
  .addOption(idOption())
  .addOption(requestOption())
  .addOption(jsonOption())
  .action((id: string | undefined, o: ReportOptions) => startCommand(id, o));

task
  .command('log [words...]')
  .description('add a progress note: maestro task log [id] "<message>"')
  .addOption(idOption())
  .option('-m, --message <text>', 'the message')
  .addOption(requestOption())
  .addOption(jsonOption())
  .action((words: string[], o: ReportOptions) => logCommand(words, o));

for (const [name, status, flag, aliases] of [
  ['complete', 'COMPLETED', 'summary', ['done']],
  ['fail', 'FAILED', 'reason', []],
  ['block', 'BLOCKED', 'reason', []],
] as const) {
  task
    .command(`${name} [id] [words...]`)
    .aliases([...aliases])
    .description(`mark a task ${status}${name === 'complete' ? '' : ` (with a --${flag})`}`)
    .addOption(idOption())
    .option(`--${flag} <text>`, flag === 'summary' ? 'what was done' : 'why')
    .addOption(new Option(`--${flag === 'summary' ? 'reason' : 'summary'} <text>`).hideHelp())
    .addOption(new Option('-m, --message <text>').hideHelp())
    .addOption(requestOption())
    .addOption(jsonOption())
    .action((id: string | undefined, words: string[], o: ReportOptions) => finishCommand(name, id, words, o));
}

// ---- subtask -----------------------------------------------------------------------------------

program
  .command('subtask')
  .description('add work to your group')
  .command('add [title...]')
  .description('add a subtask: maestro subtask add --title "…" [--description "…"] [--parent <id>]')
  .option('-t, --title <text>', 'the title')
  .option('-d, --description <text>', 'what to do, and how to know it is done', '')
  .option('-p, --parent <id>', 'where it goes (default: your group)')
  .addOption(requestOption())
  .addOption(jsonOption())
  .action(async (words: string[], o: { title?: string; description: string; parent?: string; request?: string; json?: boolean }) => {
    const usage = 'maestro subtask add --title "…" [--description "…"] [--parent <id>]';
    const title = pickText(o.title, words, 'title', usage, true)!;
    const ep = requireEndpoint();
    const parentId = await resolveOnline(ep, pickId(o.parent, {}, usage), o.request);
    done(await call(ep, 'subtask.add', { parentId, title, description: o.description }), !!o.json);
  });

// ---- tree, retry, plan -------------------------------------------------------------------------

program
  .command('tree [rootId]')
  .description('the task tree of a request with statuses and progress')
  .option('--data-dir <dir>', 'the data dir (outside a session)')
  .addOption(jsonOption())
  .action(async (rootId: string | undefined, o: { dataDir?: string; json?: boolean }) => {
    const ep = findEndpoint(o.dataDir);
    let snapshot;
    if (ep) {
      const id = rootId ?? (process.env.MAESTRO_ROOT_ID || (await latestRoot(ep)));
      snapshot = await call(ep, 'tree.get', { rootId: id });
    } else {
      const { offlineTree } = await import('./offline');
      snapshot = offlineTree(o.dataDir, rootId);
    }
    if (o.json) printJson(snapshot);
    else print(formatTree(snapshot.tasks, snapshot.rootId));
  });

program
  .command('retry [taskId]')
  .description('run the unfinished subtasks of a FAILED subtask, group or request again')
  .option('--data-dir <dir>', 'the data dir (outside a session)')
  .addOption(requestOption())
  .addOption(idOption())
  .addOption(jsonOption())
  .action(async (taskId: string | undefined, o: { dataDir?: string; id?: string; request?: string; json?: boolean }) => {
    const id = pickId(taskId, o, 'maestro retry <taskId>');
    const ep = findEndpoint(o.dataDir);
    if (ep) {
      const r = await call(ep, 'task.retry', { id: await resolveOnline(ep, id, o.request) });
      if (o.json) printJson(r);
      else print(`retrying ${r.reset.length} task(s) of request ${cleanLine(r.rootId)}`);
      return;
    }
    const { offlineRetry } = await import('./run');
    process.exitCode = await offlineRetry(id, o.dataDir, o.request);
  });

program
  .command('plan')
  .description('submit the plan of a request (orchestrators)')
  .command('submit [file]')
  .description('submit the plan of a request: a JSON file, or - for standard input')
  .option('--root <id>', 'the request (default: the orchestrator session’s, $MAESTRO_TASK_ID)')
  .addOption(jsonOption())
  .action(async (file: string | undefined, o: { root?: string; json?: boolean }) => {
    const usage = 'maestro plan submit <file|-> [--root <id>]';
    if (!file) throw new CliError(`which plan? usage: ${usage}`, 2);
    let text: string;
    try {
      text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read the plan from ${file === '-' ? 'standard input' : file}: ${(err as Error).message}`, 2);
    }
    const plan = parseJsonLoosely(text, 'the plan');
    const rootId = pickId(o.root, {}, usage);
    let snapshot;
    try {
      snapshot = await call(requireEndpoint(), 'plan.submit', { rootId, plan });
    } catch (err) {
      // A plan the engine refuses is bad input, like invalid JSON: exit 2.
      if (err instanceof CliError && err.apiCode === 'bad-request') throw new CliError(err.message, 2, err.apiCode);
      throw err;
    }
    if (o.json) printJson(snapshot);
    else print(`plan accepted for ${cleanLine(rootId)}:\n${formatTree(snapshot.tasks, snapshot.rootId)}`);
  });

// ---- run ---------------------------------------------------------------------------------------

program
  .command('run [request...]')
  .description('plan and carry out a request headless, with live progress; exits 0 when it COMPLETED')
  .option('-w, --workspace <dir>', 'the workspace the agents work in', process.cwd())
  .option('--profile <name>', `the agent program the workers run with: ${PROFILE_NAMES.join(', ')} (default: the settings' default)`)
  .option('-a, --agent <name>', 'the older name of --profile')
  .option('-c, --agent-command <cmd>', 'command line for the custom profile ({prompt}, {promptFile} placeholders); without --profile it means --profile custom')
  .option('-n, --concurrency <n>', 'worker sessions at once')
  .option('--data-dir <dir>', DATA_DIR_HELP)
  .option('-p, --plan <file>', 'use this plan (JSON) instead of an orchestrator')
  .option('--planner <profile>', `the program the orchestrator that plans runs with: ${PROFILE_NAMES.join(', ')} (default: builtin with an API key set or stored, else the --profile when it is an agent CLI)`)
  .option('--budget <usd>', 'stop starting sessions once this estimated cost is reached')
  .option('--isolation <mode>', "worktree: a git worktree and branch per group, merged into the request's branch (default in a git repository); in-place: all in the workspace")
  .option('--json', 'print the final tree as JSON')
  .action(async (words: string[], o: import('./run').RunOptions) => {
    const request = words.join(' ').trim();
    if (!request) throw new CliError('what should be done? usage: maestro run [options] "request"', 2);
    const { runCommand } = await import('./run');
    process.exitCode = await runCommand(request, o);
  });

// ---- diff, apply, discard, redo (git-commands.ts) ------------------------------------------------

registerGitCommands(program);
registerRequestCommands(program);
registerSessionCommands(program);

// ---- serve -------------------------------------------------------------------------------------

program
  .command('serve')
  .description('serve the app to a browser (prints the URL with its access token)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port (0: any free port)', '0')
  .option('--data-dir <dir>', DATA_DIR_HELP)
  .option('--workspace <dir>', 'the default workspace for new requests')
  .option(
    '--allow-remote [hostnames]',
    'allow a non-loopback --host (anyone with the token can run agents); comma-separated names the browser may use for this machine (e.g. devbox.lan)',
  )
  .action(async (o: import('./serve').ServeOptions) => {
    const { serveCommand } = await import('./serve');
    await serveCommand(o);
  });

// ---- agent -------------------------------------------------------------------------------------

program
  .command('agent')
  .description('the built-in agent (runs inside a session): an Anthropic tool loop as a worker or as the orchestrator')
  .requiredOption('--role <role>', 'worker or orchestrator')
  .option('--prompt-file <file>', 'the task prompt')
  .option('--system-file <file>', 'the system text (skills, persona, available agents)')
  .option('--model <model>', `the Claude model (default $MAESTRO_MODEL or ${DEFAULT_MODEL})`)
  .option('--max-tokens <n>', 'output tokens per reply (default 16000)')
  .option('--max-turns <n>', 'replies before the agent stops (default 60)')
  .action(async (o: import('./agent/index').AgentOptions) => {
    const { agentCommand } = await import('./agent/index');
    process.exitCode = await agentCommand(o);
  });

// ---- shortcuts agents reach for ----------------------------------------------------------------

for (const verb of ['show', 'start', 'log', 'complete', 'fail', 'block']) {
  program
    .command(`${verb}`, { hidden: true })
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async () => {
      const i = process.argv.indexOf(verb);
      await program.parseAsync([...process.argv.slice(0, i), 'task', ...process.argv.slice(i)]);
    });
}

async function latestRoot(ep: Endpoint): Promise<string> {
  const roots = await call(ep, 'roots.list', {});
  if (!roots.length) throw new CliError('there are no requests yet');
  return roots[0]!.id;
}

/** JSON.parse with a clear error; a Markdown code fence around the JSON is accepted. */
function parseJsonLoosely(text: string, what: string): unknown {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  if (!body) throw new CliError(`${what} is empty`, 2);
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new CliError(`${what} is not valid JSON: ${(err as Error).message}`, 2);
  }
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors (already printed with the help hint) exit 2.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    reportError(err);
  }
}

