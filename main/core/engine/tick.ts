// One run of the scheduler: gather the active requests' state (live sessions, git work under way,
// merged groups), ask the pure scheduler (scheduler.ts), and carry out its decision: start groups,
// merge COMPLETED ones, announce settled requests and a spent budget.
import type { Core } from './core';
import { mergeGroupWork, startGroup } from './integration';
import { endFinishedInteractiveSessions } from './runs';
import { gather, schedule } from './scheduler';
import type { RootState } from './state';
import { rootSummary } from './views';

function input(core: Core, state: RootState) {
  const rootId = state.doc.rootId;
  const live = core.sessions.list(rootId);
  const taskIds = core.sessions.activeTaskIds(rootId);
  const busy = core.integration.busyGroups(rootId);
  // A group whose worktree is being prepared holds a worker slot already.
  const preparing = [...busy].filter((id) => !taskIds.has(id) && state.tasks.get(id)?.kind === 'group' && state.agg.get(id)?.status !== 'COMPLETED').length;
  const rec = state.doc.git;
  const merged = (groupId: string) => {
    const planId = state.tasks.get(groupId)?.planId ?? groupId;
    return !rec || rec.groups[planId]?.mergedCommit !== undefined || !!state.doc.integration?.discarded;
  };
  return gather(state, { workers: live.filter((s) => s.role === 'worker').length + preparing, sessions: live.length, taskIds }, core.settings().concurrency, {
    merged,
    busy,
  });
}

export function tick(core: Core): void {
  const active = [...core.activeRoots].map((id) => core.requests.get(id));
  for (const state of active) endFinishedInteractiveSessions(core, state);
  const decision = schedule(active.map((state) => input(core, state)));
  for (const rootId of decision.overBudget) budgetNotice(core, core.requests.get(rootId));
  for (const { rootId, groupId } of decision.start) {
    const state = core.requests.get(rootId);
    startGroup(core, state, state.tasks.get(groupId)!);
  }
  for (const { rootId, groupId } of decision.merge) {
    const state = core.requests.get(rootId);
    mergeGroupWork(core, state, state.tasks.get(groupId)!);
  }
  for (const rootId of decision.settled) {
    const state = core.requests.get(rootId);
    state.settled = true;
    core.activeRoots.delete(rootId);
    const status = rootSummary(state).status;
    core.journal.event(state, rootId, 'notice', `nothing left to run: the request is ${status}`);
    core.journal.flush(state);
    core.publish('root.settled', { rootId, status });
  }
}

function budgetNotice(core: Core, state: RootState): void {
  const budget = state.doc.options.budgetUsd!;
  const spent = state.agg.get(state.doc.rootId)?.usage.costUsd ?? 0;
  const msg = `budget of $${budget.toFixed(2)} reached ($${spent.toFixed(2)} spent): no new sessions are started`;
  if (state.timeline.some((e) => e.type === 'notice' && e.message === msg)) return;
  core.journal.event(state, state.doc.rootId, 'notice', msg);
  core.journal.flush(state);
  core.notice('warning', msg, state.doc.rootId);
}

