// The engine's facade: what the API dispatcher, the CLI and the shells call. Each method is a line or
// two over the rooms: state (requests, recovery), journal, views, planning, reports, runs, scheduler,
// and the live sessions (main/core/sessions). Who may call what is decided in main/core/api/scope.ts.
import type { AppInfo, ApplyResult, CommandResults, DiffResult, SecretsStatus, Settings, TaskDetail } from '../../../preload/contract';
import type { RootSummary, SessionInfo, Task, TaskStatus, TaskView, TreeSnapshot } from '../../../preload/model';
import { ApiError } from '../../../preload/wire';
import { TypedEmitter } from '../events';
import { appVersion, builtinSkillsDir } from '../paths';
import { FileSecretStore } from '../secrets';
import type { SkillSet } from '../skills';
import type { RootDocument } from '../root-document';
import { DataStore } from '../store';
import { SessionManager } from '../sessions/manager';
import type { Attachment } from '../sessions/attach';
import { writeLauncher } from '../sessions/launch';
import { endOrphan } from '../sessions/orphans';
import { inPlace } from '../sessions/workspace';
import { NodePtyBackend } from '../terminal/pty';
import type { Core, EngineInternalEvents } from './core';
import { afterGitWork, IntegrationQueue, workerExited } from './integration';
import { applyRequest, diffOf, discardRequest, leftoverReport, redo } from './review';
import { Journal } from './journal';
import type { EngineOptions } from './options';
import { Setup } from './setup';
import { approvePlan, createRequest, editPlan, rejectPlan, replan, submitPlan, type CreateParams } from './planning';
import { archiveRequest, cancelRequest, deleteRequest, pauseRequest, renameRequest, resumeRequest, stopByPerson } from './control';
import * as reports from './reports';
import { recoverInterrupted, startSession, type RunEnvironment, type WorkerLaunch } from './runs';
import { sessionHost } from './session-host';
import { Transcripts } from './transcripts';
import { guard, WriteHalt } from './halt';
import { tick } from './tick';
import { InvalidRequestError, readRequest, Requests, type RequestDocument, type RootState } from './state';
import { listRoots, taskDetail, taskView, treeSnapshot, treeSnapshotJson } from './views';

export type { EngineInternalEvents } from './core';
export type { Attachment } from '../sessions/attach';
export type { EngineOptions } from './options';

export class Engine extends TypedEmitter<EngineInternalEvents> implements Core {
  readonly store: DataStore;
  readonly requests = new Requests();
  readonly journal: Journal;
  readonly sessions: SessionManager;
  readonly activeRoots = new Set<string>();
  readonly integration = new IntegrationQueue(() => this.scheduleSoon());
  closing = false;
  private readonly runEnv: RunEnvironment;
  private readonly setup: Setup;
  private scheduled = false;
  private closed = false;
  private readonly halt: WriteHalt;
  private launcherDir?: string;
  /** Claude Code transcripts of live sessions (named by their hooks), read for token usage. */
  private readonly transcripts = new Transcripts(this);
  apiUrl: string;

  constructor(private readonly opts: EngineOptions) {
    super();
    this.store = new DataStore(opts.dataDir, opts.files);
    const secrets = opts.secrets ?? new FileSecretStore(opts.dataDir);
    this.setup = new Setup(this.store, secrets, opts.skillsDir ?? builtinSkillsDir(), opts.baseEnv ?? process.env, opts.overrides);
    this.apiUrl = opts.apiUrl ?? '';
    this.halt = new WriteHalt(this, this.store, opts.dataDir);
    this.journal = new Journal(this.store, {
      emit: (e, p) => this.emit(e, p as EngineInternalEvents[typeof e]),
      activeTaskIds: (rootId) => this.sessions.activeTaskIds(rootId),
      allStates: () => this.requests.all(),
      writeFailed: (state, err) => this.halt.writeFailed(state, err),
    });
    this.sessions = new SessionManager(
      opts.pty ?? new NodePtyBackend(),
      sessionHost(this, (info) => this.transcripts.sessionEnded(info)),
      () => this.setup.settings.quietSeconds,
      (id) => this.store.sessionLogPath(id),
    );
    this.runEnv = {
      sessionDir: (id) => this.store.sessionDir(id),
      workspaceStrategy: opts.workspaceStrategy ?? inPlace,
      launchBase: () => ({
        apiUrl: this.apiUrl,
        baseEnv: opts.baseEnv ?? process.env,
        storedApiKey: this.setup.storedApiKey(),
        launcherDir: (this.launcherDir ??= writeLauncher(this.dataDir)),
        llm: { model: this.setup.settings.model, maxTokens: this.setup.settings.maxTokens, maxTurns: this.setup.settings.maxTurns },
      }),
    };
    for (const doc of this.store.loadRoots()) this.load(doc);
    // Worktrees and branches earlier runs left behind: `git worktree prune`, then a notice.
    void leftoverReport(this.requests.all(), this.dataDir).then((found) => {
      for (const n of found) this.notice('warning', n);
    });
  }

  /** Reads a request back and recovers what the last engine left running (state.ts, runs.ts). */
  private load(doc: RootDocument): void {
    let state: RootState;
    try {
      state = readRequest(this.store, doc as RequestDocument);
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      this.store.rejectRoot(doc.rootId, err.message);
      return;
    }
    this.requests.add(state);
    if (recoverInterrupted(this, state, (s) => endOrphan(s.pid, s.pidStartTime))) this.journal.snapshot(state);
  }

  get dataDir(): string {
    return this.opts.dataDir;
  }

  /** Problems found while loading (files moved aside, invalid settings). */
  get notices(): string[] {
    return this.store.notices;
  }

  // ---- Core services for the rooms ----------------------------------------------------------------
  settings(): Settings {
    return this.setup.settings;
  }
  profileProblem(name: string, customCommand?: string): string | undefined {
    return this.setup.profileProblem(name, customCommand);
  }
  skillsFor(workspace: string): SkillSet {
    return this.setup.skillsFor(workspace);
  }
  publish<E extends keyof EngineInternalEvents & string>(event: E, payload: EngineInternalEvents[E]): void {
    this.emit(event, payload);
  }
  notice(level: 'info' | 'warning' | 'error', message: string, rootId?: string, taskId?: string): void {
    this.emit('notice', { level, message, rootId, taskId });
  }
  rootsChanged(): void {
    this.emit('roots.changed', { roots: this.listRoots() });
  }
  startSession(state: RootState, task: Task, role: 'worker' | 'orchestrator', launch?: WorkerLaunch): void {
    startSession(this, this.runEnv, state, task, role, launch);
  }
  workerExited(state: RootState, info: SessionInfo): void {
    workerExited(this, state, info);
  }
  scheduleSoon(): void {
    if (this.scheduled || this.closed || this.closing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed && !this.closing) this.runScheduler();
    });
  }

  // ---- reads ----------------------------------------------------------------------------------
  listRoots(): RootSummary[] {
    return listRoots(this.requests.all());
  }
  /** The request's tree; with `limit`, its first tasks only (views.ts `treeSnapshot`). */
  tree(rootId: string, limit?: number): TreeSnapshot {
    return treeSnapshot(this.requests.get(rootId), (s) => this.sessions.get(s.id) ?? s, this.sessions.activeTaskIds(rootId), limit);
  }
  /** `tree` as JSON text, built from the kept text of the views that did not change (views.ts). */
  treeJson(rootId: string, limit?: number): string {
    return treeSnapshotJson(this.requests.get(rootId), (s) => this.sessions.get(s.id) ?? s, this.sessions.activeTaskIds(rootId), limit);
  }
  /** A task by id, or by plan id within `rootId`. */
  locate(idOrPlanId: string, rootId?: string): { state: RootState; task: Task } {
    return this.requests.locate(idOrPlanId, rootId);
  }
  show(id: string, timelineLimit = 20, rootId?: string): TaskDetail {
    const { state, task } = this.locate(id, rootId);
    return taskDetail(state, task, timelineLimit);
  }
  getTask(id: string, rootId?: string): TaskView {
    const { state, task } = this.locate(id, rootId);
    return taskView(state, task);
  }
  session(sessionId: string): SessionInfo {
    const found = this.sessions.get(sessionId) ?? this.requests.sessionRecord(sessionId);
    if (!found) throw new ApiError('not-found', `no session "${sessionId}"`);
    return found;
  }
  sessionForToken(token: string): SessionInfo | undefined {
    return this.sessions.forToken(token);
  }
  touchSession(sessionId: string): void {
    this.sessions.touch(sessionId);
  }
  info(): AppInfo {
    return { dataDir: this.dataDir, version: appVersion(), defaultWorkspace: process.cwd() };
  }

  // ---- settings and secrets ---------------------------------------------------------------------
  getSettings(): Settings {
    return { ...this.setup.settings };
  }
  setSettings(patch: Partial<Settings>): Settings {
    const next = this.setup.update(patch);
    this.scheduleSoon();
    return next;
  }
  secretsStatus(): SecretsStatus {
    return this.setup.secretsStatus();
  }
  setApiKey(key: string | null): SecretsStatus {
    return this.setup.setApiKey(key);
  }

  // ---- requests and plans -----------------------------------------------------------------------
  async createRoot(params: CreateParams): Promise<TreeSnapshot> {
    return this.tree(await createRequest(this, params));
  }
  submitPlan(rootId: string, plan: unknown): TreeSnapshot {
    submitPlan(this, rootId, plan);
    return this.tree(rootId);
  }
  approvePlan(rootId: string): TreeSnapshot {
    approvePlan(this, rootId);
    return this.tree(rootId);
  }

  rejectPlan(rootId: string, reason?: string): TreeSnapshot {
    rejectPlan(this, rootId, reason);
    return this.tree(rootId);
  }
  editPlan(rootId: string, plan: unknown): TreeSnapshot {
    editPlan(this, rootId, plan);
    return this.tree(rootId);
  }
  async replan(rootId: string, feedback: string): Promise<TreeSnapshot> {
    await replan(this, rootId, feedback);
    return this.tree(rootId);
  }

  // ---- control of a request and the history (control.ts) --------------------------------------------
  async pauseRoot(rootId: string, stop = false): Promise<TreeSnapshot> {
    await pauseRequest(this, this.requests.get(rootId), stop);
    return this.tree(rootId);
  }
  resumeRoot(rootId: string): TreeSnapshot {
    resumeRequest(this, this.requests.get(rootId));
    return this.tree(rootId);
  }
  async cancelRoot(rootId: string): Promise<TreeSnapshot> {
    await cancelRequest(this, this.requests.get(rootId));
    return this.tree(rootId);
  }
  renameRoot(rootId: string, title: string): RootSummary {
    return renameRequest(this, this.requests.get(rootId), title);
  }
  archiveRoot(rootId: string, archived: boolean): RootSummary {
    return archiveRequest(this, this.requests.get(rootId), archived);
  }
  /** Deletes a request with nothing running: its branches and worktrees (worktree isolation), then its files. */
  async deleteRoot(rootId: string): Promise<{ ok: true; rootId: string }> {
    const state = this.requests.get(rootId);
    await deleteRequest(this, state, () => this.discardRoot(rootId), () => this.store.removeRoot(rootId, state.sessions.keys()));
    return { ok: true, rootId };
  }

  // ---- reports (the worker contract) --------------------------------------------------------------
  // `by` is the reporting session, for the timeline.
  startTask(id: string, by?: string): TaskView {
    const { state, task } = this.locate(id);
    reports.startTask(this, state, task, by);
    return taskView(state, task);
  }
  logTask(id: string, message: string, by?: string): { ok: true; seq: number } {
    const { state, task } = this.locate(id);
    return reports.logTask(this, state, task, message, by);
  }
  completeTask(id: string, summary?: string, by?: string): TaskView {
    return this.finish(id, 'COMPLETED', summary?.trim() || undefined, by);
  }
  failTask(id: string, reason: string, by?: string): TaskView {
    return this.finish(id, 'FAILED', reason, by);
  }
  blockTask(id: string, reason: string, by?: string): TaskView {
    return this.finish(id, 'BLOCKED', reason, by);
  }
  private finish(id: string, status: 'COMPLETED' | 'FAILED' | 'BLOCKED', text: string | undefined, by?: string): TaskView {
    const { state, task } = this.locate(id);
    reports.finishTask(this, state, task, status, text, by);
    return taskView(state, task);
  }
  addSubtask(parentId: string, title: string, description: string, by?: string): TaskView {
    const { state, task } = this.locate(parentId);
    return taskView(state, reports.addSubtask(this, state, task, title, description, by));
  }
  recordUsage(id: string, usage: reports.UsageReport, by?: string): { ok: true; costUsd?: number } {
    const { state, task } = this.locate(id);
    return reports.recordUsage(this, state, task, usage, by);
  }
  /** Resets FAILED/BLOCKED work of a group (or the whole request) and carries on what is unfinished. */
  retry(id: string): CommandResults['task.retry'] {
    const { state, task } = this.locate(id);
    return reports.retry(this, state, task);
  }
  // ---- review (worktree isolation: review.ts) ----------------------------------------------------------
  diff(id: string, stat = false): Promise<DiffResult> {
    const { state, task } = this.locate(id);
    return diffOf(state, task, stat);
  }
  redo(id: string, note: string): CommandResults['task.redo'] {
    const { state, task } = this.locate(id);
    const group = task.kind === 'root' ? undefined : reports.groupOfTask(state, task);
    return redo(this, state, task, note, !!group && this.integration.busyGroups(state.doc.rootId).has(group.id));
  }
  applyRoot(rootId: string): Promise<ApplyResult> {
    const state = this.requests.get(rootId);
    return afterGitWork(this, this.integration, state, () => applyRequest(state));
  }
  discardRoot(rootId: string): Promise<CommandResults['roots.discard']> {
    const state = this.requests.get(rootId);
    return afterGitWork(this, this.integration, state, () => discardRequest(state, this.sessions.list(rootId).length));
  }

  /** Carries on the unfinished work of a request in this engine (after a restart). */
  resume(rootId: string): void {
    const state = this.requests.get(rootId);
    this.activeRoots.add(rootId);
    state.settled = false;
    this.scheduleSoon();
  }

  // ---- sessions -----------------------------------------------------------------------------------
  /** A person's Stop: the session ends, its unreported work goes back to PENDING and the request is paused. */
  async stopSession(sessionId: string): Promise<SessionInfo> {
    const live = this.sessions.get(sessionId);
    const state = live && this.requests.maybe(live.rootId);
    if (live && state) await stopByPerson(this, state, live);
    else await this.sessions.stop(sessionId);
    return this.session(sessionId);
  }
  /**
   * A session's agent needs a person, or no longer does (its own signal: Claude Code's hooks). With a
   * transcript, the usage it gained is recorded when the flag is cleared (the end of a turn).
   */
  sessionAttention(sessionId: string, needsInput: boolean, message?: string, transcriptPath?: string): SessionInfo {
    const info = this.sessions.get(sessionId);
    if (!info) throw new ApiError('conflict', `session ${sessionId} is not running`);
    if (transcriptPath) this.transcripts.note(sessionId, transcriptPath);
    this.sessions.setAttention(sessionId, needsInput, message);
    if (!needsInput) this.transcripts.turnEnded(info);
    return info;
  }
  writeSession(sessionId: string, data: string): void {
    if (!this.sessions.write(sessionId, data)) throw new ApiError('conflict', `session ${sessionId} is not running`);
  }
  resizeSession(sessionId: string, cols: number, rows: number): void {
    const info = this.session(sessionId);
    info.cols = cols;
    info.rows = rows;
    this.sessions.resize(sessionId, cols, rows);
  }
  /** Streams a session's output to a client: the replay, then every batch from that moment on. */
  async attachSession(sessionId: string, send: (data: string) => void): Promise<Attachment> {
    // An ended session: its log, once.
    return this.sessions.attach(sessionId, send) ?? { ...(await this.replaySession(sessionId)), live: false, ack: () => {}, detach: () => {} };
  }
  async replaySession(sessionId: string, maxBytes?: number): Promise<{ data: string; restored: boolean }> {
    this.session(sessionId);
    const data = await this.sessions.replay(sessionId, maxBytes);
    return { data, restored: data.length > 0 };
  }

  /** Why the engine stopped starting work (a write to the data dir failed), if it did. */
  get haltedBecause(): string | null {
    return this.halt.reason;
  }

  // ---- the scheduler --------------------------------------------------------------------------------
  private runScheduler(): void {
    if (this.halt.reason) return;
    guard(() => tick(this));
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

  /** Stops every live session and waits for their exits, writes the snapshots, then releases the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    await this.sessions.closeAll();
    // Commits of the sessions that just ended (and any git work under way) finish before the files close.
    await this.integration.idle();
    this.closed = true;
    this.halt.stop();
    guard(() => this.journal.snapshotAll());
    this.store.close();
  }
}

