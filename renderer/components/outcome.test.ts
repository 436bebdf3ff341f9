// A pane's outcome comes from what the session did for its tasks, not from its exit code alone.
import { describe, expect, it } from 'vitest';
import type { SessionInfo, TaskStatus } from '../../preload/model';
import { buildTree, makeSession } from '../dev/fixtures';
import { createOutcomeSelector, outcomeText, sessionOutcome } from './outcome';

const R = 'task-r';
const G = `${R}-g1`;
const S1 = `${G}-s1`;
const S2 = `${G}-s2`;

/** One group of two subtasks with the given statuses. */
function tree(s1: TaskStatus, s2: TaskStatus) {
  return buildTree(R, 1, 2, (p) => (p === 'g1.s1' ? s1 : p === 'g1.s2' ? s2 : 'PENDING'));
}

function worker(partial: Partial<SessionInfo> & { id: string }): SessionInfo {
  return makeSession({ rootId: R, taskId: G, taskIds: [G, S1, S2], status: 'exited', exitCode: 0, ...partial });
}

const one = (s: SessionInfo) => new Map([[s.id, s]]);

describe('sessionOutcome', () => {
  it('says "work reported" when every subtask it served is COMPLETED', () => {
    const s = worker({ id: 'a' });
    expect(sessionOutcome(s, tree('COMPLETED', 'COMPLETED'), one(s))).toEqual({ label: 'work reported', tone: 'COMPLETED', detail: 'exit 0' });
  });

  it('says "failed" for a worker that exited 0 with a FAILED subtask (not a green exit code)', () => {
    const s = worker({ id: 'a' });
    expect(sessionOutcome(s, tree('COMPLETED', 'FAILED'), one(s))).toEqual({ label: 'failed', tone: 'FAILED', detail: '1 of 2 subtask(s) failed · exit 0' });
  });

  it('says an interactive agent Maestro ended (143) after its work was reported did its work', () => {
    const s = worker({ id: 'a', agentProfile: 'claude', exitCode: 143 });
    expect(sessionOutcome(s, tree('COMPLETED', 'COMPLETED'), one(s))).toEqual({
      label: 'work reported',
      tone: 'COMPLETED',
      detail: 'ended by Maestro · exit 143',
    });
  });

  it('says "stopped" for a stopped session whatever its subtasks became, and "failed to start" with the reason', () => {
    const stopped = worker({ id: 'a', status: 'stopped', exitCode: 143 });
    expect(sessionOutcome(stopped, tree('FAILED', 'FAILED'), one(stopped))).toMatchObject({ label: 'stopped', tone: 'PENDING', detail: 'exit 143' });
    const missing = worker({ id: 'b', status: 'failed-to-start', exitCode: undefined, error: 'claude is not installed' });
    expect(sessionOutcome(missing, tree('FAILED', 'FAILED'), one(missing))).toEqual({ label: 'failed to start', tone: 'FAILED', detail: 'claude is not installed' });
  });

  it('tells blocked work, work left unreported, running, quiet and needs-input sessions apart', () => {
    const s = worker({ id: 'a' });
    expect(sessionOutcome(s, tree('COMPLETED', 'BLOCKED'), one(s))).toMatchObject({ label: 'blocked', tone: 'BLOCKED' });
    expect(sessionOutcome(s, tree('COMPLETED', 'PENDING'), one(s))).toMatchObject({ label: 'ended without reporting', tone: 'FAILED' });
    const running = worker({ id: 'b', status: 'running', exitCode: undefined });
    expect(sessionOutcome(running, tree('IN_PROGRESS', 'PENDING'), one(running))).toEqual({ label: 'running', tone: 'IN_PROGRESS' });
    const quiet = { ...running, quietSince: 1 };
    expect(sessionOutcome(quiet, tree('IN_PROGRESS', 'PENDING'), one(quiet)).label).toBe('quiet');
    const waiting: SessionInfo = { ...running, attention: { kind: 'needs-input', since: 1, source: 'terminal', message: 'Continue? [y/N]' } };
    expect(sessionOutcome(waiting, tree('IN_PROGRESS', 'PENDING'), one(waiting))).toMatchObject({ label: 'needs input', tone: 'BLOCKED', detail: 'Continue? [y/N]' });
    // An ended session needs nothing any more, whatever its record says.
    const ended: SessionInfo = { ...waiting, status: 'stopped' };
    expect(sessionOutcome(ended, tree('IN_PROGRESS', 'PENDING'), one(ended)).label).toBe('stopped');
  });

  it('numbers attempts and fails an earlier one whose subtasks a later attempt took over', () => {
    const first = worker({ id: 'a', startedAt: 1, exitCode: 1 });
    const second = worker({ id: 'b', startedAt: 2, taskIds: [G, S2] });
    const sessions = new Map([
      [first.id, first],
      [second.id, second],
    ]);
    const tasks = tree('COMPLETED', 'COMPLETED');
    expect(sessionOutcome(first, tasks, sessions)).toEqual({
      label: 'failed',
      tone: 'FAILED',
      detail: '1 of 2 subtask(s) retried in attempt 2 · exit 1',
      attempt: { n: 1, of: 2 },
    });
    expect(sessionOutcome(second, tasks, sessions)).toEqual({ label: 'work reported', tone: 'COMPLETED', detail: 'exit 0', attempt: { n: 2, of: 2 } });
    expect(outcomeText(sessionOutcome(second, tasks, sessions))).toBe('work reported · attempt 2 of 2 · exit 0');
  });

  it('an orchestrator: "plan submitted" once the request has groups, else failed', () => {
    const planner = makeSession({ id: 'o', rootId: R, taskId: R, taskIds: [R], role: 'orchestrator', agentProfile: 'claude', status: 'exited', exitCode: 143 });
    expect(sessionOutcome(planner, tree('PENDING', 'PENDING'), one(planner))).toEqual({ label: 'plan submitted', tone: 'COMPLETED', detail: 'ended by Maestro · exit 143' });
    const noPlan = new Map(tree('PENDING', 'PENDING'));
    noPlan.set(R, { ...noPlan.get(R)!, subtasks: [], status: 'FAILED' });
    expect(sessionOutcome({ ...planner, agentProfile: 'builtin', exitCode: 1 }, noPlan, one(planner))).toEqual({ label: 'failed', tone: 'FAILED', detail: 'exit 1' });
  });
});

describe('createOutcomeSelector', () => {
  it('keeps the same object while the outcome is the same, a new one when it changes', () => {
    const select = createOutcomeSelector();
    const s = worker({ id: 'a' });
    const a = select(s, tree('COMPLETED', 'COMPLETED'), one(s));
    expect(select(s, tree('COMPLETED', 'COMPLETED'), one(s))).toBe(a);
    expect(select(s, tree('COMPLETED', 'FAILED'), one(s))).not.toBe(a);
  });
});
