// A person's control of a whole request: pause (no new sessions; the running ones finish, or are
// stopped), resume, cancel; and its place in the history: rename, archive, delete.
//
// Stopping is not failing: a session stopped by a person leaves its unreported subtasks PENDING again
// and the request paused, so Resume carries on where it stood. The hold (`control`) lives in the
// request document and rides in every commit record's meta, like `awaitingApproval`.
import type { RootSummary, SessionInfo } from '../../../preload/model';
import { ApiError } from '../../../preload/wire';
import { commit, type Core } from './core';
import { sessionLeaves, UNFINISHED, type RootState } from './state';
import { rootSummary } from './views';

const STOPPED = 'stopped by a person before it was reported: it carries on when the request is resumed';

function refuseCancelled(state: RootState, what: string): void {
  if (state.doc.control === 'cancelled') throw new ApiError('conflict', `request ${state.doc.rootId} was cancelled: it cannot be ${what}`);
}

/** Pauses the request; with `stop`, its running sessions are stopped too (their work goes back to PENDING). */
export async function pauseRequest(core: Core, state: RootState, stop: boolean): Promise<void> {
  refuseCancelled(state, 'paused');
  const rootId = state.doc.rootId;
  if (state.doc.control !== 'paused') {
    state.doc.control = 'paused';
    const running = core.sessions.list(rootId).length;
    const how = stop ? 'its running sessions are stopped' : running ? `its ${running} running session(s) finish` : 'nothing was running';
    core.journal.event(state, rootId, 'notice', `request paused: no new sessions start (${how}); resume carries on`);
    commit(core, state, [rootId]);
    core.rootsChanged();
  }
  if (stop) await stopSessions(core, state, core.sessions.list(rootId));
}

/** Stops one session as a person's Stop: the request is paused and the session's unreported work goes back to PENDING. */
export async function stopByPerson(core: Core, state: RootState, info: SessionInfo): Promise<void> {
  if (info.role === 'worker' && state.doc.control !== 'cancelled' && state.doc.control !== 'paused') {
    state.doc.control = 'paused';
    core.journal.event(state, state.doc.rootId, 'notice', `${info.title} was stopped: the request is paused (no new sessions start); resume carries on`);
    commit(core, state, [state.doc.rootId]);
    core.rootsChanged();
  }
  await stopSessions(core, state, [info]);
}

/**
 * Stops sessions and puts the subtasks each left unreported back to PENDING (the exit marked them
 * FAILED as "stopped"). An orchestrator stopped this way ends its planning as before.
 */
async function stopSessions(core: Core, state: RootState, sessions: SessionInfo[]): Promise<void> {
  await Promise.all(
    sessions.map(async (info) => {
      const open = info.role === 'worker' ? sessionLeaves(state, info).filter((l) => UNFINISHED.has(l.status)).map((l) => l.id) : [];
      if (!(await core.sessions.stop(info.id))) return;
      if (state.doc.control === 'cancelled') return;
      const back: string[] = [];
      for (const id of open) {
        const leaf = state.tasks.get(id);
        if (!leaf || leaf.status !== 'FAILED') continue;
        core.journal.setStatus(state, leaf, 'PENDING', STOPPED, { sessionId: info.id });
        leaf.result = undefined;
        back.push(id);
      }
      if (back.length) commit(core, state, back);
    }),
  );
}

export function resumeRequest(core: Core, state: RootState): void {
  refuseCancelled(state, 'resumed');
  const rootId = state.doc.rootId;
  if (state.doc.control !== 'paused') throw new ApiError('conflict', `request ${rootId} is not paused`);
  state.doc.control = undefined;
  core.journal.event(state, rootId, 'notice', 'request resumed: its unfinished work carries on');
  core.activeRoots.add(rootId);
  state.settled = false;
  commit(core, state, [rootId]);
  core.rootsChanged();
}

/** Cancels the request for good: running sessions are stopped, every unfinished subtask fails as cancelled. */
export async function cancelRequest(core: Core, state: RootState): Promise<void> {
  const rootId = state.doc.rootId;
  if (state.doc.control === 'cancelled') return;
  state.doc.control = 'cancelled';
  state.doc.awaitingApproval = false;
  core.journal.event(state, rootId, 'notice', 'request cancelled: nothing more runs');
  // The work fails as cancelled first, so the exits of the sessions stopped below find nothing left to fail.
  const changed: string[] = [rootId];
  for (const t of state.tasks.values()) {
    if (t.subtasks.length || !UNFINISHED.has(t.status)) continue;
    core.journal.setStatus(state, t, 'FAILED', 'the request was cancelled');
    changed.push(t.id);
  }
  core.activeRoots.add(rootId);
  state.settled = false;
  commit(core, state, changed);
  core.rootsChanged();
  await Promise.all(core.sessions.list(rootId).map((s) => core.sessions.stop(s.id)));
}

export function renameRequest(core: Core, state: RootState, title: string): RootSummary {
  const root = state.tasks.get(state.doc.rootId)!;
  const before = root.title;
  root.title = title;
  core.journal.event(state, root.id, 'notice', `renamed from "${before}" to "${title}"`);
  commit(core, state, [root.id]);
  core.rootsChanged();
  return rootSummary(state);
}

export function archiveRequest(core: Core, state: RootState, archived: boolean): RootSummary {
  if (!!state.doc.archived !== archived) {
    state.doc.archived = archived || undefined;
    core.journal.event(state, state.doc.rootId, 'notice', archived ? 'archived' : 'taken out of the archive');
    commit(core, state, [state.doc.rootId]);
    core.rootsChanged();
  }
  return rootSummary(state);
}

function refuseRunning(core: Core, rootId: string): void {
  const live = core.sessions.list(rootId).length;
  if (live) throw new ApiError('conflict', `request ${rootId} has ${live} running session(s): stop or cancel it first`);
}

/**
 * Deletes a request with nothing running and no git work under way: its branches and worktrees first
 * (`discard`, worktree isolation), then the engine forgets it and `removeFiles` deletes its files.
 */
export async function deleteRequest(core: Core, state: RootState, discard: () => Promise<unknown>, removeFiles: () => void): Promise<void> {
  const rootId = state.doc.rootId;
  refuseRunning(core, rootId);
  if (core.integration.busyGroups(rootId).size) throw new ApiError('conflict', `request ${rootId} has git work under way: wait for it to finish`);
  if (state.doc.git && !state.doc.integration?.discarded) await discard();
  refuseRunning(core, rootId); // nothing may have started meanwhile (the discard is the request's last git work)
  core.requests.remove(rootId);
  core.activeRoots.delete(rootId);
  removeFiles();
  core.rootsChanged();
}
