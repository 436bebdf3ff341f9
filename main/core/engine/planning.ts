// Planning: creating a request, choosing who plans it, submitting and approving its plan.
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../preload/wire';
import type { RootOptions } from '../../../preload/model';
import { AGENT_PROFILES } from '../agents';
import { inspectWorkspace, IsolationError, startRequest, type StartedRequest } from '../git';
import { topologicalGroups, validatePlan, PlanValidationError } from '../plan';
import { choosePlanner, chooseWorkerProfile } from '../../../preload/planner';
import { agentNames } from '../skills';
import { ROOT_SCHEMA_VERSION } from '../store';
import { commit, type Core } from './core';
import { addTask, firstLine, makeTask, newState, type RootState } from './state';
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
  else if (options.plannerProfile) startPlanning(core, state);
  else {
    core.notice(
      'error',
      'Nothing can plan this request: add an Anthropic API key in Settings, choose Claude Code (or another agent CLI) as the agent, ' +
        `or submit a plan (maestro plan submit --root ${rootId} plan.json)`,
      rootId,
    );
  }
  return rootId;
}

/** Validates a plan and creates its groups and subtasks under the root. Nothing is created from an invalid plan. */
export function submitPlan(core: Core, rootId: string, input: unknown): void {
  const state = core.requests.get(rootId);
  const root = state.tasks.get(rootId)!;
  if (root.subtasks.length) throw new ApiError('conflict', `request ${rootId} already has a plan`);
  let plan;
  try {
    plan = validatePlan(input, { knownAgents: knownAgents(core, state.doc.options.workspace), profiles: planProfiles(core, state.doc.options.agentCommand) });
  } catch (err) {
    if (err instanceof PlanValidationError) {
      core.journal.event(state, rootId, 'error', err.message, { data: { problems: err.problems } });
      core.journal.flush(state);
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
  if (state.doc.options.approvePlan) state.doc.awaitingApproval = true;
  const waits = state.doc.awaitingApproval ? '; it waits for approval' : '';
  core.journal.event(state, rootId, 'plan', `plan accepted: ${plan.groups.length} groups, ${created.length - plan.groups.length} subtasks${waits}`, {
    data: { summary: plan.summary, groups: plan.groups.map((g) => ({ id: g.id, title: g.title, agent: g.agent, profile: g.profile, dependsOn: g.dependsOn })) },
  });
  core.activeRoots.add(rootId);
  commit(core, state, [rootId, ...created]);
  if (state.doc.awaitingApproval) core.rootsChanged();
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
