// Runs: the engine's side of sessions — starting one for a group or for planning, what its exit means
// for the tasks, quiet and needs-input notices, usage from agents' transcripts, ending interactive agents whose work is reported, and recovery of
// sessions a stopped engine left behind.
import fs from 'node:fs';
import path from 'node:path';
import type { SessionInfo, Task } from '../../../preload/model';
import { AGENT_PROFILES, AgentUnavailableError } from '../agents';
import { newSessionId, newToken } from '../ids';
import type { SessionExit } from '../sessions/manager';
import { groupPrompt, orchestratorPrompt, orchestratorSystemText, workerSystemText, type GroupContext } from '../sessions/prompt';
import { prepareLaunch, type LaunchInput } from '../sessions/launch';
import type { WorkspaceStrategy } from '../sessions/workspace';
import { commit, type Core } from './core';
import { leavesOf, sessionLeaves, UNFINISHED, type RootState } from './state';

export interface RunEnvironment {
  sessionDir(sessionId: string): string;
  workspaceStrategy: WorkspaceStrategy;
  launchBase(): Omit<LaunchInput, 'info' | 'token' | 'sessionDir' | 'prompt' | 'system' | 'customCommand' | 'customSkillsDir'>;
}

/** Where a worker session runs and what it is told beyond its tasks (worktree isolation, a retry, a conflict). */
export interface WorkerLaunch {
  cwd: string;
  context: GroupContext;
}

export function startSession(core: Core, env: RunEnvironment, state: RootState, task: Task, role: 'worker' | 'orchestrator', launchOpts?: WorkerLaunch): void {
  const rootId = state.doc.rootId;
  const { options } = state.doc;
  const sessionId = newSessionId();
  const skills = core.skillsFor(options.workspace);
  const agent = role === 'worker' ? (task.agent ?? 'worker') : 'orchestrator';
  const leaves = role === 'worker' ? leavesOf(state.tasks, task.id).filter((l) => UNFINISHED.has(l.status)) : [];
  const info: SessionInfo = {
    id: sessionId,
    rootId,
    taskId: task.id,
    taskIds: [task.id, ...leaves.map((l) => l.id)],
    role,
    agentProfile: role === 'worker' ? (task.profile ?? options.agentProfile) : options.plannerProfile!,
    agent,
    title: role === 'worker' ? `${task.planId ?? ''} ${task.title}`.trim() : 'Orchestrator',
    cwd: '',
    command: '',
    status: 'starting',
    startedAt: Date.now(),
    cols: 120,
    rows: 32,
  };
  state.sessions.set(sessionId, info);
  state.doc.sessions[sessionId] = info;
  state.dirtySessions.add(sessionId);
  try {
    info.cwd = launchOpts?.cwd ?? env.workspaceStrategy.prepare(options.workspace, sessionId, task.id);
    const skillsDir = path.join(options.workspace, '.skills');
    const launch = prepareLaunch({
      ...env.launchBase(),
      info,
      token: newToken(),
      sessionDir: env.sessionDir(sessionId),
      prompt: role === 'worker' ? groupPrompt(state.tasks, task, state.doc.planSummary, launchOpts?.context) : orchestratorPrompt(task, options.workspace),
      system:
        role === 'worker'
          ? workerSystemText(skills, agent)
          : orchestratorSystemText(skills, [...AGENT_PROFILES.values()].filter((p) => !core.profileProblem(p.name, options.agentCommand))),
      customCommand: options.agentCommand,
      customSkillsDir: fs.existsSync(skillsDir) ? skillsDir : undefined,
    });
    core.sessions.start(info, launch.env.MAESTRO_TOKEN!, launch);
  } catch (err) {
    const message = err instanceof AgentUnavailableError ? err.message : `could not start the agent: ${(err as Error).message}`;
    info.status = 'failed-to-start';
    info.error = message;
    info.endedAt = Date.now();
    core.journal.event(state, task.id, 'error', message, { sessionId });
    const changed = [task.id];
    if (role === 'orchestrator') core.journal.setStatus(state, task, 'FAILED', message, { sessionId });
    for (const leaf of leaves) {
      core.journal.setStatus(state, leaf, 'FAILED', message, { sessionId });
      changed.push(leaf.id);
    }
    commit(core, state, changed);
    core.publish('session.changed', info);
    core.notice('error', message, rootId, task.id);
    return;
  }
  core.journal.event(state, task.id, 'session-start', `${role} session ${sessionId} started (${info.agentProfile}, agent ${agent}, pid ${info.pid})`, { sessionId });
  commit(core, state, [task.id]);
  core.publish('session.changed', info);
}

/** What a session's exit means: unreported subtasks of a worker FAIL; a planner without a plan fails the request. */
export function sessionExited(core: Core, e: SessionExit): void {
  const { info, exitCode, signal, endedBy, lastLines } = e;
  const state = core.requests.maybe(info.rootId);
  if (!state) return;
  info.status = endedBy === 'stop' ? 'stopped' : 'exited';
  info.exitCode = exitCode;
  if (signal) info.signal = signal;
  info.endedAt = Date.now();
  state.dirtySessions.add(info.id);
  const how =
    endedBy === 'maestro' ? 'was ended by Maestro: its work is reported' : endedBy === 'stop' ? 'was stopped' : `exited with code ${exitCode}${signal ? ` (signal ${signal})` : ''}`;
  core.journal.event(state, info.taskId, 'session-exit', `session ${info.id} ${how}`, { sessionId: info.id, exitCode, data: { lastLines } });
  const changed = [info.taskId];
  if (info.role === 'orchestrator') {
    const root = state.tasks.get(info.rootId)!;
    if (root.subtasks.length === 0 && root.status === 'IN_PROGRESS') {
      const why = endedBy === 'stop' ? 'planning was stopped' : `the orchestrator exited with code ${exitCode} without submitting a plan`;
      core.journal.setStatus(state, root, 'FAILED', why, { sessionId: info.id, exitCode, data: { lastLines } });
    }
  } else {
    const reason =
      endedBy === 'stop' ? `session ${info.id} was stopped before this subtask was reported` : `the worker exited with code ${exitCode} before reporting this subtask`;
    for (const leaf of sessionLeaves(state, info)) {
      if (!UNFINISHED.has(leaf.status)) continue;
      core.journal.setStatus(state, leaf, 'FAILED', reason, { sessionId: info.id, exitCode, data: { lastLines } });
      changed.push(leaf.id);
    }
  }
  commit(core, state, changed);
  core.publish('session.changed', info);
  // Worktree isolation: commit what the session left (or finish its conflict resolution) before anything merges.
  if (info.role === 'worker' && state.doc.git) core.workerExited(state, info);
}

export function sessionQuiet(core: Core, info: SessionInfo, quietMs: number): void {
  const state = core.requests.maybe(info.rootId);
  if (!state) return;
  const minutes = Math.round(quietMs / 60_000);
  const quiet = minutes >= 1 ? `${minutes} min` : `${Math.round(quietMs / 1_000)} s`;
  const msg = `session ${info.id} has been quiet for ${quiet}: its agent may be waiting for input, or stuck`;
  core.journal.event(state, info.taskId, 'notice', msg, { sessionId: info.id });
  core.journal.flush(state);
  core.publish('session.changed', info);
  core.notice('warning', `${info.title}: ${msg}`, state.doc.rootId, info.taskId);
}

/** Interactive agents (Claude Code, …) wait for more input when done: end them once their work is reported. */
export function endFinishedInteractiveSessions(core: Core, state: RootState): void {
  for (const info of core.sessions.list(state.doc.rootId)) {
    if (core.sessions.ending(info.id) || !AGENT_PROFILES.get(info.agentProfile)?.interactive) continue;
    const task = state.tasks.get(info.taskId)!;
    const done =
      info.role === 'orchestrator'
        ? task.subtasks.length > 0 || task.status === 'FAILED'
        : sessionLeaves(state, info).every((l) => !UNFINISHED.has(l.status));
    if (done) core.sessions.endFinished(info.id);
  }
}

/**
 * Sessions recorded as running when the last engine stopped are gone with their processes (or, with
 * SIGHUP ignored, orphans: `endOrphan` ends them): they become `interrupted` and their unreported
 * subtasks FAIL, so a retry carries on. A request being planned fails its planning. Returns whether
 * anything changed.
 */
export function recoverInterrupted(
  core: Core,
  state: RootState,
  endOrphan: (s: SessionInfo) => string | undefined,
  reason = (s: SessionInfo) => `Maestro stopped while session ${s.id} was running`,
): boolean {
  const changed = new Set<string>();
  for (const s of state.sessions.values()) {
    if (s.status !== 'running' && s.status !== 'starting') continue;
    if (core.sessions.get(s.id)) continue; // alive in this engine
    const ended = endOrphan(s);
    s.status = 'interrupted';
    s.attention = undefined;
    s.endedAt = Date.now();
    state.dirtySessions.add(s.id);
    const why = reason(s);
    core.journal.event(state, s.taskId, 'session-exit', ended ? `${why}; ${ended}` : why, { sessionId: s.id });
    for (const leaf of sessionLeaves(state, s)) {
      if (!UNFINISHED.has(leaf.status)) continue;
      core.journal.setStatus(state, leaf, 'FAILED', why, { sessionId: s.id });
      changed.add(leaf.id);
    }
    changed.add(s.taskId);
  }
  const root = state.tasks.get(state.doc.rootId)!;
  if (root.subtasks.length === 0 && root.status === 'IN_PROGRESS') {
    core.journal.setStatus(state, root, 'FAILED', 'Maestro stopped while this request was being planned');
    changed.add(root.id);
  }
  if (changed.size === 0) return false;
  core.journal.commit(state, changed);
  return true;
}

/** A session needs a person: on its timeline, and to every client (the tree, the pane, notifications). */
export function sessionNeedsInput(core: Core, info: SessionInfo): void {
  const state = core.requests.maybe(info.rootId);
  if (!state) return;
  const what = info.attention?.message ? `: ${info.attention.message}` : '';
  core.journal.event(state, info.taskId, 'notice', `session ${info.id} needs input${what}`, { sessionId: info.id, data: { attention: info.attention } });
  core.journal.flush(state);
  core.publish('session.changed', info);
}
