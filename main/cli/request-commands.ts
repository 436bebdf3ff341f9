// `maestro pause|resume|cancel`, `rename`, `archive`, `delete` and `plan approve|reject|replan|edit`: a
// person's control of a request. Through a running instance, else on the data dir directly (as
// `maestro discard`), so what they change is recorded in the request's journal.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { CommandName, CommandParams, CommandResults } from '../../preload/contract';
import type { RootSummary, TreeSnapshot } from '../../preload/model';
import type { Engine } from '../core/engine';
import { call, CliError, findEndpoint } from './client';
import { offlineEngine } from './git-commands';
import { print, printJson } from './report';
import { cleanLine } from './terminal-safe';

const DATA_DIR = 'the data dir (outside a session; used directly when no instance runs)';

/** The request named, else $MAESTRO_ROOT_ID, else the latest one. */
async function whichRequest(given: string | undefined, latest: () => Promise<RootSummary[]> | RootSummary[]): Promise<string> {
  const id = given?.trim() || process.env.MAESTRO_ROOT_ID;
  if (id) return id;
  const roots = await latest();
  if (!roots.length) throw new CliError('there are no requests yet');
  return roots[0]!.id;
}

/** Runs a command on the running instance, else on an engine opened on the data dir. */
async function run<K extends CommandName>(
  method: K,
  request: string | undefined,
  dataDir: string | undefined,
  params: (rootId: string) => CommandParams<K>,
  offline: (e: Engine, p: CommandParams<K>) => CommandResults[K] | Promise<CommandResults[K]>,
): Promise<CommandResults[K]> {
  const ep = findEndpoint(dataDir);
  if (ep) {
    const rootId = await whichRequest(request, () => call(ep, 'roots.list', {}));
    return call(ep, method, params(rootId));
  }
  return offlineEngine(dataDir, async (e) => offline(e, params(await whichRequest(request, () => e.listRoots()))));
}

function said(o: { json?: boolean }, result: unknown, text: string): void {
  if (o.json) printJson(result);
  else print(text);
}

function readPlanFile(file: string): unknown {
  try {
    return JSON.parse(file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read the plan from ${file === '-' ? 'standard input' : file}: ${(err as Error).message}`, 2);
  }
}

type Opts = { dataDir?: string; json?: boolean };

export function registerRequestCommands(program: Command): void {
  program
    .command('pause [request]')
    .description('start no new sessions for a request (default: the latest); running ones finish, or with --stop are stopped (their work stays PENDING)')
    .option('--stop', 'stop the running sessions too')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (request: string | undefined, o: Opts & { stop?: boolean }) => {
      const t: TreeSnapshot = await run('roots.pause', request, o.dataDir, (rootId) => ({ rootId, stop: !!o.stop }), (e, p) => e.pauseRoot(p.rootId, p.stop));
      said(o, t, `request ${t.rootId} is paused${o.stop ? ' (its sessions were stopped)' : ''}: \`maestro resume ${t.rootId}\` carries on`);
    });
  program
    .command('resume [request]')
    .description('carry on a paused request')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (request: string | undefined, o: Opts) => {
      const ep = findEndpoint(o.dataDir);
      const t = await run('roots.resume', request, o.dataDir, (rootId) => ({ rootId }), (e, p) => e.resumeRoot(p.rootId));
      said(o, t, `request ${t.rootId} resumed${ep ? '' : ` (no instance runs: \`maestro retry ${t.rootId}\` runs its work here)`}`);
    });
  program
    .command('cancel [request]')
    .description('stop a request for good: running sessions are stopped, unfinished subtasks fail as cancelled')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (request: string | undefined, o: Opts) => {
      const t = await run('roots.cancel', request, o.dataDir, (rootId) => ({ rootId }), (e, p) => e.cancelRoot(p.rootId));
      said(o, t, `request ${t.rootId} is cancelled`);
    });
  program
    .command('rename <request> <title...>')
    .description('give a request another title')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (request: string, words: string[], o: Opts) => {
      const r = await run('roots.rename', request, o.dataDir, (rootId) => ({ rootId, title: words.join(' ') }), (e, p) => e.renameRoot(p.rootId, p.title));
      said(o, r, `request ${r.id} is now "${cleanLine(r.title)}"`);
    });
  program
    .command('archive [request]')
    .description('keep a request out of the history list (--undo brings it back)')
    .option('--undo', 'take it out of the archive')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (request: string | undefined, o: Opts & { undo?: boolean }) => {
      const r = await run('roots.archive', request, o.dataDir, (rootId) => ({ rootId, archived: !o.undo }), (e, p) => e.archiveRoot(p.rootId, p.archived));
      said(o, r, `request ${r.id} is ${r.archived ? 'archived' : 'out of the archive'}`);
    });
  program
    .command('delete <request>')
    .description('delete a request with nothing running: its record, timeline, session logs and (worktree isolation) its branches')
    .option('--yes', 'really delete it')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (request: string, o: Opts & { yes?: boolean }) => {
      if (!o.yes) throw new CliError(`this deletes request ${cleanLine(request)} and its files for good; run again with --yes`, 2);
      const r = await run('roots.delete', request, o.dataDir, (rootId) => ({ rootId }), (e, p) => e.deleteRoot(p.rootId));
      said(o, r, `request ${r.rootId} is deleted`);
    });

  const plan = program.commands.find((c) => c.name() === 'plan')!;
  const onPlan = (name: string, description: string) =>
    plan.command(name).description(description).option('--request <rootId>', 'the request (default: the latest)').option('--data-dir <dir>', DATA_DIR).option('--json', 'print JSON');
  onPlan('approve', 'let a plan that waits for approval run').action(async (o: Opts & { request?: string }) => {
    const t = await run('plan.approve', o.request, o.dataDir, (rootId) => ({ rootId }), (e, p) => e.approvePlan(p.rootId));
    said(o, t, `plan of ${t.rootId} approved`);
  });
  onPlan('reject [reason...]', 'send a waiting plan back: the request fails with the reason').action(async (words: string[], o: Opts & { request?: string }) => {
    const reason = words.join(' ').trim() || undefined;
    const t = await run('plan.reject', o.request, o.dataDir, (rootId) => ({ rootId, reason }), (e, p) => e.rejectPlan(p.rootId, p.reason));
    said(o, t, `plan of ${t.rootId} rejected`);
  });
  onPlan('replan <feedback...>', 'drop a waiting plan and plan again with this feedback').action(async (words: string[], o: Opts & { request?: string }) => {
    const t = await run('plan.replan', o.request, o.dataDir, (rootId) => ({ rootId, feedback: words.join(' ') }), (e, p) => e.replan(p.rootId, p.feedback));
    said(o, t, `planning ${t.rootId} again with your feedback`);
  });
  onPlan('edit <file>', 'replace a waiting plan with an edited one (JSON file, or - for standard input)').action(async (file: string, o: Opts & { request?: string }) => {
    const edited = readPlanFile(file);
    const t = await run('plan.edit', o.request, o.dataDir, (rootId) => ({ rootId, plan: edited }), (e, p) => e.editPlan(p.rootId, p.plan));
    said(o, t, `plan of ${t.rootId} edited; it waits for approval`);
  });
}
