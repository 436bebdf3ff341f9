// `maestro diff`, `apply`, `discard`, `redo`: reviewing and bringing back a request's work (worktree
// isolation). They work through a running instance, else directly on the data dir: `diff` reads it
// (changing nothing of Maestro's), `apply`, `discard` and `redo` open the data dir like `maestro retry`
// does, so what they change is recorded.
import type { Command } from 'commander';
import type { ApplyResult, CommandResults, DiffResult } from '../../preload/contract';
import type { TreeSnapshot } from '../../preload/model';
import { call, CliError, findEndpoint, type Endpoint } from './client';
import { paint } from './format';
import { pickId, print, printJson } from './report';
import { cleanLine, stripControls } from './terminal-safe';

const DATA_DIR = 'the data dir (outside a session; used directly when no instance runs)';
const REQUEST = 'the request where plan ids (g1, s2) are looked up (default: $MAESTRO_ROOT_ID, else the latest request)';

/** A task id, or a plan id looked up in a request's tree (the API takes task ids from outside a session). */
async function resolveId(id: string, tree: () => Promise<TreeSnapshot>): Promise<string> {
  if (/^task-/.test(id)) return id;
  const t = await tree();
  const hit = t.tasks.find((x) => x.planId === id);
  if (!hit) throw new CliError(`no task "${cleanLine(id)}" in request ${t.rootId} (give a task id, or --request <rootId> for another request)`, 2);
  return hit.id;
}

async function latest(ep: Endpoint): Promise<string> {
  const roots = await call(ep, 'roots.list', {});
  if (!roots.length) throw new CliError('there are no requests yet');
  return roots[0]!.id;
}

function onlineTree(ep: Endpoint, rootId?: string): () => Promise<TreeSnapshot> {
  return async () => call(ep, 'tree.get', { rootId: rootId ?? (process.env.MAESTRO_ROOT_ID || (await latest(ep))) });
}

export function formatStat(d: DiffResult): string {
  const lines = [`${d.scope === 'group' ? 'group branch' : 'integration branch'} ${cleanLine(d.branch)} since ${d.base.slice(0, 10)}`];
  if (!d.files.length) lines.push('  (no changes)');
  const width = Math.min(60, Math.max(0, ...d.files.map((f) => f.file.length)));
  for (const f of d.files) {
    const name = cleanLine(f.from ? `${f.from} → ${f.file}` : f.file).padEnd(width);
    lines.push(`  ${name} | ${f.binary ? 'binary' : `${paint('green', `+${f.added}`)} ${paint('red', `-${f.deleted}`)}`}`);
  }
  const add = d.files.reduce((n, f) => n + f.added, 0);
  const del = d.files.reduce((n, f) => n + f.deleted, 0);
  lines.push(`  ${d.files.length} file(s) changed, ${add} insertion(s), ${del} deletion(s)`);
  return lines.join('\n');
}

function formatApply(r: ApplyResult, rootId: string): string {
  if (!r.ok) return `not applied (${r.reason}): ${cleanLine(r.message)}`;
  if (r.alreadyApplied) return `request ${rootId} is already in ${cleanLine(r.branch)}: nothing to do`;
  return [`applied request ${rootId} to ${cleanLine(r.branch)} (${r.before.slice(0, 10)} → ${r.after.slice(0, 10)}):`, ...r.files.map((f) => `  ${cleanLine(f)}`)].join('\n');
}

/** Runs `fn` on an engine opened on the data dir (no instance runs), then closes it. */
export async function offlineEngine<T>(dataDir: string | undefined, fn: (engine: import('../core/engine').Engine) => Promise<T>): Promise<T> {
  const { openInstance } = await import('./run');
  const instance = await openInstance(dataDir);
  try {
    return await fn(instance.engine);
  } catch (err) {
    throw new CliError((err as Error).message);
  } finally {
    await instance.close();
  }
}

export function registerGitCommands(program: Command): void {
  program
    .command('diff [taskId]')
    .description('what a group changed on its branch (a subtask: its group; the request: the whole integration branch)')
    .option('--stat', 'files with +/- counts only')
    .option('--request <rootId>', REQUEST)
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (taskId: string | undefined, o: { stat?: boolean; request?: string; dataDir?: string; json?: boolean }) => {
      const given = pickId(taskId, {}, 'maestro diff <taskId> [--stat] [--json]');
      const ep = findEndpoint(o.dataDir);
      let d: DiffResult;
      if (ep) d = await call(ep, 'task.diff', { id: await resolveId(given, onlineTree(ep, o.request)), stat: !!o.stat });
      else {
        const { offlineDiff } = await import('./offline');
        d = await offlineDiff(o.dataDir, given, o.request, !!o.stat);
      }
      if (o.json) printJson(d);
      else if (o.stat) print(formatStat(d));
      else process.stdout.write(stripControls(d.patch ?? ''));
    });

  program
    .command('apply [requestId]')
    .description("merge a request's integration branch into the workspace's current branch (never switches branch)")
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (requestId: string | undefined, o: { dataDir?: string; json?: boolean }) => {
      const ep = findEndpoint(o.dataDir);
      const rootId = requestId ?? (ep ? await latest(ep) : undefined);
      if (!rootId) throw new CliError('which request? usage: maestro apply <requestId>', 2);
      const r = ep ? await call(ep, 'roots.apply', { rootId }) : await offlineEngine(o.dataDir, (e) => e.applyRoot(rootId));
      if (o.json) printJson(r);
      else print(formatApply(r, rootId));
      if (!r.ok) process.exitCode = 1;
    });

  program
    .command('discard <requestId>')
    .description("delete a request's branches and worktrees (its work is lost unless applied)")
    .option('--yes', 'really delete them')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (rootId: string, o: { yes?: boolean; dataDir?: string; json?: boolean }) => {
      if (!o.yes) throw new CliError(`this deletes the branches and worktrees of ${cleanLine(rootId)}; run again with --yes`, 2);
      const ep = findEndpoint(o.dataDir);
      const r: CommandResults['roots.discard'] = ep ? await call(ep, 'roots.discard', { rootId }) : await offlineEngine(o.dataDir, (e) => e.discardRoot(rootId));
      if (o.json) printJson(r);
      else {
        print(`discarded request ${cleanLine(rootId)}: ${r.deletedBranches.length} branch(es), ${r.removedWorktrees.length} worktree(s) removed`);
        for (const k of r.kept) print(`  kept ${cleanLine(k.branch)}: ${cleanLine(k.reason)}`);
      }
    });

  program
    .command('redo [taskId]')
    .description('run a COMPLETED group again with a note: a new session on the same branch; its changes merge again')
    .option('--note <text>', 'what to do differently')
    .option('--request <rootId>', REQUEST)
    .option('--data-dir <dir>', DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (taskId: string | undefined, o: { note?: string; request?: string; dataDir?: string; json?: boolean }) => {
      const usage = 'maestro redo <taskId> --note "…"';
      const given = pickId(taskId, {}, usage);
      if (!o.note?.trim()) throw new CliError(`missing --note; usage: ${usage}`, 2);
      const note = o.note;
      const ep = findEndpoint(o.dataDir);
      if (ep) {
        const r = await call(ep, 'task.redo', { id: await resolveId(given, onlineTree(ep, o.request)), note });
        if (o.json) printJson(r);
        else print(`redoing group ${r.groupId} of request ${r.rootId}`);
        return;
      }
      const { offlineRedo } = await import('./run');
      process.exitCode = await offlineRedo(given, note, o.request, o.dataDir);
    });
}
