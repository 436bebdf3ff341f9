// The engine's data model. Pure types: shared by the engine, the CLI, the API contract and the renderer.

export const TASK_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'BLOCKED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What kind of node a task is in the tree: the user's request, a plan group, or a subtask. */
export type TaskKind = 'root' | 'group' | 'subtask';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Estimated cost in US dollars, when the model's price is known. */
  costUsd?: number;
}

export interface Task {
  id: string;
  rootId: string;
  parentId: string | null;
  kind: TaskKind;
  /** The id the plan gave it (`g1`, `s2`), unique within its root; absent on the root. */
  planId?: string;
  title: string;
  description: string;
  /**
   * The status. In a view (TaskView) always the real one; in the engine's own record of a task with
   * subtasks it is not used (the view aggregates it from the subtasks, see tree.ts).
   */
  status: TaskStatus;
  /** The skilled agent (persona skill) that works on a group, e.g. `worker`, `architect`. */
  agent?: string;
  /** The agent profile (program) that runs a group when the plan names one; else the request's. */
  profile?: string;
  /** Task ids of the groups this group waits for. */
  dependsOn: string[];
  subtasks: string[];
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
  /** Free-text outcome: the summary of a completion or the reason of a failure/block. */
  result?: string;
  usage?: TokenUsage;
}

/** A root's request-level settings, fixed when it is created. */
export interface RootOptions {
  workspace: string;
  /** Agent profile that runs the workers (`builtin`, `claude`, `codex`, `gemini`, `custom`). */
  agentProfile: string;
  /** Command line for the `custom` profile. */
  agentCommand?: string;
  /** Optional budget in US dollars; new sessions are not spawned once it is reached. */
  budgetUsd?: number;
  /** Agent profile of the orchestrator session that plans the request; none: the plan is submitted. */
  plannerProfile?: string;
  /** Worker sessions of this request at once; none: the `concurrency` setting. */
  concurrency?: number;
  /** The plan waits for a person's approval before any worker starts. */
  approvePlan?: boolean;
  /**
   * `worktree`: each group works in its own git worktree and branch, merged into the request's
   * integration branch in dependency order (the default in a git repository); `in-place`: every
   * session works in the workspace itself.
   */
  isolation?: 'worktree' | 'in-place';
}

/** A request's git integration, as the views show it (absent for in-place requests). */
export interface RequestGitView {
  integrationBranch: string;
  baseCommit: string;
  /** The user's branch when the request started (where `apply` merges by default). */
  baseBranch: string;
  /** Per group plan id: its branch and how its integration stands. */
  groups: Record<string, { branch: string; state: 'working' | 'merged' | 'conflict' | 'resolving'; files?: string[] }>;
  /** The request's changes were merged into the user's branch. */
  applied?: boolean;
}

export type TimelineEventType =
  | 'created'
  | 'status'
  | 'log'
  | 'plan'
  | 'session-start'
  | 'session-exit'
  | 'error'
  | 'usage'
  | 'retry'
  | 'subtask-added'
  | 'notice';

export interface TimelineEvent {
  /** Monotonic sequence number within the root. */
  seq: number;
  at: number;
  taskId: string;
  type: TimelineEventType;
  message: string;
  /** Status after a `status` event. */
  status?: TaskStatus;
  sessionId?: string;
  exitCode?: number;
  data?: Record<string, unknown>;
}

export type SessionStatus = 'starting' | 'running' | 'exited' | 'stopped' | 'interrupted' | 'failed-to-start';
export type SessionRole = 'worker' | 'orchestrator';

export interface SessionAttention {
  kind: 'needs-input';
  since: number;
  /** Who noticed: the agent itself (hooks) or Maestro from the terminal's last line. */
  source: 'agent' | 'terminal';
  /** What the agent asks, when known (the hook's message or the prompt line). */
  message?: string;
}

export interface SessionInfo {
  id: string;
  rootId: string;
  /** The group task this session works on (the root for an orchestrator session). */
  taskId: string;
  /** Every task this session served: the group and the subtasks it was started for. */
  taskIds: string[];
  role: SessionRole;
  agentProfile: string;
  /** Persona skill of the group. */
  agent: string;
  title: string;
  cwd: string;
  command: string;
  pid?: number;
  /** When the process started (opaque; tells a live orphan from a reused pid after a crash). */
  pidStartTime?: string;
  status: SessionStatus;
  exitCode?: number;
  signal?: number;
  error?: string;
  startedAt: number;
  endedAt?: number;
  /** Since when a running session has shown no output and made no report (see the `quietSeconds` setting). */
  quietSince?: number;
  /**
   * The agent waits for a person (a permission prompt, a question): from its own signal (Claude Code's
   * Notification hook, through `maestro session attention`) or from the terminal (quiet right after
   * output that ends in a prompt). Typing into the pane clears it, and so does the agent's end of turn
   * (hook) or new output (terminal). Only on a live session; `quietSince` is the separate, slower state.
   */
  attention?: SessionAttention;
  cols: number;
  rows: number;
}

/**
 * A task as the API, the CLI and the UI see it. Its `status` is its real status: for a task with
 * subtasks, the one aggregated from them (preload/tree.ts); a group being worked on is IN_PROGRESS.
 */
export interface TaskView extends Task {
  /** Completed leaves / all leaves below (a leaf counts itself). */
  progress: { done: number; total: number };
  /** Token usage of this task and everything below it. */
  totalUsage: TokenUsage;
  sessionIds: string[];
}

export interface TreeSnapshot {
  rootId: string;
  options: RootOptions;
  /** The plan is there and waits for approval (`plan.approve`). */
  awaitingApproval: boolean;
  /** The request's branches (worktree isolation), or a warning that workers share the workspace. */
  git?: RequestGitView;
  isolationWarning?: string;
  /** The planner's summary of its plan. */
  planSummary?: string;
  /** Paused (no new sessions; `roots.resume` carries on) or cancelled (nothing more runs). */
  control?: RequestControl;
  /** Kept out of the default history list (`roots.archive`). */
  archived?: boolean;
  /**
   * `tree.get` with a `limit` left tasks out: `tasks` holds the root and the ones after it in the tree's
   * order (depth first, each task's subtasks in order): the rows a tree view shows from the top.
   */
  partial?: true;
  tasks: TaskView[];
  sessions: SessionInfo[];
}

/** A person's hold on a whole request: `paused` starts no new session until resumed; `cancelled` is final. */
export type RequestControl = 'paused' | 'cancelled';

export interface RootSummary {
  id: string;
  title: string;
  status: TaskStatus;
  progress: { done: number; total: number };
  createdAt: number;
  workspace: string;
  awaitingApproval: boolean;
  control?: RequestControl;
  archived?: boolean;
}
