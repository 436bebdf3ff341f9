// What the engine's rooms (planning, reports, runs) share: the requests, the journal, the live sessions
// and a few services of the facade. The Engine (index.ts) is the one implementation.
import type { EngineEvents, SecretsStatus, Settings } from '../../../preload/contract';
import type { Task, TaskStatus } from '../../../preload/model';
import type { SessionManager } from '../sessions/manager';
import type { SkillSet } from '../skills';
import type { Journal } from './journal';
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
  secretsStatus(): SecretsStatus;
  skillsFor(workspace: string): SkillSet;
  publish<E extends keyof EngineInternalEvents & string>(event: E, payload: EngineInternalEvents[E]): void;
  /** Announces the list of requests (a request's summary changed beyond its status). */
  rootsChanged(): void;
  notice(level: 'info' | 'warning' | 'error', message: string, rootId?: string, taskId?: string): void;
  /** Starts a session for a group (worker) or the root (orchestrator). */
  startSession(state: RootState, task: Task, role: 'worker' | 'orchestrator'): void;
  /** Runs the scheduler soon (after the current call). */
  scheduleSoon(): void;
}

/** Commits a change and lets the scheduler look at it: the end of every state change. */
export function commit(core: Core, state: RootState, changedIds: Iterable<string>): void {
  core.journal.commit(state, changedIds);
  if (core.activeRoots.has(state.doc.rootId)) state.settled = false;
  core.scheduleSoon();
}
