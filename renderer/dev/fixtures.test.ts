// The dev fixtures aggregate as the engine does (preload/tree.ts): the cases where they used to differ.
import { describe, expect, it } from 'vitest';
import type { TaskStatus, TaskView } from '../../preload/model';
import { aggregate, makeTask } from './fixtures';
import { createMockApi } from './mock-api';

function group(statuses: TaskStatus[]): Map<string, TaskView> {
  const tasks = new Map<string, TaskView>();
  const subIds = statuses.map((_, i) => `r-g1-s${i + 1}`);
  statuses.forEach((status, i) => tasks.set(subIds[i]!, makeTask({ id: subIds[i]!, rootId: 'r', kind: 'subtask', parentId: 'r-g1', status, usage: { inputTokens: 10, outputTokens: 1 } })));
  tasks.set('r-g1', makeTask({ id: 'r-g1', rootId: 'r', kind: 'group', parentId: 'r', subtasks: subIds }));
  tasks.set('r', makeTask({ id: 'r', rootId: 'r', kind: 'root', subtasks: ['r-g1'] }));
  return tasks;
}

describe('fixtures aggregate like the engine', () => {
  it('some subtasks done, none running, no session: PENDING (not IN_PROGRESS)', () => {
    const tasks = group(['COMPLETED', 'PENDING']);
    aggregate(tasks, 'r');
    expect(tasks.get('r-g1')).toMatchObject({ status: 'PENDING', progress: { done: 1, total: 2 }, totalUsage: { inputTokens: 20, outputTokens: 2 } });
    expect(tasks.get('r')!.status).toBe('PENDING');
  });

  it('a group with a live session is IN_PROGRESS until it is done', () => {
    const tasks = group(['COMPLETED', 'PENDING']);
    aggregate(tasks, 'r', new Set(['r-g1']));
    expect(tasks.get('r-g1')!.status).toBe('IN_PROGRESS');
    const done = group(['COMPLETED', 'COMPLETED']);
    aggregate(done, 'r', new Set(['r-g1']));
    expect(done.get('r-g1')!.status).toBe('COMPLETED');
  });

  it('BLOCKED outranks FAILED', () => {
    const tasks = group(['FAILED', 'BLOCKED']);
    aggregate(tasks, 'r');
    expect(tasks.get('r-g1')!.status).toBe('BLOCKED');
  });
});

describe('the dev mock', () => {
  it('shows the demo with statuses the engine would give', async () => {
    const api = createMockApi();
    const tree = await api.call('tree.get', { rootId: 'demo' });
    const status = new Map(tree.tasks.map((t) => [t.planId ?? 'root', t.status]));
    // g1 done; g2 and g3 have running sessions; g4 failed; g5 waits; g6 is blocked.
    expect(Object.fromEntries(status)).toMatchObject({ g1: 'COMPLETED', g2: 'IN_PROGRESS', g3: 'IN_PROGRESS', g4: 'FAILED', g5: 'PENDING', g6: 'BLOCKED', root: 'IN_PROGRESS' });
    const sessions = tree.sessions.map((s) => s.id);
    for (const id of sessions) await api.call('session.stop', { sessionId: id });
  });
});
