// Helpers for the agent tests: `maestro` run as a child process (async, so a fake API in this process
// keeps answering), a temporary git workspace, and readers for the data dir.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RecordedRequest } from '../fake-anthropic/server';
import type { TimelineEvent, TreeSnapshot, TaskView } from '../../preload/model';
import { CLI, tmpDir } from '../helpers';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The per-test limit for tests that run real agents end to end. Only a net for a hang: how long a run takes
 * depends on the machine (a busy 2-core machine is several times slower), so the tests wait for the run to
 * end, and `maestro()` gives up early only when a run shows no sign of life for IDLE_LIMIT_MS.
 */
export const REAL_RUN_TIMEOUT_MS = 600_000;
/** A run with no new output and no growth of its data dir's logs for this long has hung. */
export const IDLE_LIMIT_MS = 120_000;

/** Bytes the run has written to its data dir's timelines and session logs: grows while anything happens. */
function dataDirActivity(dataDir: string | undefined): number {
  if (!dataDir) return 0;
  let total = 0;
  const size = (file: string): number => {
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  };
  const list = (dir: string): string[] => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const name of list(path.join(dataDir, 'timelines'))) total += size(path.join(dataDir, 'timelines', name));
  for (const id of list(path.join(dataDir, 'sessions'))) total += size(path.join(dataDir, 'sessions', id, 'output.log'));
  return total;
}

/**
 * Runs the built CLI to its end without blocking this process. There is no budget for the whole run: it
 * fails only when neither its output nor its data dir (`--data-dir`) has changed for `idleMs`.
 */
export function maestro(args: string[], env: Record<string, string> = {}, idleMs = IDLE_LIMIT_MS): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, MAESTRO_API: '', MAESTRO_TOKEN: '', MAESTRO_TASK_ID: '', MAESTRO_ROOT_ID: '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const flag = args.indexOf('--data-dir');
    const dataDir = flag >= 0 ? args[flag + 1] : undefined;
    const signs = (): string => `${stdout.length}/${stderr.length}/${dataDirActivity(dataDir)}`;
    let lastSigns = signs();
    let lastChange = Date.now();
    const watchdog = setInterval(() => {
      const now = signs();
      if (now !== lastSigns) {
        lastSigns = now;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > idleMs) {
        clearInterval(watchdog);
        child.kill('SIGTERM');
        reject(new Error(`maestro ${args.join(' ')} showed no sign of life for ${idleMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }
    }, 1_000);
    child.on('error', (err) => {
      clearInterval(watchdog);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(watchdog);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh git repository with a README. */
export function gitWorkspace(files: Record<string, string> = {}): string {
  const dir = tmpDir('maestro-ws-');
  execFileSync('git', ['init', '-q', dir]);
  fs.writeFileSync(path.join(dir, 'README.md'), '# Greeter\n\nA tiny project that keeps its greetings in text files.\n');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The root id `maestro run` prints as its last line. */
export function rootIdOf(run: CliResult): string {
  const id = run.stdout.trim().split('\n').pop() ?? '';
  if (!/^task-\w+$/.test(id)) throw new Error(`no root id at the end of the output:\n${run.stdout}\n${run.stderr}`);
  return id;
}

export async function treeOf(dataDir: string, rootId: string): Promise<TreeSnapshot> {
  const r = await maestro(['tree', rootId, '--json', '--data-dir', dataDir]);
  if (r.code !== 0) throw new Error(`maestro tree failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TreeSnapshot;
}

export function byPlanId(tree: TreeSnapshot): Map<string, TaskView> {
  return new Map(tree.tasks.map((t) => [t.planId ?? 'root', t]));
}

export function timelineOf(dataDir: string, rootId: string): TimelineEvent[] {
  return fs
    .readFileSync(path.join(dataDir, 'timelines', `${rootId}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TimelineEvent);
}

export function sessionLog(dataDir: string, sessionId: string): string {
  return fs.readFileSync(path.join(dataDir, 'sessions', sessionId, 'output.log'), 'utf8');
}

// ---- reading requests --------------------------------------------------------------------------

type Block = { type: string; text?: string; content?: unknown; is_error?: boolean; name?: string; input?: unknown };

export function toolNames(req: RecordedRequest): string[] {
  return (req.body?.tools ?? []).map((t: { name: string }) => t.name);
}

export function systemText(req: RecordedRequest): string {
  const s = req.body?.system;
  if (typeof s === 'string') return s;
  return Array.isArray(s) ? s.map((b: Block) => b.text ?? '').join('\n') : '';
}

/** The first user message as text (the session's prompt). */
export function firstPrompt(req: RecordedRequest): string {
  const first = req.body?.messages?.[0]?.content;
  if (typeof first === 'string') return first;
  return Array.isArray(first) ? first.map((b: Block) => b.text ?? '').join('\n') : '';
}

/** The tool results of the last user message (empty at the start of a conversation). */
export function lastToolResults(req: RecordedRequest): Array<{ content: string; isError: boolean }> {
  const last = req.body?.messages?.at(-1);
  if (!last || last.role !== 'user' || !Array.isArray(last.content)) return [];
  return (last.content as Block[])
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({
      content: typeof b.content === 'string' ? b.content : Array.isArray(b.content) ? (b.content as Block[]).map((x) => x.text ?? '').join('') : '',
      isError: !!b.is_error,
    }));
}

/** How many assistant turns the conversation has had so far. */
export function turnsSoFar(req: RecordedRequest): number {
  return (req.body?.messages ?? []).filter((m: { role: string }) => m.role === 'assistant').length;
}

/**
 * The environment that runs the real Claude Code CLI offline against the fake Anthropic API: its
 * folder first on PATH, the fake as its endpoint, its own config dir, no telemetry, updates or retries.
 */
export function claudeOfflineEnv(binDir: string, fakeUrl: string, configDir: string): Record<string, string> {
  return {
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    ANTHROPIC_BASE_URL: fakeUrl,
    ANTHROPIC_AUTH_TOKEN: 'test-key',
    ANTHROPIC_API_KEY: '',
    CLAUDE_CONFIG_DIR: configDir,
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  };
}
