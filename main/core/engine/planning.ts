// Planning: creating a request, choosing who plans it, submitting and approving its plan.
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../preload/wire';
import type { RootOptions } from '../../../preload/model';
import { AGENT_PROFILES } from '../agents';
import { inspectWorkspace, IsolationError, startRequest, type StartedRequest } from '../git';
import type { Plan } from '../../../preload/contract';
import { topologicalGroups, validatePlan, PlanValidationError } from '../plan';
import { choosePlanner, chooseWorkerProfile } from '../../../preload/planner';
import { agentNames } from '../skills';
import { ROOT_SCHEMA_VERSION } from '../root-document';
import { commit, type Core } from './core';
import { addTask, firstLine, makeTask, newState, removeTask, type RootState } from './state';
import { newTaskId } from '../ids';

export interface CreateParams {
  request: string;
  title?: string;
  workspace?: string;
  agentProfile?: string;
  agentCommand?: string;
  budgetUsd?: number;
  plannerProfile?: string;
  approvePlan?: boolean;
  concurrency?: number;
  isolation?: 'worktree' | 'in-place';
  plan?: unknown;
}

function knownAgents(core: Core, workspace: string): string[] {
  return agentNames(core.skillsFor(workspace));
}

/** The profiles a plan group may name here, and why another is not available. */
function planProfiles(core: Core, agentCommand: string | undefined): { available: string[]; why: (name: string) => string | undefined } {
  const why = (name: string) => core.profileProblem(name, agentCommand);
  return { available: [...AGENT_PROFILES.keys()].filter((n) => !why(n)), why };
}

interface Isolation {
  started?: StartedRequest;
  warning?: string;
}

/**
 * Worktree isolation when the workspace is a git repository (the default), else in place with a
 * warning — also for a repository without a first commit, or without git, unless worktrees were asked
 * for explicitly. Bad repositories (bare, detached HEAD, unreadable) are refused before anything exists.
 */
async function chooseIsolation(core: Core, params: CreateParams, workspace: string, rootId: string, title: string): Promise<Isolation> {
  const explicit = params.isolation;
  const wanted = explicit ?? core.settings().isolation ?? 'worktree';
  const shared = `workers share the directory ${workspace}, so groups that run at once can overwrite each other's files`;
  if (wanted === 'in-place') return { warning: `isolation in-place: ${shared}` };
  const info = await inspectWorkspace(workspace);
  if (info.kind === 'not-repository') {
    if (explicit) throw new ApiError('bad-request', `${workspace} is not a git repository: worktree isolation needs one (make a first commit there, or choose isolation in-place)`);
    return { warning: `not a git repository: ${shared} (in a git repository each group gets a worktree of its own)` };
  }
  if (info.kind === 'error') {
    // A fresh `git init` (no commit yet) and a machine without git work in place unless worktrees were asked for.
    if ((info.code === 'git-missing' || info.code === 'unborn') && !explicit) return { warning: `${info.message}; until then ${shared}` };
    throw new ApiError('bad-request', `${info.message} (or choose isolation in-place)`);
  }
  try {
    return { started: await startRequest({ repo: workspace, dataDir: core.dataDir, rootId, title }) };
  } catch (err) {
    if (err instanceof IsolationError) throw new ApiError('bad-request', err.message);
    throw err;
  }
}

/** Creates a request; with a plan it is validated before anything is created. Returns the new root's id. */
export async function createRequest(core: Core, params: CreateParams): Promise<string> {
  const settings = core.settings();
  const workspace = path.resolve(params.workspace ?? process.cwd());
  if (!fs.existsSync(workspace) || !fs.statSync(workspace).isDirectory()) {
    throw new ApiError('bad-request', `the workspace "${workspace}" is not a directory`);
  }
  const agentProfile = chooseWorkerProfile({ explicit: params.agentProfile, agentCommand: params.agentCommand, defaultProfile: settings.defaultAgentProfile });
  const options: RootOptions = {
    workspace,
    agentProfile,
    agentCommand: params.agentCommand ?? (agentProfile === 'custom' ? settings.customAgentCommand || undefined : undefined),
    budgetUsd: params.budgetUsd,
    plannerProfile:
      params.plan === undefined
        ? choosePlanner({ explicit: params.plannerProfile, agentProfile, keyAvailable: core.secretsStatus().anthropicApiKey !== 'missing' })
        : undefined,
    approvePlan: params.approvePlan ?? settings.approvePlans,
    concurrency: params.concurrency,
  };
  if (options.plannerProfile && !AGENT_PROFILES.has(options.plannerProfile)) {
    throw new ApiError('bad-request', `unknown planner agent profile "${options.plannerProfile}"`);
  }
  if (!AGENT_PROFILES.has(agentProfile)) {
    throw new ApiError('bad-request', `unknown agent profile "${agentProfile}" (available: ${[...AGENT_PROFILES.keys()].join(', ')})`);
  }
  const plan =
    params.plan === undefined ? undefined : validatePlan(params.plan, { knownAgents: knownAgents(core, workspace), profiles: planProfiles(core, options.agentCommand) });
  const cannot = startProblem(core, options, plan);
  if (cannot) throw new ApiError('bad-request', cannot);
  const rootId = newTaskId();
  const request = params.request.trim();
  const title = params.title?.trim() || firstLine(request);
  const isolation = await chooseIsolation(core, params, workspace, rootId, title);
  options.isolation = isolation.started ? 'worktree' : 'in-place';
  const now = Date.now();
  const root = makeTask({ id: rootId, rootId, parentId: null, kind: 'root', title, description: request }, now);
  const doc = { schemaVersion: ROOT_SCHEMA_VERSION, rootId, options, tasks: { [rootId]: root }, sessions: {}, seq: 0 };
  const state = newState(isolation.started ? { ...doc, git: isolation.started.record, integration: { resolveLeaf: {} } } : { ...doc, isolationWarning: isolation.warning }, []);
  state.settled = false;
  core.requests.add(state);
  core.activeRoots.add(rootId);
  const git = isolation.started?.record;
  core.journal.event(state, rootId, 'created', `request created in ${workspace} (agent profile ${agentProfile}${git ? `; branch ${git.integrationBranch} from ${git.baseBranch} at ${git.baseCommit.slice(0, 10)}` : ''})`);
  if (isolation.warning) core.journal.event(state, rootId, 'notice', isolation.warning);
  if (isolation.started?.notIncluded.length) {
    const files = isolation.started.notIncluded;
    core.journal.event(state, rootId, 'notice', `uncommitted changes in the workspace are not part of this request (it starts from the last commit): ${files.slice(0, 20).join(', ')}${files.length > 20 ? ` and ${files.length - 20} more` : ''}`);
  }
  if (isolation.started?.hasSubmodules) core.journal.event(state, rootId, 'notice', 'the repository has submodules: they are empty in the groups\' worktrees');
  core.journal.snapshot(state); // the first snapshot makes the request findable on disk at once
  commit(core, state, [rootId]);
  core.rootsChanged();
  if (plan) submitPlan(core, rootId, plan);
  else startPlanning(core, state);
  return rootId;
}

/**
 * Why a request could not start, checked before anything exists: nothing can plan it, its planner
 * cannot run here, or the agent its workers run with cannot (a plan whose groups all name their own
 * profile does not need the request's).
 */
function startProblem(core: Core, options: RootOptions, plan: { groups: Array<{ profile?: string }> } | undefined): string | undefined {
  if (!plan) {
    if (!options.plannerProfile) {
      return (
        'nothing can plan this request: add an Anthropic API key in Settings (or ANTHROPIC_API_KEY), choose an agent CLI such as Claude Code as the agent, ' +
        'or give the plan with the request (maestro run --plan plan.json)'
      );
    }
    const planner = core.profileProblem(options.plannerProfile, options.agentCommand);
    if (planner) return `the planner (${options.plannerProfile}) cannot run: ${planner}`;
  }
  if (plan && plan.groups.every((g) => g.profile)) return undefined;
  const worker = core.profileProblem(options.agentProfile, options.agentCommand);
  return worker ? `the agent (${options.agentProfile}) cannot run: ${worker}` : undefined;
}

/** Validates a plan and creates its groups and subtasks under the root. Nothing is created from an invalid plan. */
export function submitPlan(core: Core, rootId: string, input: unknown): void {
  const state = core.requests.get(rootId);
  const root = state.tasks.get(rootId)!;
  if (root.subtasks.length) throw new ApiError('conflict', `request ${rootId} already has a plan`);
  const plan = validateFor(core, state, input);
  const created = createPlanTasks(core, state, plan);
  if (state.doc.options.approvePlan) state.doc.awaitingApproval = true;
  const waits = state.doc.awaitingApproval ? '; it waits for approval' : '';
  core.journal.event(state, rootId, 'plan', `plan accepted: ${plan.groups.length} groups, ${created.length - plan.groups.length} subtasks${waits}`, {
    data: { summary: plan.summary, groups: plan.groups.map((g) => ({ id: g.id, title: g.title, agent: g.agent, profile: g.profile, dependsOn: g.dependsOn })) },
  });
  core.activeRoots.add(rootId);
  commit(core, state, [rootId, ...created]);
  if (state.doc.awaitingApproval) core.rootsChanged();
}

/** Creates a valid plan's groups and subtasks under the root (plan order kept); returns the new ids. */
function createPlanTasks(core: Core, state: RootState, plan: Plan): string[] {
  const rootId = state.doc.rootId;
  const root = state.tasks.get(rootId)!;
  const now = Date.now();
  const groupTaskIds = new Map(plan.groups.map((g) => [g.id, newTaskId()]));
  const created: string[] = [];
  for (const g of topologicalGroups(plan)) {
    const gid = groupTaskIds.get(g.id)!;
    const group = makeTask(
      { id: gid, rootId, parentId: rootId, kind: 'group', planId: g.id, title: g.title, agent: g.agent, profile: g.profile, dependsOn: g.dependsOn.map((d) => groupTaskIds.get(d)!) },
      now,
    );
    addTask(core.requests, state, group);
    created.push(gid);
    for (const s of g.subtasks) {
      const sub = makeTask({ rootId, parentId: gid, kind: 'subtask', planId: s.id, title: s.title, description: s.description }, now);
      addTask(core.requests, state, sub);
      created.push(sub.id);
    }
  }
  // Keep the plan's order for the groups, not the topological one.
  root.subtasks = plan.groups.map((g) => groupTaskIds.get(g.id)!);
  state.doc.planSummary = plan.summary;
  return created;
}

/** Validates a plan for a request as `plan.submit` does; a rejected plan is recorded in its timeline. */
function validateFor(core: Core, state: RootState, input: unknown): Plan {
  try {
    return validatePlan(input, { knownAgents: knownAgents(core, state.doc.options.workspace), profiles: planProfiles(core, state.doc.options.agentCommand) });
  } catch (err) {
    if (err instanceof PlanValidationError) {
      core.journal.event(state, state.doc.rootId, 'error', err.message, { data: { problems: err.problems } });
      core.journal.flush(state);
      throw new ApiError('bad-request', err.message);
    }
    throw err;
  }
}

/** Lets a plan that waits for approval run. */
export function approvePlan(core: Core, rootId: string): void {
  const state = core.requests.get(rootId);
  if (!state.doc.awaitingApproval) throw new ApiError('conflict', `request ${rootId} has no plan waiting for approval`);
  state.doc.awaitingApproval = false;
  core.journal.event(state, rootId, 'plan', 'plan approved: starting the workers');
  core.activeRoots.add(rootId);
  state.settled = false;
  commit(core, state, [rootId]);
  core.rootsChanged();
}

/** Starts the orchestrator session that plans the root. */
export function startPlanning(core: Core, state: RootState): void {
  const root = state.tasks.get(state.doc.rootId)!;
  core.journal.setStatus(state, root, 'IN_PROGRESS', `planning with the ${state.doc.options.plannerProfile} agent`);
  commit(core, state, [root.id]);
  core.startSession(state, root, 'orchestrator');
}

function waitingPlan(core: Core, rootId: string): RootState {
  const state = core.requests.get(rootId);
  if (!state.doc.awaitingApproval) throw new ApiError('conflict', `request ${rootId} has no plan waiting for approval`);
  return state;
}

/** Removes the plan's groups and subtasks (a plan that never ran); returns the removed ids. */
function dropPlan(state: RootState): string[] {
  const root = state.tasks.get(state.doc.rootId)!;
  const removed: string[] = [];
  for (const g of [...root.subtasks]) removed.push(...removeTask(state, g));
  state.doc.planSummary = undefined;
  return removed;
}

/** Sends a waiting plan back: its tasks are dropped and the request fails with the reason (a retry plans again). */
export function rejectPlan(core: Core, rootId: string, reason?: string): void {
  const state = waitingPlan(core, rootId);
  const root = state.tasks.get(rootId)!;
  const removed = dropPlan(state);
  state.doc.awaitingApproval = false;
  const why = reason?.trim() ? `plan rejected: ${reason.trim()}` : 'plan rejected';
  core.journal.setStatus(state, root, 'FAILED', why);
  commit(core, state, [rootId, ...removed]);
  core.rootsChanged();
}

/** Replaces a waiting plan by an edited one, validated as a submitted plan; it still waits for approval. */
export function editPlan(core: Core, rootId: string, input: unknown): void {
  const state = waitingPlan(core, rootId);
  const plan = validateFor(core, state, input);
  const removed = dropPlan(state);
  const created = createPlanTasks(core, state, plan);
  core.journal.event(state, rootId, 'plan', `plan edited: ${plan.groups.length} groups, ${created.length - plan.groups.length} subtasks; it waits for approval`, {
    data: { summary: plan.summary, groups: plan.groups.map((g) => ({ id: g.id, title: g.title, agent: g.agent, profile: g.profile, dependsOn: g.dependsOn })) },
  });
  commit(core, state, [rootId, ...removed, ...created]);
  core.rootsChanged();
}

/** Drops a waiting plan and plans again, with the person's feedback added to the request the planner reads. */
export async function replan(core: Core, rootId: string, feedback: string): Promise<void> {
  const state = waitingPlan(core, rootId);
  const { plannerProfile, agentCommand } = state.doc.options;
  if (!plannerProfile) throw new ApiError('conflict', `request ${rootId} has no planner (its plan was given): edit the plan or submit another`);
  const problem = core.profileProblem(plannerProfile, agentCommand);
  if (problem) throw new ApiError('conflict', `the planner (${plannerProfile}) cannot run: ${problem}`);
  // An interactive planner still ending after its submission goes first (with the plan still there, its exit fails nothing).
  await Promise.all(core.sessions.list(rootId).map((s) => core.sessions.stop(s.id)));
  if (!state.doc.awaitingApproval) throw new ApiError('conflict', `request ${rootId} has no plan waiting for approval`);
  const root = state.tasks.get(rootId)!;
  const rounds = (root.description.match(/^## Feedback on an earlier plan/gm) ?? []).length;
  root.description = `${root.description.trimEnd()}\n\n## Feedback on an earlier plan${rounds ? ` (${rounds + 1})` : ''}\n${feedback.trim()}\n`;
  const removed = dropPlan(state);
  state.doc.awaitingApproval = false;
  core.journal.event(state, rootId, 'plan', `plan dropped: planning again with feedback: ${firstLine(feedback)}`, { data: { feedback } });
  commit(core, state, [rootId, ...removed]);
  core.rootsChanged();
  startPlanning(core, state);
}
