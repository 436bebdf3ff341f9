// What the engine's rooms (planning, reports, runs) share: the requests, the journal, the live sessions
// and a few services of the facade. The Engine (index.ts) is the one implementation.
import type { EngineEvents, SecretsStatus, Settings } from '../../../preload/contract';
import type { Task, TaskStatus } from '../../../preload/model';
import type { SessionManager } from '../sessions/manager';
import type { SkillSet } from '../skills';
import type { IntegrationQueue } from './integration';
import type { Journal } from './journal';
import type { WorkerLaunch } from './runs';
import type { Requests, RootState } from './state';

export interface EngineInternalEvents extends EngineEvents {
  /** A root has nothing running and nothing left that can start: it is done, failed or waits for a person. */
  'root.settled': { rootId: string; status: TaskStatus };
  /** A write to the data dir failed: no new work starts until it can write again (`message` says why). */
  'engine.halted': { message: string };
  /** Writes work again after a halt. */
  'engine.resumed': Record<string, never>;
}

export interface Core {
  readonly requests: Requests;
  readonly journal: Journal;
  readonly sessions: SessionManager;
  /** Requests whose work this engine carries out (created, retried or resumed here). */
  readonly activeRoots: Set<string>;
  settings(): Settings;
  /** Why an agent profile cannot run a session here (undefined: it can); `customCommand` for `custom`. */
  profileProblem(name: string, customCommand?: string): string | undefined;
  secretsStatus(): SecretsStatus;
  skillsFor(workspace: string): SkillSet;
  publish<E extends keyof EngineInternalEvents & string>(event: E, payload: EngineInternalEvents[E]): void;
  /** Announces the list of requests (a request's summary changed beyond its status). */
  rootsChanged(): void;
  notice(level: 'info' | 'warning' | 'error', message: string, rootId?: string, taskId?: string): void;
  /** The data dir (worktrees live in `<dataDir>/worktrees/`). */
  readonly dataDir: string;
  /** Git work of each request, one operation at a time per request (integration.ts). */
  readonly integration: IntegrationQueue;
  /** The engine is closing: queued git work starts no session. */
  readonly closing: boolean;
  /** Starts a session for a group (worker) or the root (orchestrator); `launch` sets a worker's cwd and context. */
  startSession(state: RootState, task: Task, role: 'worker' | 'orchestrator', launch?: WorkerLaunch): void;
  /** A worker session of a worktree-isolated request exited: commit its work, or finish its resolution. */
  workerExited(state: RootState, info: import('../../../preload/model').SessionInfo): void;
  /** Runs the scheduler soon (after the current call). */
  scheduleSoon(): void;
}

/** Commits a change and lets the scheduler look at it: the end of every state change. */
export function commit(core: Core, state: RootState, changedIds: Iterable<string>): void {
  core.journal.commit(state, changedIds);
  if (core.activeRoots.has(state.doc.rootId)) state.settled = false;
  core.scheduleSoon();
}
