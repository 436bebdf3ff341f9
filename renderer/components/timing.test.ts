import { describe, expect, it } from 'vitest';
import { makeSession, makeTask } from '../dev/fixtures';
import { taskTiming } from './timing';

const R = 'task-r';

describe('taskTiming', () => {
  it('counts while the task runs', () => {
    const t = makeTask({ id: 'g', rootId: R, kind: 'group', status: 'IN_PROGRESS', startedAt: 1_000 });
    expect(taskTiming(t, new Map(), [], 61_000)).toEqual({ label: 'Running for', ms: 60_000 });
  });

  it('stops at the end of a finished request: the last subtask or session, not now', () => {
    const s1 = makeTask({ id: 's1', rootId: R, kind: 'subtask', status: 'COMPLETED', completedAt: 20_000, updatedAt: 20_000 });
    const s2 = makeTask({ id: 's2', rootId: R, kind: 'subtask', status: 'FAILED', updatedAt: 30_000 });
    const g = makeTask({ id: 'g', rootId: R, kind: 'group', status: 'FAILED', subtasks: ['s1', 's2'], updatedAt: 5_000, startedAt: 10_000 });
    const root = makeTask({ id: R, rootId: R, kind: 'root', status: 'FAILED', subtasks: ['g'], startedAt: 1_000, updatedAt: 2_000 });
    const tasks = new Map([s1, s2, g, root].map((t) => [t.id, t]));
    const planner = makeSession({ id: 'o', rootId: R, taskId: R, role: 'orchestrator', status: 'exited', endedAt: 31_000 });
    expect(taskTiming(root, tasks, [planner], 10_000_000)).toEqual({ label: 'Ran for', ms: 30_000 });
    expect(taskTiming(g, tasks, [], 10_000_000)).toEqual({ label: 'Ran for', ms: 20_000 });
  });

  it('takes the completion time of a COMPLETED task, and nothing before it started', () => {
    const t = makeTask({ id: 's', rootId: R, kind: 'subtask', status: 'COMPLETED', startedAt: 1_000, completedAt: 4_000, updatedAt: 9_000 });
    expect(taskTiming(t, new Map(), [], 10_000_000)).toEqual({ label: 'Took', ms: 3_000 });
    expect(taskTiming(makeTask({ id: 'p', rootId: R, kind: 'subtask' }), new Map(), [])).toBeNull();
  });
});
