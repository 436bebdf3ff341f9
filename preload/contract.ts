// The ONE typed API contract between the engine and its clients.
//
// Commands are validated with zod wherever they enter the engine: the local HTTP API (the `maestro`
// CLI), Electron IPC and the browser-mode WebSocket all go through the same dispatcher
// (main/core/api/dispatcher.ts), so no command is wired twice. This file is pure: no Node, no Electron.
import { z } from 'zod';
import type {
  RequestGitView,
  RootSummary,
  SessionInfo,
  TaskStatus,
  TaskView,
  TimelineEvent,
  TreeSnapshot,
} from './model';

const id = z.string().trim().min(1, 'an id is required').max(200);
const text = (what: string, max = 20_000) =>
  z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} has at most ${max.toLocaleString('en-US')} characters`);

/** The caps on a plan (main/core/plan.ts checks the counts first and names the cap it hit). */
export const PLAN_LIMITS = {
  groups: 200,
  subtasksPerGroup: 100,
  subtasks: 1000,
  idChars: 64,
  titleChars: 500,
  agentChars: 100,
  descriptionChars: 20_000,
  summaryChars: 20_000,
} as const;
const L = PLAN_LIMITS;
const most = (n: number, what: string) => `has at most ${n.toLocaleString('en-US')} ${what}`;

export const planSubtaskSchema = z.object({
  id: text('a subtask id', L.idChars),
  title: text('a subtask title', L.titleChars),
  description: z.string().max(L.descriptionChars, `a description ${most(L.descriptionChars, 'characters')}`).default(''),
});
export const planGroupSchema = z.object({
  id: text('a group id', L.idChars),
  title: text('a group title', L.titleChars),
  agent: text('an agent name', L.agentChars).default('worker'),
  /** The agent program that runs this group (default: the request's); must be available on this machine. */
  profile: text('a profile name', L.agentChars).optional(),
  dependsOn: z.array(text('a group id', L.idChars)).max(L.groups, `dependsOn ${most(L.groups, 'group ids')}`).default([]),
  subtasks: z.array(planSubtaskSchema).max(L.subtasksPerGroup, `a group ${most(L.subtasksPerGroup, 'subtasks')}`),
});
export const planSchema = z.object({
  summary: z.string().max(L.summaryChars, `a summary ${most(L.summaryChars, 'characters')}`).default(''),
  groups: z.array(planGroupSchema).max(L.groups, `a plan ${most(L.groups, 'groups')}`),
});
export type Plan = z.infer<typeof planSchema>;
export type PlanGroup = z.infer<typeof planGroupSchema>;
export type PlanSubtask = z.infer<typeof planSubtaskSchema>;

export const settingsSchema = z.object({
  concurrency: z.number().int().min(1).max(64),
  defaultAgentProfile: z.string().min(1),
  customAgentCommand: z.string(),
  model: z.string().min(1),
  maxTokens: z.number().int().min(256).max(200_000),
  maxTurns: z.number().int().min(1).max(1000),
  approvePlans: z.boolean(),
  showOrchestrator: z.boolean(),
  scrollback: z.number().int().min(100).max(100_000),
  /** A running session with no output and no report for this long is flagged as quiet (stalled or waiting for input). */
  quietSeconds: z.number().int().min(1).max(86_400),
  /** `worktree`: each group in its own git worktree and branch when the workspace is a git repository; `in-place`: all in the workspace (absent: `worktree`). */
  isolation: z.enum(['worktree', 'in-place']).optional(),
});
export type Settings = z.infer<typeof settingsSchema>;

export interface AppInfo {
  /** Where this instance keeps its data (chosen at start: --data-dir, MAESTRO_DATA_DIR, or the OS app-data folder). */
  dataDir: string;
  version: string;
  /** Where a request given no workspace runs: the engine's working directory (`serve --workspace`, or where it started). */
  defaultWorkspace: string;
}

export interface SecretsStatus {
  /** Where the key that sessions use comes from: the environment (it wins), the app's store, or nowhere. */
  anthropicApiKey: 'stored' | 'environment' | 'missing';
  /** A key is stored in the app (used when the environment has none). */
  stored: boolean;
  /** How the stored key is protected. */
  storage: 'os-keychain' | 'file-0600';
}

/** One file of a diff. */
export interface DiffFile {
  file: string;
  /** The old path of a rename. */
  from?: string;
  added: number;
  deleted: number;
  binary: boolean;
}

export interface DiffResult {
  /** What was compared: a group's branch since it started, or the request's integration branch against its base. */
  scope: 'group' | 'request';
  /** The branch whose changes these are, and what they are compared with. */
  branch: string;
  base: string;
  files: DiffFile[];
  /** The unified diff (absent with `stat: true`). */
  patch?: string;
}

export type ApplyResult =
  | { ok: true; branch: string; before: string; after: string; files: string[]; alreadyApplied: boolean }
  | { ok: false; reason: 'not-repository' | 'other-repository' | 'detached' | 'dirty' | 'staged' | 'conflict' | 'failed'; message: string; files: string[] };

export interface TaskDetail {
  task: TaskView;
  subtasks: TaskView[];
  timeline: TimelineEvent[];
  sessions: SessionInfo[];
}

/** Commands: name → params schema. Results are typed in `CommandResults`. */
export const commandSchemas = {
  'roots.list': z.object({}).default({}),
  'roots.create': z.object({
    request: text('the request'),
    title: z.string().trim().max(500).optional(),
    workspace: z.string().trim().min(1).optional(),
    agentProfile: z.string().trim().min(1).optional(),
    agentCommand: z.string().trim().min(1).optional(),
    budgetUsd: z.number().positive().optional(),
    plannerProfile: z.string().trim().min(1).optional(),
    /** Worker sessions of this request at once (default: the `concurrency` setting). */
    concurrency: z.number().int().min(1).max(64).optional(),
    /** Show the plan for approval before it runs (default: the `approvePlans` setting). */
    approvePlan: z.boolean().optional(),
    /** `worktree` (default in a git repository: the `isolation` setting) or `in-place`. */
    isolation: z.enum(['worktree', 'in-place']).optional(),
    plan: z.unknown().optional(),
  }),
  /** `limit`: only the first tasks in the tree's order (the root, then depth first), `partial` if cut. */
  'tree.get': z.object({ rootId: id, limit: z.number().int().min(1).max(1_000_000).optional() }),
  'task.show': z.object({ id, timelineLimit: z.number().int().min(0).max(10_000).default(20) }),
  'task.start': z.object({ id }),
  'task.log': z.object({ id, message: text('the message', 10_000) }),
  'task.complete': z.object({ id, summary: z.string().trim().max(20_000).optional() }),
  'task.fail': z.object({ id, reason: text('the reason') }),
  'task.block': z.object({ id, reason: text('the reason') }),
  'subtask.add': z.object({
    parentId: id,
    title: text('the title', 500),
    description: z.string().trim().max(20_000).default(''),
  }),
  'task.retry': z.object({ id }),
  'usage.record': z.object({
    id,
    model: z.string().trim().min(1).max(200),
    inputTokens: z.number().int().min(0),
    outputTokens: z.number().int().min(0),
    cacheReadTokens: z.number().int().min(0).optional(),
    cacheWriteTokens: z.number().int().min(0).optional(),
  }),
  'plan.submit': z.object({ rootId: id, plan: z.unknown() }),
  /** Starts a plan that waits for approval (setting `approvePlans`). */
  'plan.approve': z.object({ rootId: id }),
  /** Sends a plan that waits for approval back: the request fails with the reason ("plan rejected"). */
  'plan.reject': z.object({ rootId: id, reason: z.string().trim().max(20_000).optional() }),
  /** Replaces a plan that waits for approval with an edited one (validated as `plan.submit`). */
  'plan.edit': z.object({ rootId: id, plan: z.unknown() }),
  /** Drops a plan that waits for approval and plans again with the feedback added to the request. */
  'plan.replan': z.object({ rootId: id, feedback: text('the feedback', 20_000) }),
  /** No new sessions for the request; running ones finish (`stop`: they are stopped, their unreported subtasks go back to PENDING). */
  'roots.pause': z.object({ rootId: id, stop: z.boolean().default(false) }),
  /** Carries on a paused request. */
  'roots.resume': z.object({ rootId: id }),
  /** Stops the request for good: running sessions are stopped, unfinished subtasks fail as cancelled. */
  'roots.cancel': z.object({ rootId: id }),
  /** Removes a request with nothing running: its snapshot, journal, session logs (and its branches). */
  'roots.delete': z.object({ rootId: id }),
  'roots.rename': z.object({ rootId: id, title: text('the title', 500) }),
  /** Keeps a request out of the default history list (or brings it back). */
  'roots.archive': z.object({ rootId: id, archived: z.boolean() }),
  /** Whether an Anthropic API key is stored (the key itself never goes back to a client). */
  'secrets.status': z.object({}).default({}),
  /** Stores the Anthropic API key (null removes it). Write-only. */
  'secrets.setApiKey': z.object({ key: z.string().trim().min(1).max(500).nullable() }),
  'session.stop': z.object({ sessionId: id }),
  /**
   * The agent of a session needs a person (`needsInput: true`, with what it asks) or no longer does
   * (Claude Code's Notification and Stop hooks call it through `maestro session attention`). A session
   * may set it only on itself. `transcriptPath`: the agent's transcript, read for token usage when the
   * flag is cleared (end of a turn) and when the session ends.
   */
  'session.attention': z.object({
    sessionId: id,
    needsInput: z.boolean(),
    message: z.string().trim().max(2_000).optional(),
    transcriptPath: z.string().trim().min(1).max(4_096).optional(),
  }),
  'session.write': z.object({ sessionId: id, data: z.string().max(1_000_000) }),
  'session.resize': z.object({
    sessionId: id,
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(1).max(500),
  }),
  'session.replay': z.object({ sessionId: id, maxBytes: z.number().int().min(0).max(50_000_000).optional() }),
  /** Start streaming a session's output to this client (a visible pane): the replay, then live data. */
  'session.attach': z.object({ sessionId: id }),
  /** Stop streaming (the pane is hidden or closed); the session keeps running and logging. */
  'session.detach': z.object({ sessionId: id }),
  /** The client's terminal has parsed this many more chars of the session (flow control). */
  'session.ack': z.object({ sessionId: id, chars: z.number().int().min(0) }),
  /** What a group's branch changed since it started (a subtask: its group's; the request: the integration branch against its base). */
  'task.diff': z.object({ id, stat: z.boolean().default(false) }),
  /** Runs a COMPLETED group again with a note: a new session on the same branch; its changes merge again. */
  'task.redo': z.object({ id, note: text('the note', 20_000) }),
  /** Merges the request's integration branch into the workspace's current branch (never switches branch). */
  'roots.apply': z.object({ rootId: id }),
  /** Deletes the request's branches and worktrees. */
  'roots.discard': z.object({ rootId: id }),
  /** Facts about the running app: its data folder and version (read-only). */
  'app.info': z.object({}).default({}),
  'settings.get': z.object({}).default({}),
  'settings.set': settingsSchema.partial(),
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandParams<K extends CommandName> = z.input<(typeof commandSchemas)[K]>;
export type ParsedParams<K extends CommandName> = z.output<(typeof commandSchemas)[K]>;

export interface CommandResults {
  'roots.list': RootSummary[];
  'roots.create': TreeSnapshot;
  'tree.get': TreeSnapshot;
  'task.show': TaskDetail;
  'task.start': TaskView;
  'task.log': { ok: true; seq: number };
  'task.complete': TaskView;
  'task.fail': TaskView;
  'task.block': TaskView;
  'subtask.add': TaskView;
  'task.retry': { rootId: string; reset: string[] };
  'usage.record': { ok: true; costUsd?: number };
  'plan.submit': TreeSnapshot;
  'plan.approve': TreeSnapshot;
  'plan.reject': TreeSnapshot;
  'plan.edit': TreeSnapshot;
  'plan.replan': TreeSnapshot;
  'roots.pause': TreeSnapshot;
  'roots.resume': TreeSnapshot;
  'roots.cancel': TreeSnapshot;
  'roots.delete': { ok: true; rootId: string };
  'roots.rename': RootSummary;
  'roots.archive': RootSummary;
  'task.diff': DiffResult;
  'task.redo': { rootId: string; groupId: string };
  'roots.apply': ApplyResult;
  'roots.discard': { removedWorktrees: string[]; deletedBranches: string[]; kept: { branch: string; reason: string }[] };
  'secrets.status': SecretsStatus;
  'secrets.setApiKey': SecretsStatus;
  'session.stop': SessionInfo;
  'session.attention': SessionInfo;
  'session.write': { ok: true };
  'session.resize': { ok: true };
  'session.replay': { data: string; restored: boolean };
  'session.attach': { data: string; restored: boolean; live: boolean };
  'session.detach': { ok: true };
  'session.ack': { ok: true };
  'app.info': AppInfo;
  'settings.get': Settings;
  'settings.set': Settings;
}

/** Events pushed from the engine to every client. */
export interface EngineEvents {
  /** Tasks whose view changed (status, progress, usage, new tasks). */
  /** `git`: the request's branches, when a merge, a conflict or an apply changed them. */
  'tasks.changed': { rootId: string; tasks: TaskView[]; git?: RequestGitView };
  'roots.changed': { roots: RootSummary[] };
  'session.changed': SessionInfo;
  /** Batched terminal output. Kept out of any store: renderers feed it straight to xterm. */
  'session.data': { sessionId: string; data: string };
  'timeline.event': { rootId: string; event: TimelineEvent };
  notice: { level: 'info' | 'warning' | 'error'; message: string; rootId?: string; taskId?: string };
}
export type EventName = keyof EngineEvents;

/** The API a client sees, whatever the transport (Electron IPC, WebSocket, HTTP). */
export interface MaestroApi {
  call<K extends CommandName>(method: K, params: CommandParams<K>): Promise<CommandResults[K]>;
  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void;
  /** The desktop app only: the system's folder picker; the chosen folder, or null when cancelled. */
  pickFolder?(): Promise<string | null>;
  /**
   * The desktop app only: asks for this window's terminal MessagePort, which the preload then posts to
   * the window as a `TERMINAL_PORT_MESSAGE` message (preload/wire.ts, renderer/api/terminal-port.ts).
   */
  requestTerminalPort?(): void;
}

/** Error codes every transport maps to (HTTP status in parentheses). */
export type ApiErrorCode =
  | 'bad-request' // 400
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'conflict' // 409
  | 'internal'; // 500

export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  internal: 500,
};

export type { TaskStatus };
