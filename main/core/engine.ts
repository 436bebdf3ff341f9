// The engine: the task trees, plans, the scheduler and the sessions, behind one object.
//
// Every state change goes through `commit()`: aggregates are recomputed, the root document is written
// atomically and the changed views are emitted, before the call that caused the change returns. The
// scheduler runs after each commit and spawns a worker session for every group whose dependencies are
// COMPLETED, up to the concurrency limit.
import fs from 'node:fs';
import path from 'node:path';
import type { CommandResults, EngineEvents, SecretsStatus, Settings, TaskDetail } from '../../preload/contract';
import { ApiError } from '../../preload/wire';
import { addUsage, aggregateTree, isWithin, leavesOf, type Aggregate } from '../../preload/tree';
import { AGENT_PROFILES, AgentUnavailableError, resolveLaunch } from './agents';
import { TypedEmitter } from './events';
import { newSessionId, newTaskId, newToken } from './ids';
import { appVersion, cliEntry, builtinSkillsDir } from './paths';
import { topologicalGroups, validatePlan, PlanValidationError } from './plan';
import { groupPrompt, orchestratorPrompt, orchestratorSystemText, workerSystemText } from './prompt';
import { costOf } from './pricing';
import { FileSecretStore, type SecretStore } from './secrets';
import { inPlace, type WorkspaceStrategy } from './workspace';
import { agentNames, loadSkills, type SkillSet } from './skills';
import { DataStore, DEFAULT_SETTINGS, ROOT_SCHEMA_VERSION, type DocumentFileFactory, type RootDocument } from './store';
import { NodePtyBackend, type PtyBackend } from './terminal/pty';
import { readLogTail } from './terminal/log';
import { TerminalSession } from './terminal/terminal-session';
import type {
  RootOptions,
  RootSummary,
  SessionInfo,
  Task,
  TaskStatus,
  TaskView,
  TimelineEvent,
  TimelineEventType,
  TokenUsage,
  TreeSnapshot,
} from '../../preload/model';

export interface EngineInternalEvents extends EngineEvents {
  /** A root has nothing running and nothing left that can start: it is done, failed or waits for a person. */
  'root.settled': { rootId: string; status: TaskStatus };
}

export interface EngineOptions {
  dataDir: string;
  /** conf under plain Node (default); the Electron shell passes an electron-store factory. */
  files?: DocumentFileFactory;
  pty?: PtyBackend;
  skillsDir?: string;
  /** Settings that override the stored ones for this engine only (e.g. `maestro run --concurrency`). */
  overrides?: Partial<Settings>;
  /** Environment the sessions start from (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
  /** The local API's URL, set by the API server once it listens; sessions receive it as MAESTRO_API. */
  apiUrl?: string;
  /** Where the Anthropic API key is stored (default: a 0600 file in the data dir). */
  secrets?: SecretStore;
  /** Where each session works (default: in place, in the request's workspace). */
  workspaceStrategy?: WorkspaceStrategy;
}

interface LiveSession {
  info: SessionInfo;
  term: TerminalSession;
  token: string;
  stopRequested: boolean;
  /** Maestro ended an interactive agent whose work was all reported. */
  endedByMaestro: boolean;
  /** Clients showing this session (visible panes), each with its own flow-control account. */
  consumers: Map<number, Consumer>;
  /** The last output or report of the session (for stall detection). */
  lastActivity: number;
  exited: Promise<void>;
}

interface Consumer {
  send: (data: string) => void;
  /** Chars sent to this consumer and not yet acknowledged as parsed. */
  unacked: number;
}

/** A client's view of one session's output (see Engine.attachSession). */
export interface Attachment {
  data: string;
  restored: boolean;
  live: boolean;
  ack(chars: number): void;
  detach(): void;
}

interface RootState {
  doc: RootDocument & { planSummary?: string; awaitingApproval?: boolean };
  tasks: Map<string, Task>;
  sessions: Map<string, SessionInfo>;
  timeline: TimelineEvent[];
  agg: Map<string, Aggregate>;
  settled: boolean;
}

/** Who is calling: the app and the CLI outside sessions are `admin`; a session is scoped to its task. */
export type Caller = { kind: 'admin' } | { kind: 'session'; sessionId: string; rootId: string; scopeTaskId: string };

const UNFINISHED: ReadonlySet<TaskStatus> = new Set(['PENDING', 'IN_PROGRESS']);
/** How much recent output a pane gets back when it opens (kept in memory per live session). */
const REPLAY_BYTES = 256 * 1024;

export class Engine extends TypedEmitter<EngineInternalEvents> {
  readonly store: DataStore;
  private readonly roots = new Map<string, RootState>();
  private readonly taskRoot = new Map<string, string>();
  private readonly live = new Map<string, LiveSession>();
  private readonly tokens = new Map<string, string>();
  /** Roots whose work this engine carries out (created, retried or resumed here). */
  private readonly activeRoots = new Set<string>();
  private readonly pty: PtyBackend;
  private readonly secrets: SecretStore;
  private skillsDir: string;
  private settings: Settings;
  private scheduled = false;
  private closed = false;
  apiUrl: string;

  constructor(private readonly opts: EngineOptions) {
    super();
    this.store = new DataStore(opts.dataDir, opts.files);
    this.pty = opts.pty ?? new NodePtyBackend();
    this.secrets = opts.secrets ?? new FileSecretStore(opts.dataDir);
    this.skillsDir = opts.skillsDir ?? builtinSkillsDir();
    this.apiUrl = opts.apiUrl ?? '';
    this.settings = { ...DEFAULT_SETTINGS, ...this.store.readSettings(), ...opts.overrides };
    for (const doc of this.store.loadRoots()) this.loadRoot(doc);
    this.stallTimer = setInterval(() => this.checkStalls(), 1_000);
    this.stallTimer.unref();
  }

  private readonly stallTimer: NodeJS.Timeout;

  /** Output or a report: the session is alive; a quiet flag is lifted. */
  private touch(live: LiveSession): void {
    live.lastActivity = Date.now();
    if (live.info.quietSince === undefined) return;
    live.info.quietSince = undefined;
    this.emit('session.changed', live.info);
  }

  /** A report through the API counts as activity of the calling session. */
  touchSession(sessionId: string): void {
    const live = this.live.get(sessionId);
    if (live) this.touch(live);
  }

  /**
   * Flags running sessions that have been quiet (no output, no report) for `stallSeconds`: an agent
   * waiting for input, or stuck. The flag shows in the UI and the timeline; it is lifted by activity.
   */
  private checkStalls(): void {
    const limit = this.settings.stallSeconds * 1_000;
    const now = Date.now();
    for (const live of this.live.values()) {
      if (live.info.quietSince !== undefined || now - live.lastActivity < limit) continue;
      live.info.quietSince = live.lastActivity;
      const state = this.roots.get(live.info.rootId)!;
      const minutes = Math.round((now - live.lastActivity) / 60_000);
      const quiet = minutes >= 1 ? `${minutes} min` : `${Math.round((now - live.lastActivity) / 1_000)} s`;
      const msg = `session ${live.info.id} has been quiet for ${quiet}: its agent may be waiting for input, or stuck`;
      const ev = this.event(state, live.info.taskId, 'notice', msg, { sessionId: live.info.id });
      this.pendingEvents = this.pendingEvents.filter((e) => e.event !== ev);
      this.emit('timeline.event', { rootId: state.doc.rootId, event: ev });
      this.emit('session.changed', live.info);
      this.notice('warning', `${live.info.title}: ${msg}`, state.doc.rootId, live.info.taskId);
    }
  }

  get dataDir(): string {
    return this.opts.dataDir;
  }

  /** Problems found while loading (files moved aside, invalid settings). */
  get notices(): string[] {
    return this.store.notices;
  }

  // ---- loading and recovery -------------------------------------------------------------------

  private loadRoot(doc: RootDocument): void {
    const state: RootState = {
      doc,
      tasks: new Map(Object.entries(doc.tasks)),
      sessions: new Map(Object.entries(doc.sessions)),
      timeline: this.store.readTimeline(doc.rootId),
      agg: new Map(),
      settled: true,
    };
    this.roots.set(doc.rootId, state);
    for (const id of state.tasks.keys()) this.taskRoot.set(id, doc.rootId);
    // Sessions that were running when the last engine stopped are gone with their processes.
    const changed = new Set<string>();
    for (const s of state.sessions.values()) {
      if (s.status !== 'running' && s.status !== 'starting') continue;
      s.status = 'interrupted';
      s.endedAt = Date.now();
      const reason = `Maestro stopped while session ${s.id} was running`;
      this.event(state, s.taskId, 'session-exit', reason, { sessionId: s.id });
      for (const leaf of this.sessionLeaves(state, s)) {
        if (!UNFINISHED.has(leaf.status)) continue;
        this.setStatus(state, leaf, 'FAILED', reason, { sessionId: s.id });
        changed.add(leaf.id);
      }
      changed.add(s.taskId);
    }
    const root = state.tasks.get(doc.rootId);
    if (root && root.subtasks.length === 0 && root.status === 'IN_PROGRESS') {
      this.setStatus(state, root, 'FAILED', 'Maestro stopped while this request was being planned');
      changed.add(root.id);
    }
    this.recompute(state);
    if (changed.size) this.store.saveRoot(state.doc);
  }

  // ---- reads --------------------------------------------------------------------------------

  listRoots(): RootSummary[] {
    return [...this.roots.values()]
      .map((s) => this.rootSummary(s))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  tree(rootId: string): TreeSnapshot {
    const state = this.rootState(rootId);
    return {
      rootId,
      options: state.doc.options,
      awaitingApproval: !!state.doc.awaitingApproval,
      tasks: [...state.tasks.values()].map((t) => this.view(state, t)),
      sessions: [...state.sessions.values()],
    };
  }

  show(id: string, timelineLimit = 20, caller?: Caller): TaskDetail {
    const { state, task } = this.resolve(id, caller);
    const timeline = timelineLimit
      ? this.recentTimeline(state, task.id, timelineLimit)
      : [];
    return {
      task: this.view(state, task),
      subtasks: task.subtasks.map((c) => this.view(state, state.tasks.get(c)!)),
      timeline,
      sessions: [...state.sessions.values()].filter((s) => s.taskIds.includes(task.id) || isWithin(state.tasks, s.taskId, task.id)),
    };
  }

  getTask(id: string, caller?: Caller): TaskView {
    const { state, task } = this.resolve(id, caller);
    return this.view(state, task);
  }

  session(sessionId: string): SessionInfo {
    const live = this.live.get(sessionId);
    if (live) return live.info;
    for (const state of this.roots.values()) {
      const s = state.sessions.get(sessionId);
      if (s) return s;
    }
    throw new ApiError('not-found', `no session "${sessionId}"`);
  }

  info(): { dataDir: string; version: string } {
    return { dataDir: this.dataDir, version: appVersion() };
  }

  getSettings(): Settings {
    return { ...this.settings };
  }

  setSettings(patch: Partial<Settings>): Settings {
    this.settings = { ...this.settings, ...patch };
    this.store.writeSettings(this.settings);
    this.scheduleSoon();
    return this.getSettings();
  }

  secretsStatus(): SecretsStatus {
    const env = this.opts.baseEnv ?? process.env;
    // The environment's key wins: it is the one sessions get (see sessionEnv).
    const stored = !!this.secrets.get();
    const anthropicApiKey = env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN ? 'environment' : stored ? 'stored' : 'missing';
    return { anthropicApiKey, stored, storage: this.secrets.kind };
  }

  setApiKey(key: string | null): SecretsStatus {
    this.secrets.set(key ?? undefined);
    return this.secretsStatus();
  }

  /** The planner for a new request when none is named: the built-in one with an API key, else an agent CLI. */
  private defaultPlanner(agentProfile: string): string | undefined {
    if (this.secretsStatus().anthropicApiKey !== 'missing') return 'builtin';
    return AGENT_PROFILES.get(agentProfile)?.interactive ? agentProfile : undefined;
  }

  /** The session a token belongs to, if the token is live. */
  sessionForToken(token: string): SessionInfo | undefined {
    const id = this.tokens.get(token);
    return id ? this.live.get(id)?.info : undefined;
  }

  // ---- roots and plans ----------------------------------------------------------------------

  createRoot(params: {
    request: string;
    title?: string;
    workspace?: string;
    agentProfile?: string;
    agentCommand?: string;
    budgetUsd?: number;
    plannerProfile?: string;
    approvePlan?: boolean;
    concurrency?: number;
    plan?: unknown;
  }): TreeSnapshot {
    const workspace = path.resolve(params.workspace ?? process.cwd());
    if (!fs.existsSync(workspace) || !fs.statSync(workspace).isDirectory()) {
      throw new ApiError('bad-request', `the workspace "${workspace}" is not a directory`);
    }
    const agentProfile = params.agentProfile ?? (params.agentCommand ? 'custom' : this.settings.defaultAgentProfile);
    const options: RootOptions = {
      workspace,
      agentProfile,
      agentCommand: params.agentCommand ?? (agentProfile === 'custom' ? this.settings.customAgentCommand || undefined : undefined),
      budgetUsd: params.budgetUsd,
      plannerProfile: params.plan === undefined ? (params.plannerProfile ?? this.defaultPlanner(agentProfile)) : undefined,
      approvePlan: params.approvePlan ?? this.settings.approvePlans,
      concurrency: params.concurrency,
    };
    if (options.plannerProfile && !AGENT_PROFILES.has(options.plannerProfile)) {
      throw new ApiError('bad-request', `unknown planner agent profile "${options.plannerProfile}"`);
    }
    if (!AGENT_PROFILES.has(agentProfile)) {
      throw new ApiError('bad-request', `unknown agent profile "${agentProfile}" (available: ${[...AGENT_PROFILES.keys()].join(', ')})`);
    }
    // Validate a given plan before anything is created.
    const plan = params.plan === undefined ? undefined : validatePlan(params.plan, { knownAgents: this.agentNamesFor(workspace) });
    const now = Date.now();
    const rootId = newTaskId();
    const request = params.request.trim();
    const root = makeTask({ id: rootId, rootId, parentId: null, kind: 'root', title: params.title?.trim() || firstLine(request), description: request }, now);
    const state: RootState = {
      doc: { schemaVersion: ROOT_SCHEMA_VERSION, rootId, options, tasks: { [rootId]: root }, sessions: {}, seq: 0 },
      tasks: new Map([[rootId, root]]),
      sessions: new Map(),
      timeline: [],
      agg: new Map(),
      settled: false,
    };
    this.roots.set(rootId, state);
    this.taskRoot.set(rootId, rootId);
    this.activeRoots.add(rootId);
    this.event(state, rootId, 'created', `request created in ${workspace} (agent profile ${agentProfile})`);
    this.commit(state, [rootId]);
    this.emit('roots.changed', { roots: this.listRoots() });
    if (plan) this.submitPlan(rootId, plan);
    else if (options.plannerProfile) this.startPlanning(state);
    else {
      this.notice(
        'error',
        'Nothing can plan this request: add an Anthropic API key in Settings, choose Claude Code (or another agent CLI) as the agent, ' +
          `or submit a plan (maestro plan submit --root ${rootId} plan.json)`,
        rootId,
      );
    }
    return this.tree(rootId);
  }

  /** Validates a plan and creates its groups and subtasks under the root. Nothing is created from an invalid plan. */
  submitPlan(rootId: string, input: unknown): TreeSnapshot {
    const state = this.rootState(rootId);
    const root = state.tasks.get(rootId)!;
    if (root.subtasks.length) throw new ApiError('conflict', `request ${rootId} already has a plan`);
    let plan;
    try {
      plan = validatePlan(input, { knownAgents: this.agentNamesFor(state.doc.options.workspace) });
    } catch (err) {
      if (err instanceof PlanValidationError) {
        this.event(state, rootId, 'error', err.message, { data: { problems: err.problems } });
        throw new ApiError('bad-request', err.message);
      }
      throw err;
    }
    const now = Date.now();
    const groupTaskIds = new Map(plan.groups.map((g) => [g.id, newTaskId()]));
    const created: string[] = [];
    for (const g of topologicalGroups(plan)) {
      const gid = groupTaskIds.get(g.id)!;
      const group = makeTask(
        { id: gid, rootId, parentId: rootId, kind: 'group', planId: g.id, title: g.title, agent: g.agent, dependsOn: g.dependsOn.map((d) => groupTaskIds.get(d)!) },
        now,
      );
      this.addTask(state, group);
      created.push(gid);
      for (const s of g.subtasks) {
        const sub = makeTask({ rootId, parentId: gid, kind: 'subtask', planId: s.id, title: s.title, description: s.description }, now);
        this.addTask(state, sub);
        created.push(sub.id);
      }
    }
    // Keep the plan's order for the groups, not the topological one.
    root.subtasks = plan.groups.map((g) => groupTaskIds.get(g.id)!);
    state.doc.planSummary = plan.summary;
    if (state.doc.options.approvePlan) state.doc.awaitingApproval = true;
    const waits = state.doc.awaitingApproval ? '; it waits for approval' : '';
    this.event(state, rootId, 'plan', `plan accepted: ${plan.groups.length} groups, ${created.length - plan.groups.length} subtasks${waits}`, {
      data: { summary: plan.summary, groups: plan.groups.map((g) => ({ id: g.id, title: g.title, agent: g.agent, dependsOn: g.dependsOn })) },
    });
    this.activeRoots.add(rootId);
    this.commit(state, [rootId, ...created]);
    if (state.doc.awaitingApproval) this.emit('roots.changed', { roots: this.listRoots() });
    return this.tree(rootId);
  }

  /** Lets a plan that waits for approval run. */
  approvePlan(rootId: string): TreeSnapshot {
    const state = this.rootState(rootId);
    if (!state.doc.awaitingApproval) throw new ApiError('conflict', `request ${rootId} has no plan waiting for approval`);
    state.doc.awaitingApproval = false;
    this.event(state, rootId, 'plan', 'plan approved: starting the workers');
    this.activeRoots.add(rootId);
    state.settled = false;
    this.commit(state, [rootId]);
    this.emit('roots.changed', { roots: this.listRoots() });
    return this.tree(rootId);
  }

  /** Starts the orchestrator session that plans the root. */
  private startPlanning(state: RootState): void {
    const root = state.tasks.get(state.doc.rootId)!;
    this.setStatus(state, root, 'IN_PROGRESS', `planning with the ${state.doc.options.plannerProfile} agent`);
    this.commit(state, [root.id]);
    this.spawnSession(state, root, 'orchestrator');
  }

  /** Marks a root FAILED because planning failed. */
  failPlanning(rootId: string, err: unknown): void {
    const state = this.roots.get(rootId);
    if (!state) return;
    const root = state.tasks.get(rootId)!;
    const message = err instanceof Error ? err.message : String(err);
    if (root.subtasks.length === 0) this.setStatus(state, root, 'FAILED', `planning failed: ${message}`);
    else this.event(state, rootId, 'error', `planning failed: ${message}`);
    this.commit(state, [rootId]);
    this.notice('error', `planning failed: ${message}`, rootId);
  }

  // ---- task reports (the worker contract) ---------------------------------------------------

  startTask(id: string, caller?: Caller): TaskView {
    const { state, task } = this.resolve(id, caller, true);
    if (task.subtasks.length === 0) {
      if (task.status === 'COMPLETED') throw new ApiError('conflict', `task ${label(task)} is already COMPLETED`);
      this.setStatus(state, task, 'IN_PROGRESS', 'started', { sessionId: callerSession(caller) });
    } else {
      task.startedAt ??= Date.now();
      this.event(state, task.id, 'log', 'started', { sessionId: callerSession(caller) });
    }
    this.commit(state, [task.id]);
    return this.view(state, task);
  }

  logTask(id: string, message: string, caller?: Caller): { ok: true; seq: number } {
    const { state, task } = this.resolve(id, caller, true);
    const ev = this.event(state, task.id, 'log', message, { sessionId: callerSession(caller) });
    this.emit('timeline.event', { rootId: state.doc.rootId, event: ev });
    return { ok: true, seq: ev.seq };
  }

  completeTask(id: string, summary: string | undefined, caller?: Caller): TaskView {
    return this.finish(id, 'COMPLETED', summary?.trim() || undefined, caller);
  }

  failTask(id: string, reason: string, caller?: Caller): TaskView {
    return this.finish(id, 'FAILED', reason, caller);
  }

  blockTask(id: string, reason: string, caller?: Caller): TaskView {
    return this.finish(id, 'BLOCKED', reason, caller);
  }

  /**
   * Sets a final status on a leaf. On a task with subtasks it applies to its unfinished leaves, so an
   * agent that reports its whole group at once is understood; leaves already reported keep their status.
   */
  private finish(id: string, status: 'COMPLETED' | 'FAILED' | 'BLOCKED', text: string | undefined, caller?: Caller): TaskView {
    const { state, task } = this.resolve(id, caller, true);
    const sessionId = callerSession(caller);
    const changed: string[] = [task.id];
    if (task.subtasks.length === 0) {
      if (task.status !== status || text !== task.result) this.setStatus(state, task, status, text, { sessionId });
    } else {
      for (const leaf of leavesOf(state.tasks, task.id)) {
        if (!UNFINISHED.has(leaf.status)) continue;
        this.setStatus(state, leaf, status, text, { sessionId });
        changed.push(leaf.id);
      }
      task.result = text ?? task.result;
    }
    this.commit(state, changed);
    return this.view(state, task);
  }

  addSubtask(parentId: string, title: string, description: string, caller?: Caller): TaskView {
    const { state, task: parent } = this.resolve(parentId, caller, true);
    if (parent.kind === 'root') throw new ApiError('bad-request', 'subtasks go below a group or a subtask, not the request itself');
    const now = Date.now();
    const becomesParent = parent.subtasks.length === 0 && parent.kind === 'subtask';
    const sub = makeTask(
      { rootId: state.doc.rootId, parentId: parent.id, kind: 'subtask', planId: this.nextPlanId(state), title: title.trim(), description: description.trim() },
      now,
    );
    this.addTask(state, sub);
    this.event(state, parent.id, 'subtask-added', `subtask ${sub.planId} added: ${sub.title}${becomesParent ? ' (this task now has subtasks)' : ''}`, {
      sessionId: callerSession(caller),
      data: { subtaskId: sub.id },
    });
    this.commit(state, [parent.id, sub.id]);
    return this.view(state, sub);
  }

  /** Adds the token usage of one LLM call (and its estimated cost) to a task. */
  recordUsage(
    id: string,
    u: { model: string; inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number },
    caller?: Caller,
  ): { ok: true; costUsd?: number } {
    const { state, task } = this.resolve(id, caller, true);
    const costUsd = costOf(u.model, u);
    const usage: TokenUsage = { inputTokens: u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0), outputTokens: u.outputTokens };
    if (costUsd !== undefined) usage.costUsd = costUsd;
    task.usage = addUsage(task.usage ? { ...task.usage } : { inputTokens: 0, outputTokens: 0 }, usage);
    this.event(state, task.id, 'usage', `${usage.inputTokens} input + ${usage.outputTokens} output tokens (${u.model})`, {
      sessionId: callerSession(caller),
      data: { ...u, costUsd },
    });
    this.commit(state, [task.id]);
    return costUsd === undefined ? { ok: true } : { ok: true, costUsd };
  }

  // ---- retry and stop -----------------------------------------------------------------------

  /** Resets the unfinished subtasks of the task's group (all groups for the root) and runs them again. */
  retry(id: string, caller?: Caller): CommandResults['task.retry'] {
    const { state, task } = this.resolve(id, caller, true);
    const rootId = state.doc.rootId;
    const root = state.tasks.get(rootId)!;
    const groups: Task[] =
      task.kind === 'root' ? root.subtasks.map((g) => state.tasks.get(g)!) : [this.groupOf(state, task)];
    const reset: string[] = [];
    for (const group of groups) {
      const leaves = leavesOf(state.tasks, group.id).filter((l) => l.status === 'FAILED' || l.status === 'BLOCKED');
      if (leaves.length === 0) continue;
      if (this.activeSessionFor(group.id)) {
        throw new ApiError('conflict', `group ${label(group)} still has a running session; stop it before retrying`);
      }
      for (const leaf of leaves) {
        this.setStatus(state, leaf, 'PENDING', `retry requested (was ${leaf.status})`);
        leaf.result = undefined;
        reset.push(leaf.id);
      }
      this.event(state, group.id, 'retry', `retry: ${leaves.length} subtask(s) reset to PENDING`);
    }
    let replan = false;
    if (task.kind === 'root' && root.subtasks.length === 0 && root.status === 'FAILED') {
      if (this.activeSessionFor(rootId)) throw new ApiError('conflict', 'the request is still being planned');
      this.setStatus(state, root, 'PENDING', 'retry requested: planning again');
      reset.push(rootId);
      replan = true;
    }
    if (reset.length === 0) {
      throw new ApiError('conflict', `nothing to retry under ${label(task)}: no FAILED or BLOCKED subtasks`);
    }
    this.activeRoots.add(rootId);
    state.settled = false;
    this.commit(state, reset);
    if (replan) {
      if (state.doc.options.plannerProfile) this.startPlanning(state);
      else this.notice('info', `request ${rootId} waits for its plan`, rootId);
    }
    return { rootId, reset };
  }

  /** Resumes the unfinished work of a root in this engine (after a restart). */
  resume(rootId: string): void {
    const state = this.rootState(rootId);
    this.activeRoots.add(rootId);
    state.settled = false;
    this.scheduleSoon();
  }

  async stopSession(sessionId: string): Promise<SessionInfo> {
    const live = this.live.get(sessionId);
    if (!live) return this.session(sessionId);
    live.stopRequested = true;
    live.term.kill();
    await live.exited;
    return live.info;
  }

  writeSession(sessionId: string, data: string): void {
    const live = this.live.get(sessionId);
    if (!live) throw new ApiError('conflict', `session ${sessionId} is not running`);
    live.term.write(data);
  }

  resizeSession(sessionId: string, cols: number, rows: number): void {
    const live = this.live.get(sessionId);
    const info = live?.info ?? this.session(sessionId);
    info.cols = cols;
    info.rows = rows;
    live?.term.resize(cols, rows);
  }

  private nextConsumerId = 1;

  /**
   * Streams a session's output to a client: first the recent output (the replay), then every batch
   * from that moment on, with nothing lost or repeated between the two (both happen in one tick for a
   * live session). While at least one client is attached, flow control runs on the slowest client's
   * acknowledgements; with none (hidden panes) the worker runs free into its log.
   */
  async attachSession(sessionId: string, send: (data: string) => void): Promise<Attachment> {
    const live = this.live.get(sessionId);
    if (!live) {
      const { data, restored } = await this.replaySession(sessionId);
      return { data, restored, live: false, ack: () => {}, detach: () => {} };
    }
    const data = live.term.tail();
    const id = this.nextConsumerId++;
    const consumer: Consumer = { send, unacked: 0 };
    if (live.consumers.size === 0) live.term.setFlowControl(true);
    live.consumers.set(id, consumer);
    const maxUnacked = () => Math.max(0, ...[...live.consumers.values()].map((c) => c.unacked));
    const settle = (change: () => void) => {
      const before = maxUnacked();
      change();
      const after = maxUnacked();
      if (after < before) live.term.acknowledge(before - after);
    };
    return {
      data,
      restored: data.length > 0,
      live: true,
      ack: (chars) => settle(() => (consumer.unacked = Math.max(0, consumer.unacked - chars))),
      detach: () => {
        if (!live.consumers.has(id)) return;
        settle(() => live.consumers.delete(id));
        if (live.consumers.size === 0) live.term.setFlowControl(false);
      },
    };
  }

  /** The recent output of a session: from memory while it runs, else from its log file. */
  async replaySession(sessionId: string, maxBytes = REPLAY_BYTES): Promise<{ data: string; restored: boolean }> {
    this.session(sessionId);
    const live = this.live.get(sessionId);
    const data = live ? live.term.tail().slice(-maxBytes) : await readLogTail(this.store.sessionLogPath(sessionId), maxBytes);
    return { data, restored: data.length > 0 };
  }

  // ---- the scheduler ------------------------------------------------------------------------

  private scheduleSoon(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed) this.runScheduler();
    });
  }

  private activeWorkerCount(rootId: string): number {
    let n = 0;
    for (const l of this.live.values()) if (l.info.role === 'worker' && l.info.rootId === rootId) n++;
    return n;
  }

  private activeSessionFor(taskId: string): LiveSession | undefined {
    for (const l of this.live.values()) if (l.info.taskId === taskId) return l;
    return undefined;
  }

  private runScheduler(): void {
    const roots = [...this.activeRoots].map((id) => this.roots.get(id)!).sort(
      (a, b) => a.tasks.get(a.doc.rootId)!.createdAt - b.tasks.get(b.doc.rootId)!.createdAt,
    );
    for (const state of roots) {
      const rootId = state.doc.rootId;
      const root = state.tasks.get(rootId)!;
      if (state.doc.awaitingApproval) continue;
      const groups = root.subtasks.map((id) => state.tasks.get(id)!);
      let waiting = false;
      for (const group of groups) {
        if (this.activeSessionFor(group.id)) continue;
        if (state.agg.get(group.id)?.status === 'COMPLETED') continue;
        const leaves = leavesOf(state.tasks, group.id);
        // A group with a FAILED or BLOCKED subtask waits for a retry (or a person).
        if (leaves.some((l) => l.status === 'FAILED' || l.status === 'BLOCKED')) continue;
        if (!leaves.some((l) => UNFINISHED.has(l.status))) continue;
        const ready = group.dependsOn.every((d) => state.agg.get(d)?.status === 'COMPLETED');
        if (!ready) continue;
        if (this.budgetReached(state)) break;
        // The limit is per request: its own, or the setting.
        if (this.activeWorkerCount(rootId) >= (state.doc.options.concurrency ?? this.settings.concurrency)) {
          waiting = true;
          break;
        }
        this.spawnSession(state, group, 'worker');
      }
      const running = [...this.live.values()].some((l) => l.info.rootId === rootId);
      const planning = root.subtasks.length === 0 && root.status === 'IN_PROGRESS';
      if (!running && !waiting && !planning && !state.settled) {
        state.settled = true;
        this.activeRoots.delete(rootId);
        const status = state.agg.get(rootId)?.status ?? root.status;
        const ev = this.event(state, rootId, 'notice', `nothing left to run: the request is ${status}`);
        this.pendingEvents = this.pendingEvents.filter((e) => e.event !== ev);
        this.emit('timeline.event', { rootId, event: ev });
        this.emit('root.settled', { rootId, status });
      }
    }
  }

  private budgetReached(state: RootState): boolean {
    const budget = state.doc.options.budgetUsd;
    if (!budget) return false;
    const spent = state.agg.get(state.doc.rootId)?.usage.costUsd ?? 0;
    if (spent < budget) return false;
    const msg = `budget of $${budget.toFixed(2)} reached ($${spent.toFixed(2)} spent): no new sessions are started`;
    if (!state.timeline.some((e) => e.type === 'notice' && e.message === msg)) {
      this.event(state, state.doc.rootId, 'notice', msg);
      this.notice('warning', msg, state.doc.rootId);
    }
    return true;
  }

  // ---- sessions -----------------------------------------------------------------------------

  private spawnSession(state: RootState, task: Task, role: 'worker' | 'orchestrator'): void {
    const rootId = state.doc.rootId;
    const { options } = state.doc;
    const profile = role === 'worker' ? options.agentProfile : options.plannerProfile!;
    const sessionId = newSessionId();
    const dir = this.store.sessionDir(sessionId);
    const skills = this.skillsFor(options.workspace);
    const agent = role === 'worker' ? (task.agent ?? 'worker') : 'orchestrator';
    const system = role === 'worker' ? workerSystemText(skills, agent) : orchestratorSystemText(skills);
    const prompt = role === 'worker' ? groupPrompt(state.tasks, task, state.doc.planSummary) : orchestratorPrompt(task, options.workspace);
    const promptFile = path.join(dir, 'prompt.md');
    const systemFile = path.join(dir, 'system.md');
    const fullPromptFile = path.join(dir, 'full-prompt.md');
    fs.writeFileSync(promptFile, prompt);
    fs.writeFileSync(systemFile, system);
    fs.writeFileSync(fullPromptFile, `${system}\n\n---\n\n${prompt}\n`);
    const leaves = role === 'worker' ? leavesOf(state.tasks, task.id).filter((l) => UNFINISHED.has(l.status)) : [];
    const cwd = (this.opts.workspaceStrategy ?? inPlace).prepare(options.workspace, sessionId, task.id);
    const info: SessionInfo = {
      id: sessionId,
      rootId,
      taskId: task.id,
      taskIds: [task.id, ...leaves.map((l) => l.id)],
      role,
      agentProfile: profile,
      agent,
      title: role === 'worker' ? `${task.planId ?? ''} ${task.title}`.trim() : 'Orchestrator',
      cwd,
      command: '',
      status: 'starting',
      startedAt: Date.now(),
      cols: 120,
      rows: 32,
    };
    state.sessions.set(sessionId, info);
    state.doc.sessions[sessionId] = info;

    const token = newToken();
    const env = this.sessionEnv(info, token);
    let term: TerminalSession;
    try {
      const launch = resolveLaunch(
        profile,
        {
          role,
          prompt,
          system,
          promptFile,
          systemFile,
          fullPromptFile,
          sessionDir: dir,
          cwd,
          customCommand: options.agentCommand,
          customSkillsDir: fs.existsSync(path.join(options.workspace, '.skills')) ? path.join(options.workspace, '.skills') : undefined,
          maestro: cliEntry(),
          llm: { model: this.settings.model, maxTokens: this.settings.maxTokens, maxTurns: this.settings.maxTurns },
        },
        env.PATH,
      );
      info.command = [launch.file, ...launch.args].map((a) => (a.length > 200 ? `${a.slice(0, 200)}…` : a)).join(' ');
      term = new TerminalSession({
        backend: this.pty,
        file: launch.file,
        args: launch.args,
        spawn: { cwd, env: { ...env, ...launch.env }, cols: info.cols, rows: info.rows, name: 'xterm-256color' },
        logPath: this.store.sessionLogPath(sessionId),
        tailBytes: REPLAY_BYTES,
      });
    } catch (err) {
      const message = err instanceof AgentUnavailableError ? err.message : `could not start the agent: ${(err as Error).message}`;
      info.status = 'failed-to-start';
      info.error = message;
      info.endedAt = Date.now();
      this.event(state, task.id, 'error', message, { sessionId });
      const changed = [task.id];
      if (role === 'orchestrator') this.setStatus(state, task, 'FAILED', message, { sessionId });
      for (const leaf of leaves) {
        this.setStatus(state, leaf, 'FAILED', message, { sessionId });
        changed.push(leaf.id);
      }
      this.commit(state, changed);
      this.emit('session.changed', info);
      this.notice('error', message, rootId, task.id);
      return;
    }
    term.setFlowControl(false);
    info.pid = term.pid;
    info.status = 'running';
    let resolveExit!: () => void;
    const live: LiveSession = {
      info,
      term,
      token,
      stopRequested: false,
      endedByMaestro: false,
      consumers: new Map(),
      lastActivity: Date.now(),
      exited: new Promise((r) => (resolveExit = r)),
    };
    this.live.set(sessionId, live);
    this.tokens.set(token, sessionId);
    term.onData((data) => {
      this.touch(live);
      for (const c of live.consumers.values()) {
        c.unacked += data.length;
        c.send(data);
      }
      this.emit('session.data', { sessionId, data });
    });
    term.onExit((e) => {
      try {
        this.onSessionExit(live, e.exitCode, e.signal);
      } finally {
        resolveExit();
      }
    });
    this.event(state, task.id, 'session-start', `${role} session ${sessionId} started (${profile}, agent ${agent}, pid ${info.pid})`, {
      sessionId,
    });
    this.commit(state, [task.id]);
    this.emit('session.changed', info);
  }

  private onSessionExit(live: LiveSession, exitCode: number, signal?: number): void {
    const { info, term } = live;
    this.live.delete(info.id);
    this.tokens.delete(live.token);
    const state = this.roots.get(info.rootId)!;
    info.status = live.stopRequested && !live.endedByMaestro ? 'stopped' : 'exited';
    info.quietSince = undefined;
    info.exitCode = exitCode;
    if (signal) info.signal = signal;
    info.endedAt = Date.now();
    const lastLines = term.lastLines(12);
    const how = live.endedByMaestro
      ? 'was ended by Maestro: its work is reported'
      : live.stopRequested
        ? 'was stopped'
        : `exited with code ${exitCode}${signal ? ` (signal ${signal})` : ''}`;
    this.event(state, info.taskId, 'session-exit', `session ${info.id} ${how}`, {
      sessionId: info.id,
      exitCode,
      data: { lastLines },
    });
    const changed = [info.taskId];
    if (info.role === 'orchestrator') {
      const root = state.tasks.get(info.rootId)!;
      if (root.subtasks.length === 0 && root.status === 'IN_PROGRESS') {
        const why = live.stopRequested
          ? 'planning was stopped'
          : `the orchestrator exited with code ${exitCode} without submitting a plan`;
        this.setStatus(state, root, 'FAILED', why, { sessionId: info.id, exitCode, data: { lastLines } });
      }
      this.commit(state, changed);
      this.emit('session.changed', info);
      return;
    }
    const reason = live.stopRequested
      ? `session ${info.id} was stopped before this subtask was reported`
      : `the worker exited with code ${exitCode} before reporting this subtask`;
    for (const leaf of this.sessionLeaves(state, info)) {
      if (!UNFINISHED.has(leaf.status)) continue;
      this.setStatus(state, leaf, 'FAILED', reason, { sessionId: info.id, exitCode, data: { lastLines } });
      changed.push(leaf.id);
    }
    this.commit(state, changed);
    this.emit('session.changed', info);
  }

  /** The leaves a session answers for: everything below its group (including subtasks added while it ran). */
  private sessionLeaves(state: RootState, s: SessionInfo): Task[] {
    return leavesOf(state.tasks, s.taskId).filter((l) => l.id !== s.rootId);
  }

  private sessionEnv(info: SessionInfo, token: string): Record<string, string> {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.baseEnv ?? process.env)) {
      if (v === undefined || k.startsWith('MAESTRO_') || k === 'ELECTRON_RUN_AS_NODE') continue;
      base[k] = v;
    }
    const binDir = this.ensureLauncher();
    const storedKey = this.secrets.get();
    if (storedKey && !base.ANTHROPIC_API_KEY && !base.ANTHROPIC_AUTH_TOKEN) base.ANTHROPIC_API_KEY = storedKey;
    return {
      ...base,
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      PATH: [binDir, base.PATH].filter(Boolean).join(path.delimiter),
      MAESTRO_API: this.apiUrl,
      MAESTRO_TOKEN: token,
      MAESTRO_TASK_ID: info.taskId,
      MAESTRO_ROOT_ID: info.rootId,
      MAESTRO_SESSION_ID: info.id,
      MAESTRO_DATA_DIR: this.dataDir,
    };
  }

  private launcherDir?: string;
  /** Writes <dataDir>/bin/maestro, a launcher for the CLI that every agent finds first on its PATH. */
  private ensureLauncher(): string {
    if (this.launcherDir) return this.launcherDir;
    const dir = path.join(this.dataDir, 'bin');
    fs.mkdirSync(dir, { recursive: true });
    const entry = cliEntry();
    const envPrefix = Object.entries(entry.env)
      .map(([k, v]) => `${k}=${v} `)
      .join('');
    const sh = `#!/bin/sh\n${envPrefix}exec ${[entry.node, ...entry.args].map(shQuote).join(' ')} "$@"\n`;
    fs.writeFileSync(path.join(dir, 'maestro'), sh, { mode: 0o755 });
    const cmdEnv = Object.entries(entry.env)
      .map(([k, v]) => `set ${k}=${v}\r\n`)
      .join('');
    fs.writeFileSync(path.join(dir, 'maestro.cmd'), `@echo off\r\n${cmdEnv}"${entry.node}" ${entry.args.map((a) => `"${a}"`).join(' ')} %*\r\n`);
    this.launcherDir = dir;
    return dir;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private skillsCache = new Map<string, { at: number; set: SkillSet }>();
  skillsFor(workspace: string): SkillSet {
    const hit = this.skillsCache.get(workspace);
    if (hit && Date.now() - hit.at < 2_000) return hit.set;
    const set = loadSkills(this.skillsDir, workspace);
    this.skillsCache.set(workspace, { at: Date.now(), set });
    return set;
  }

  agentNamesFor(workspace: string): string[] {
    return agentNames(this.skillsFor(workspace));
  }

  private rootState(rootId: string): RootState {
    const state = this.roots.get(rootId);
    if (!state) throw new ApiError('not-found', `no request with id "${rootId}"`);
    return state;
  }

  /**
   * Finds a task by id, or by plan id (`s2`, `g1`) within the caller's root. Checks the caller's scope:
   * a session may read its whole root but change only its own group's subtree.
   */
  resolve(idOrPlanId: string, caller?: Caller, write = false): { state: RootState; task: Task } {
    let rootId = this.taskRoot.get(idOrPlanId);
    let task: Task | undefined;
    if (rootId) task = this.roots.get(rootId)!.tasks.get(idOrPlanId);
    else if (caller?.kind === 'session') {
      const state = this.roots.get(caller.rootId);
      task = state ? [...state.tasks.values()].find((t) => t.planId === idOrPlanId) : undefined;
      rootId = task ? caller.rootId : undefined;
    }
    if (!task || !rootId) {
      throw new ApiError(
        'not-found',
        `no task "${idOrPlanId}"${caller?.kind === 'session' ? ' (use a task id like task-abc123de or a plan id like s1 from your prompt)' : ''}`,
      );
    }
    const state = this.roots.get(rootId)!;
    if (caller?.kind === 'session') {
      if (caller.rootId !== rootId) throw new ApiError('forbidden', `task ${idOrPlanId} belongs to another request`);
      if (write && !isWithin(state.tasks, task.id, caller.scopeTaskId)) {
        const scope = state.tasks.get(caller.scopeTaskId);
        throw new ApiError(
          'forbidden',
          `this session may only change tasks of its own group ${scope ? label(scope) : caller.scopeTaskId}; ${label(task)} is outside it`,
        );
      }
    }
    return { state, task };
  }

  private groupOf(state: RootState, task: Task): Task {
    let cur: Task | undefined = task;
    while (cur && cur.kind !== 'group') cur = cur.parentId ? state.tasks.get(cur.parentId) : undefined;
    if (!cur) throw new ApiError('bad-request', `${label(task)} is not part of a plan group`);
    return cur;
  }

  private nextPlanId(state: RootState): string {
    let max = 0;
    for (const t of state.tasks.values()) {
      const m = /^s(\d+)$/.exec(t.planId ?? '');
      if (m) max = Math.max(max, Number(m[1]));
    }
    return `s${max + 1}`;
  }

  private addTask(state: RootState, task: Task): void {
    state.tasks.set(task.id, task);
    state.doc.tasks[task.id] = task;
    this.taskRoot.set(task.id, state.doc.rootId);
    const parent = task.parentId ? state.tasks.get(task.parentId) : undefined;
    if (parent && !parent.subtasks.includes(task.id)) parent.subtasks.push(task.id);
  }

  private setStatus(
    state: RootState,
    task: Task,
    status: TaskStatus,
    text: string | undefined,
    extra: { sessionId?: string; exitCode?: number; data?: Record<string, unknown> } = {},
  ): void {
    const now = Date.now();
    task.status = status;
    task.updatedAt = now;
    if (status === 'IN_PROGRESS') task.startedAt ??= now;
    if (status === 'COMPLETED') task.completedAt = now;
    if (status !== 'PENDING' && status !== 'IN_PROGRESS') task.result = text;
    this.event(state, task.id, 'status', text ? `${status}: ${text}` : status, { ...extra, status });
  }

  private event(
    state: RootState,
    taskId: string,
    type: TimelineEventType,
    message: string,
    extra: { sessionId?: string; exitCode?: number; status?: TaskStatus; data?: Record<string, unknown> } = {},
  ): TimelineEvent {
    const ev: TimelineEvent = { seq: ++state.doc.seq, at: Date.now(), taskId, type, message };
    if (extra.status) ev.status = extra.status;
    if (extra.sessionId) ev.sessionId = extra.sessionId;
    if (extra.exitCode !== undefined) ev.exitCode = extra.exitCode;
    if (extra.data) ev.data = extra.data;
    state.timeline.push(ev);
    this.store.appendTimeline(state.doc.rootId, ev);
    if (type !== 'log') this.pendingEvents.push({ rootId: state.doc.rootId, event: ev });
    return ev;
  }
  private pendingEvents: Array<{ rootId: string; event: TimelineEvent }> = [];

  private recentTimeline(state: RootState, taskId: string, limit: number): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    for (let i = state.timeline.length - 1; i >= 0 && out.length < limit; i--) {
      const ev = state.timeline[i]!;
      if (ev.taskId === taskId || isWithin(state.tasks, ev.taskId, taskId)) out.push(ev);
    }
    return out.reverse();
  }

  private recompute(state: RootState): void {
    const active = new Set<string>();
    for (const l of this.live.values()) if (l.info.rootId === state.doc.rootId) active.add(l.info.taskId);
    state.agg = aggregateTree(state.tasks, state.doc.rootId, active);
  }

  /** Recomputes, persists (atomically, before returning) and announces a change. */
  private commit(state: RootState, changedIds: Iterable<string>): void {
    const before = state.agg.get(state.doc.rootId);
    this.recompute(state);
    for (const id of changedIds) {
      const t = state.tasks.get(id);
      if (t) t.updatedAt = Date.now();
    }
    this.store.saveRoot(state.doc);
    // Changed tasks and every ancestor (their progress moved with them).
    const ids = new Set<string>();
    for (const id of changedIds) {
      let cur = state.tasks.get(id);
      while (cur && !ids.has(cur.id)) {
        ids.add(cur.id);
        cur = cur.parentId ? state.tasks.get(cur.parentId) : undefined;
      }
    }
    const rootId = state.doc.rootId;
    this.emit('tasks.changed', { rootId, tasks: [...ids].map((id) => this.view(state, state.tasks.get(id)!)) });
    const events = this.pendingEvents;
    this.pendingEvents = [];
    for (const e of events) this.emit('timeline.event', e);
    const after = state.agg.get(rootId)!;
    if (!before || before.status !== after.status || before.done !== after.done || before.total !== after.total) {
      this.emit('roots.changed', { roots: this.listRoots() });
    }
    if (this.activeRoots.has(rootId)) state.settled = false;
    this.endFinishedInteractiveSessions(state);
    this.scheduleSoon();
  }

  /** Interactive agents (Claude Code, …) wait for more input when done: end them once their work is reported. */
  private endFinishedInteractiveSessions(state: RootState): void {
    for (const live of this.live.values()) {
      if (live.info.rootId !== state.doc.rootId || live.stopRequested || live.endedByMaestro) continue;
      if (!AGENT_PROFILES.get(live.info.agentProfile)?.interactive) continue;
      const done =
        live.info.role === 'orchestrator'
          ? state.tasks.get(live.info.taskId)!.subtasks.length > 0 || state.tasks.get(live.info.taskId)!.status === 'FAILED'
          : this.sessionLeaves(state, live.info).every((l) => !UNFINISHED.has(l.status));
      if (!done) continue;
      live.endedByMaestro = true;
      // Give the agent a moment to print its last words, then end it (SIGTERM, SIGKILL after a grace).
      setTimeout(() => live.term.kill(), 1_500).unref();
    }
  }

  private view(state: RootState, task: Task): TaskView {
    const agg = state.agg.get(task.id);
    return {
      ...task,
      subtasks: [...task.subtasks],
      dependsOn: [...task.dependsOn],
      effectiveStatus: agg?.status ?? task.status,
      progress: { done: agg?.done ?? 0, total: agg?.total ?? 0 },
      totalUsage: agg?.usage ?? { inputTokens: 0, outputTokens: 0 },
      sessionIds: [...state.sessions.values()].filter((s) => s.taskIds.includes(task.id)).map((s) => s.id),
    };
  }

  private rootSummary(state: RootState): RootSummary {
    const root = state.tasks.get(state.doc.rootId)!;
    const agg = state.agg.get(root.id);
    return {
      id: root.id,
      title: root.title,
      status: agg?.status ?? root.status,
      progress: { done: agg?.done ?? 0, total: agg?.total ?? 0 },
      createdAt: root.createdAt,
      workspace: state.doc.options.workspace,
      awaitingApproval: !!state.doc.awaitingApproval,
    };
  }

  notice(level: 'info' | 'warning' | 'error', message: string, rootId?: string, taskId?: string): void {
    this.emit('notice', { level, message, rootId, taskId });
  }

  /** Waits until the root settles (nothing running, nothing left to start) and returns its status. */
  waitForSettled(rootId: string): Promise<TaskStatus> {
    return new Promise((resolve) => {
      const off = this.on('root.settled', (e) => {
        if (e.rootId !== rootId) return;
        off();
        resolve(e.status);
      });
    });
  }

  /** Stops every live session and waits for their exits, then releases the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    const lives = [...this.live.values()];
    for (const l of lives) {
      l.stopRequested = true;
      l.term.kill();
    }
    await Promise.all(lives.map((l) => l.exited));
    clearInterval(this.stallTimer);
    this.closed = true;
    this.store.close();
  }
}

/** A new PENDING task with the given fields (a fresh id unless one is given). */
function makeTask(init: Pick<Task, 'rootId' | 'parentId' | 'kind' | 'title'> & Partial<Task>, now: number): Task {
  return { id: newTaskId(), description: '', status: 'PENDING', dependsOn: [], subtasks: [], createdAt: now, updatedAt: now, ...init };
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim())?.trim() ?? s.trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

function label(t: Task): string {
  return t.planId ? `${t.planId} (${t.id})` : t.id;
}

function callerSession(caller?: Caller): string | undefined {
  return caller?.kind === 'session' ? caller.sessionId : undefined;
}

function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
