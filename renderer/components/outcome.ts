// What a session came to, for its pane: derived from the session record and the statuses of the tasks
// it served, not from its exit code alone. A worker that exits 0 without reporting failed; an agent
// Maestro ended (SIGTERM, 143) after all its work was reported did its job.
import { useMemo } from 'react';
import type { SessionInfo, TaskStatus, TaskView } from '../../preload/model';
import { profileInfo } from '../../preload/profiles';
import { useApp } from '../services';

export interface Outcome {
  /** What the header says: `running`, `work reported`, `failed`, `stopped`, … */
  label: string;
  /** The task palette colour of its icon. */
  tone: TaskStatus;
  /** Secondary facts: the exit code, who ended it, why it failed to start. */
  detail?: string;
  /** Its place among the sessions of the same task, when there were several. */
  attempt?: { n: number; of: number };
}

function exitDetail(s: SessionInfo): string | undefined {
  if (s.signal) return `exit ${s.exitCode ?? '?'}, signal ${s.signal}`;
  return s.exitCode === undefined ? undefined : `exit ${s.exitCode}`;
}

/** The sessions of the same task (the group, or the root for planners), oldest first. */
function attemptsOf(s: SessionInfo, sessions: ReadonlyMap<string, SessionInfo>): SessionInfo[] {
  const same: SessionInfo[] = [];
  for (const x of sessions.values()) if (x.taskId === s.taskId && x.role === s.role) same.push(x);
  return same.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
}

/** The subtasks a worker session was started for (its group's leaves when the record names none). */
function servedLeaves(s: SessionInfo, tasks: ReadonlyMap<string, TaskView>): TaskView[] {
  const named = s.taskIds.filter((id) => id !== s.taskId).map((id) => tasks.get(id)).filter((t): t is TaskView => !!t && t.subtasks.length === 0);
  if (named.length || s.taskIds.length > 1) return named;
  const out: TaskView[] = [];
  const walk = (id: string) => {
    const t = tasks.get(id);
    if (!t) return;
    if (t.subtasks.length === 0) out.push(t);
    else t.subtasks.forEach(walk);
  };
  walk(s.taskId);
  return out;
}

export function sessionOutcome(s: SessionInfo, tasks: ReadonlyMap<string, TaskView>, sessions: ReadonlyMap<string, SessionInfo>): Outcome {
  const attempts = attemptsOf(s, sessions);
  const index = attempts.findIndex((x) => x.id === s.id);
  const attempt = attempts.length > 1 && index >= 0 ? { n: index + 1, of: attempts.length } : undefined;
  const base = (label: string, tone: TaskStatus, detail?: string): Outcome => ({ label, tone, ...(detail ? { detail } : {}), ...(attempt ? { attempt } : {}) });

  if (s.attention && (s.status === 'running' || s.status === 'starting')) return base('needs input', 'BLOCKED', s.attention.message);
  switch (s.status) {
    case 'starting':
      return base('starting', 'IN_PROGRESS');
    case 'running':
      return s.quietSince === undefined ? base('running', 'IN_PROGRESS') : base('quiet', 'IN_PROGRESS', 'no output for a while: waiting for input, or stuck?');
    case 'failed-to-start':
      return base('failed to start', 'FAILED', s.error);
    case 'stopped':
      return base('stopped', 'PENDING', exitDetail(s));
    case 'interrupted':
      return base('interrupted', 'BLOCKED', 'Maestro stopped while it ran');
    case 'exited':
      break;
  }

  const exit = exitDetail(s);
  const endedByMaestro = !!profileInfo(s.agentProfile)?.interactive && (s.exitCode !== 0 || !!s.signal);
  if (s.role === 'orchestrator') {
    const root = tasks.get(s.taskId);
    if (!root) return base('ended', s.exitCode === 0 ? 'COMPLETED' : 'FAILED', exit);
    // A later planner took over (a re-plan or a retry of planning): this one did not plan.
    if (attempt && attempt.n < attempt.of) return base('failed', 'FAILED', `planning went on in attempt ${attempt.n + 1}${exit ? ` · ${exit}` : ''}`);
    if (root.subtasks.length > 0) return base('plan submitted', 'COMPLETED', endedByMaestro ? `ended by Maestro · ${exit}` : exit);
    return base('failed', 'FAILED', exit);
  }

  const leaves = servedLeaves(s, tasks);
  if (leaves.length === 0) return base('ended', s.exitCode === 0 ? 'COMPLETED' : 'FAILED', exit);
  // Subtasks a later attempt was started for were left unfinished by this one.
  const later = new Set(attempt ? attempts.slice(index + 1).flatMap((x) => x.taskIds) : []);
  const handedOn = leaves.filter((l) => later.has(l.id));
  if (handedOn.length) return base('failed', 'FAILED', `${handedOn.length} of ${leaves.length} subtask(s) retried in attempt ${index + 2}${exit ? ` · ${exit}` : ''}`);
  const count = (st: TaskStatus) => leaves.filter((l) => l.status === st).length;
  const failed = count('FAILED');
  if (failed) return base('failed', 'FAILED', `${failed} of ${leaves.length} subtask(s) failed${exit ? ` · ${exit}` : ''}`);
  const blocked = count('BLOCKED');
  if (blocked) return base('blocked', 'BLOCKED', `${blocked} of ${leaves.length} subtask(s) blocked${exit ? ` · ${exit}` : ''}`);
  if (count('COMPLETED') === leaves.length) return base('work reported', 'COMPLETED', endedByMaestro ? `ended by Maestro · ${exit}` : exit);
  return base('ended without reporting', 'FAILED', exit);
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a.label === b.label && a.tone === b.tone && a.detail === b.detail && a.attempt?.n === b.attempt?.n && a.attempt?.of === b.attempt?.of;
}

/** A selector of one session's outcome that keeps its last answer while nothing it shows changed. */
export function createOutcomeSelector(): (s: SessionInfo, tasks: ReadonlyMap<string, TaskView>, sessions: ReadonlyMap<string, SessionInfo>) => Outcome {
  let last: Outcome | null = null;
  return (s, tasks, sessions) => {
    const next = sessionOutcome(s, tasks, sessions);
    if (last && sameOutcome(last, next)) return last;
    last = next;
    return next;
  };
}

/** The outcome of a session, following the store. */
export function useSessionOutcome(session: SessionInfo): Outcome {
  const select = useMemo(() => createOutcomeSelector(), []);
  return useApp((s) => select(s.sessions.get(session.id) ?? session, s.tasks, s.sessions));
}

/** One line for a tooltip or a chip: `failed · attempt 2 of 3 · 1 of 2 subtask(s) failed`. */
export function outcomeText(o: Outcome): string {
  return [o.label, o.attempt ? `attempt ${o.attempt.n} of ${o.attempt.of}` : '', o.detail ?? ''].filter(Boolean).join(' · ');
}
