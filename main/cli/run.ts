// `maestro run`: headless orchestration to the end, with live progress in the terminal.
import fs from 'node:fs';
import { isProfileName } from '../../preload/profiles';
import { ApiError } from '../../preload/wire';
import type { Engine } from '../core/engine';
import { DataDirInUseError, startInstance, type Instance } from '../core/instance';
import type { TaskStatus, TaskView } from '../../preload/model';
import { resolveDataDir } from '../core/paths';
import { choosePlanner, chooseWorkerProfile, keylessPlanners } from '../../preload/planner';
import { CliError } from './client';
import { resolveTaskId } from './resolve';
import { quote, shorten } from '../core/text';
import { formatTree, paint } from './format';
import { failureReport, progressLines } from './progress';
import { cleanLine, stripControls, terminalJson } from './terminal-safe';

export interface RunOptions {
  workspace: string;
  /** The agent program the workers run with (`--profile`). */
  profile?: string;
  /** The older name of --profile, still accepted. */
  agent?: string;
  agentCommand?: string;
  concurrency?: string;
  dataDir?: string;
  plan?: string;
  planner?: string;
  budget?: string;
  /** `worktree` (default in a git repository) or `in-place`. */
  isolation?: string;
  json?: boolean;
}

/** --profile, or its older name --agent; both at once must agree. */
export function profileOption(o: Pick<RunOptions, 'profile' | 'agent'>): string | undefined {
  if (o.profile !== undefined && o.agent !== undefined && o.profile !== o.agent) {
    throw new CliError(`--agent is the older name of --profile: give one of them, not "${o.profile}" and "${o.agent}"`, 2);
  }
  return o.profile ?? o.agent;
}

/** The engine's choice of planner (core/planner.ts) with what it knows: the settings and the API key (environment or stored). */
function plannerFor(engine: Engine, o: RunOptions, agentProfile: string): string | undefined {
  // An unknown profile: the engine refuses it with the list of profiles.
  if (!o.planner && !isProfileName(agentProfile)) return undefined;
  const keyAvailable = engine.secretsStatus().anthropicApiKey !== 'missing';
  const planner = choosePlanner({ explicit: o.planner, agentProfile, keyAvailable });
  if (planner) return planner;
  throw new CliError(
    `who plans this request? pass --plan FILE, set ANTHROPIC_API_KEY (or store a key in the settings) for the built-in planner, ` +
      `or choose a planner agent with --planner ${keylessPlanners().join('|')}`,
    2,
  );
}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new CliError(`${flag} takes a whole number from 1 to 64, not ${quote(v)}`, 2);
  return n;
}

function readPlan(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the plan ${file}: ${(err as Error).message}`, 2);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`the plan ${file} is not valid JSON: ${(err as Error).message}`, 2);
  }
}

/** An instance on the data dir (refused while another one runs there). */
export async function openInstance(dataDirOpt: string | undefined): Promise<Instance> {
  const dataDir = resolveDataDir(dataDirOpt);
  try {
    return await startInstance({ dataDir });
  } catch (err) {
    if (err instanceof DataDirInUseError) {
      throw new CliError(`${err.message}; use that instance (the app or \`maestro serve\`), or pass another --data-dir`);
    }
    throw err;
  }
}

/** Runs until the root settles; returns the process exit code (0 when the root COMPLETED). */
async function drive(instance: Instance, rootId: string, json: boolean, dataDirOpt: string | undefined): Promise<number> {
  const { engine } = instance;
  const progress = new Progress(engine, rootId, process.stdout);
  const stop = () => {
    process.stderr.write('\nmaestro: interrupted; stopping the sessions…\n');
    void instance.close().then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let status: TaskStatus | 'HALTED';
  let offHalt = () => {};
  const halted = new Promise<'HALTED'>((resolve) => (offHalt = engine.on('engine.halted', () => resolve('HALTED'))));
  try {
    status = engine.haltedBecause ? 'HALTED' : await Promise.race([engine.waitForSettled(rootId), halted]);
  } finally {
    offHalt();
    progress.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (status === 'HALTED') {
    const why = engine.haltedBecause;
    await instance.close().catch(() => undefined);
    process.stderr.write(`maestro: ${why}\nmaestro: stopped: what was reported before is saved; make room or fix the data dir, then carry on with \`maestro retry ${rootId}\`\n`);
    process.stdout.write(`${rootId}\n`);
    return 1;
  }
  const tree = engine.tree(rootId);
  await instance.close();
  if (json) process.stdout.write(`${terminalJson(tree)}\n`);
  // On a TTY the live tree is already on screen in its final state.
  else if (!process.stdout.isTTY) process.stdout.write(`\n${formatTree(tree.tasks, rootId)}\n`);
  process.stderr.write(`request ${rootId} ${status}\n`);
  if (status !== 'COMPLETED') {
    const report = failureReport(tree.tasks, rootId, { dataDir: dataDirOpt, color: !!process.stderr.isTTY && !process.env.NO_COLOR });
    if (report) process.stderr.write(`${report}\n`);
  }
  if (tree.git) {
    const dd = dataDirFlag(instance);
    process.stderr.write(
      `its work is on the branch ${cleanLine(tree.git.integrationBranch)} (your ${cleanLine(tree.git.baseBranch)} is untouched)\n` +
        `  review: maestro diff ${rootId} --stat${dd}\n  apply:  maestro apply ${rootId}${dd}\n  drop:   maestro discard ${rootId} --yes${dd}\n`,
    );
  } else if (tree.isolationWarning) process.stderr.write(`note: ${cleanLine(tree.isolationWarning)}\n`);
  process.stdout.write(`${rootId}\n`);
  return status === 'COMPLETED' ? 0 : 1;
}

/** ` --data-dir <dir>` for the printed commands, unless the data dir is the one they find by default. */
function dataDirFlag(instance: Instance): string {
  const dir = instance.engine.dataDir;
  return resolveDataDir(undefined) === dir ? '' : ` --data-dir ${/^[\w@%+=:,./-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, `'\\''`)}'`}`;
}

function isolationOption(v: string | undefined): 'worktree' | 'in-place' | undefined {
  if (v === undefined) return undefined;
  if (v === 'worktree' || v === 'in-place') return v;
  throw new CliError(`--isolation takes worktree or in-place, not ${quote(v)}`, 2);
}

export async function runCommand(request: string, o: RunOptions): Promise<number> {
  const isolation = isolationOption(o.isolation);
  const concurrency = positiveInt(o.concurrency, '--concurrency');
  const budgetUsd = o.budget === undefined ? undefined : Number(o.budget);
  if (budgetUsd !== undefined && !(budgetUsd > 0)) throw new CliError(`--budget takes a positive amount in US dollars, not ${quote(o.budget)}`, 2);
  if (!fs.existsSync(o.workspace) || !fs.statSync(o.workspace).isDirectory()) {
    throw new CliError(`the workspace ${shorten(o.workspace, 200)} is not a directory`, 2);
  }
  const profile = profileOption(o);
  const plan = o.plan ? readPlan(o.plan) : undefined;
  const instance = await openInstance(o.dataDir);
  for (const n of instance.engine.notices) process.stderr.write(`maestro: ${stripControls(n)}\n`);
  let rootId: string;
  try {
    const agentProfile = chooseWorkerProfile({ explicit: profile, agentCommand: o.agentCommand, defaultProfile: instance.engine.getSettings().defaultAgentProfile });
    rootId = (await instance.engine.createRoot({
      request,
      workspace: o.workspace,
      agentProfile,
      agentCommand: o.agentCommand,
      budgetUsd,
      plannerProfile: plan === undefined ? plannerFor(instance.engine, o, agentProfile) : undefined,
      concurrency,
      isolation,
      // Headless: nobody is there to approve a plan.
      approvePlan: false,
      plan,
    })).rootId;
  } catch (err) {
    await instance.close();
    if (err instanceof ApiError) throw new CliError(err.message, 2);
    throw err;
  }
  process.stderr.write(`request ${rootId} started in ${o.workspace}\n`);
  const started = instance.engine.tree(rootId);
  if (started.git) process.stderr.write(`each group works in a git worktree; the result goes to the branch ${cleanLine(started.git.integrationBranch)}\n`);
  if (started.isolationWarning) process.stderr.write(`warning: ${cleanLine(started.isolationWarning)}\n`);
  return drive(instance, rootId, !!o.json, o.dataDir);
}

/**
 * `maestro retry` with no running instance: retry on the data dir and run the work to the end. A plan
 * id is looked up in `request`, else $MAESTRO_ROOT_ID, else the latest request (resolve.ts).
 */
export async function offlineRetry(taskId: string, dataDirOpt?: string, request?: string): Promise<number> {
  const instance = await openInstance(dataDirOpt);
  let rootId: string;
  try {
    const { engine } = instance;
    const id = await resolveTaskId(taskId, { latestRoot: () => engine.listRoots()[0]?.id, tree: (r) => engine.tree(r) }, request);
    rootId = engine.retry(id).rootId;
  } catch (err) {
    await instance.close();
    throw new CliError((err as Error).message);
  }
  process.stderr.write(`retrying in request ${rootId}\n`);
  return drive(instance, rootId, false, dataDirOpt);
}

/** `maestro redo` with no running instance: add the redo and run the work to the end. */
export async function offlineRedo(id: string, note: string, rootIdOpt: string | undefined, dataDirOpt?: string): Promise<number> {
  const instance = await openInstance(dataDirOpt);
  let rootId: string;
  try {
    const within = rootIdOpt || process.env.MAESTRO_ROOT_ID || instance.engine.listRoots()[0]?.id;
    const { task } = instance.engine.locate(id, within);
    rootId = instance.engine.redo(task.id, note).rootId;
  } catch (err) {
    await instance.close();
    throw new CliError((err as Error).message);
  }
  process.stderr.write(`redoing in request ${rootId}\n`);
  return drive(instance, rootId, false, dataDirOpt);
}

/** Live progress: a redrawn tree on a TTY, plain lines otherwise. */
class Progress {
  private readonly offs: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private drawnLines = 0;
  private readonly lastLog = new Map<string, string>();

  constructor(
    private readonly engine: Engine,
    private readonly rootId: string,
    private readonly out: NodeJS.WriteStream,
  ) {
    const tty = !!out.isTTY;
    this.offs.push(
      engine.on('timeline.event', ({ rootId: r, event }) => {
        if (r !== rootId) return;
        const t = safeTask(engine, event.taskId);
        const group = t ? groupOf(engine, t) : undefined;
        if (event.type === 'log' && group) this.lastLog.set(group.id, cleanLine(event.message));
        if (!tty) {
          const who = cleanLine(t?.planId ?? t?.id ?? event.taskId);
          const time = new Date(event.at).toISOString().slice(11, 19);
          out.write(`${time} ${who.padEnd(6)} ${cleanLine(event.type).padEnd(13)} ${cleanLine(event.message)}\n`);
        }
      }),
    );
    if (tty) this.timer = setInterval(() => this.draw(), 150);
  }

  private draw(): void {
    let tree;
    try {
      tree = this.engine.tree(this.rootId);
    } catch {
      return;
    }
    const lines = progressLines(tree.tasks, this.rootId, {
      rows: this.out.rows || 40,
      columns: this.out.columns || 100,
      color: true,
      extra: (t: TaskView) => (t.kind === 'group' && t.status === 'IN_PROGRESS' && this.lastLog.has(t.id) ? paint('dim', `  — ${this.lastLog.get(t.id)}`) : ''),
    });
    // Lines that were drawn before and are not any more (the view got shorter) are cleared below.
    const stale = Math.max(0, this.drawnLines - lines.length);
    let s = this.drawnLines ? `\x1b[${this.drawnLines}F` : '';
    s += lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n';
    if (stale) s += `${'\x1b[2K\n'.repeat(stale)}\x1b[${stale}F`;
    this.out.write(s);
    this.drawnLines = lines.length;
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.draw();
    }
    for (const off of this.offs) off();
  }
}

function safeTask(engine: Engine, id: string): TaskView | undefined {
  try {
    return engine.getTask(id);
  } catch {
    return undefined;
  }
}

function groupOf(engine: Engine, t: TaskView): TaskView | undefined {
  let cur: TaskView | undefined = t;
  while (cur && cur.kind !== 'group') cur = cur.parentId ? safeTask(engine, cur.parentId) : undefined;
  return cur;
}
