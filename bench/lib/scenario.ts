// Requests whose workers run chosen shell scripts: the `custom` agent runs `run.sh`, which picks the
// script named by the group's title (the first line of the task prompt names the group).
import fs from 'node:fs';
import path from 'node:path';
import type { Serve } from './serve';
import { tmpDir, waitFor } from './util';

/**
 * Scripts start with this: echo off, say so with the ready line, then wait for one line from `release()`
 * before producing output (writing before the echo is off would show the typed line in the output).
 */
export const GATE = "stty -echo; printf '#ready\\n'; IFS= read -r _";
/** The ready line as the PTY delivers it. */
export const READY_LINE = '#ready\r\n';

const RUN_SH = `#!/bin/sh
# $1 is the task prompt; its first line says: Your group is "<name>" (…). Run scripts/<name>.sh.
name=$(sed -n '1s/.*Your group is "\\([^"]*\\)".*/\\1/p' "$1")
exec sh "$(dirname "$0")/scripts/$name.sh"
`;

/** A workspace holding run.sh and one script per worker kind. */
export function makeWorkspace(scripts: Record<string, string>): string {
  const dir = tmpDir('maestro-bench-ws-');
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.writeFileSync(path.join(dir, 'run.sh'), RUN_SH, { mode: 0o755 });
  for (const [name, body] of Object.entries(scripts)) {
    if (!/^[\w-]+$/.test(name)) throw new Error(`bad script name ${name}`);
    fs.writeFileSync(path.join(dir, 'scripts', `${name}.sh`), `${body}\n`);
  }
  return dir;
}

export interface PlanOptions {
  /** Subtasks per group (default 1). */
  subtasks?: number;
}

/** One group per entry, titled with the script it runs. */
export function planOf(groups: string[], opts: PlanOptions = {}) {
  const per = opts.subtasks ?? 1;
  let n = 0;
  return {
    summary: 'benchmark',
    groups: groups.map((script, i) => ({
      id: `g${i + 1}`,
      title: script,
      subtasks: Array.from({ length: per }, () => ({ id: `s${++n}`, title: `step ${n}`, description: '' })),
    })),
  };
}

export interface TreeSnapshot {
  rootId: string;
  tasks: { id: string; kind: string; planId?: string; title: string; status: string }[];
  sessions: SessionInfo[];
}
export interface SessionInfo {
  id: string;
  taskId: string;
  title: string;
  status: string;
  pid?: number;
  cols: number;
  rows: number;
}

export async function createRequest(serve: Serve, workspace: string, plan: unknown, request = 'benchmark'): Promise<TreeSnapshot> {
  return serve.call<TreeSnapshot>('roots.create', {
    request,
    workspace,
    agentCommand: `exec sh ./run.sh {taskFile}`,
    plan,
  });
}

/** Waits until `count` sessions of the root run, and returns them in plan order. */
export async function runningSessions(serve: Serve, rootId: string, count: number, timeoutMs = 60_000): Promise<SessionInfo[]> {
  return waitFor(
    async () => {
      const tree = await serve.call<TreeSnapshot>('tree.get', { rootId });
      const running = tree.sessions.filter((s) => s.status === 'running');
      return running.length >= count ? running : null;
    },
    `${count} running sessions`,
    timeoutMs,
    50,
  );
}

export function logPathOf(serve: Serve, sessionId: string): string {
  return path.join(serve.dataDir, 'sessions', sessionId, 'output.log');
}

/** Waits until a gated script is ready (its echo off). */
export async function whenReady(serve: Serve, sessionId: string): Promise<void> {
  const log = logPathOf(serve, sessionId);
  await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').startsWith(READY_LINE), `session ${sessionId} to be ready`, 60_000, 10);
}

/** Lets a gated script go on (call `whenReady` first). */
export function release(serve: Serve, sessionId: string): Promise<unknown> {
  return serve.call('session.write', { sessionId, data: '\r' });
}

/**
 * A worker script that records what its session was given (task id, session id, scoped token, API, and
 * the `maestro` launcher its PATH finds first) in `session-env/<session>.env` of the workspace, written
 * whole (renamed into place), then idles. The bench then reports as that session, with its own token.
 */
export const RECORD_SESSION_ENV =
  'mkdir -p session-env && f="session-env/$MAESTRO_SESSION_ID" && ' +
  `printf '%s\\n' "$MAESTRO_TASK_ID" "$MAESTRO_SESSION_ID" "$MAESTRO_TOKEN" "$MAESTRO_API" "$MAESTRO_ROOT_ID" "$(command -v maestro)" > "$f.tmp" && ` +
  'mv "$f.tmp" "$f.env"; exec sleep 600';

export interface SessionEnv {
  taskId: string;
  sessionId: string;
  token: string;
  apiUrl: string;
  rootId: string;
  /** The `maestro` the session's PATH finds: the launcher the engine wrote (writeLauncher). */
  launcher: string;
}

/** Waits until `count` workers running RECORD_SESSION_ENV in `workspace` have written their files. */
export async function sessionEnvs(workspace: string, count: number, timeoutMs = 60_000): Promise<SessionEnv[]> {
  const dir = path.join(workspace, 'session-env');
  const files = await waitFor(
    () => {
      const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.env')) : [];
      return names.length >= count ? names : null;
    },
    `${count} sessions to record their environment`,
    timeoutMs,
    20,
  );
  return files.map((name) => {
    const [taskId, sessionId, token, apiUrl, rootId, launcher] = fs.readFileSync(path.join(dir, name), 'utf8').split('\n');
    if (!taskId || !token || !apiUrl || !launcher) throw new Error(`session-env/${name} is incomplete`);
    return { taskId, sessionId: sessionId!, token, apiUrl, rootId: rootId!, launcher };
  });
}
