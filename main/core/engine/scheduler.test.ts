// The scheduler as a table of cases: state in, sessions to start and settled requests out. No PTYs.
import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../../preload/model';
import { schedule, type GroupInput, type RequestInput } from './scheduler';

function group(id: string, over: Partial<GroupInput> = {}): GroupInput {
  return { id, status: 'PENDING' as TaskStatus, dependsOn: [], stuck: false, unfinished: true, live: false, merged: true, busy: false, ...over };
}

function request(over: Partial<RequestInput> = {}): RequestInput {
  return {
    rootId: 'r1',
    createdAt: 1,
    awaitingApproval: false,
    planning: false,
    settled: false,
    concurrency: 3,
    groups: [group('g1'), group('g2'), group('g3', { dependsOn: ['g1', 'g2'] })],
    liveWorkers: 0,
    liveSessions: 0,
    ...over,
  };
}

const started = (r: RequestInput | RequestInput[]) => schedule(Array.isArray(r) ? r : [r]).start.map((s) => `${s.rootId}/${s.groupId}`);

const done = (id: string, over: Partial<GroupInput> = {}) => group(id, { status: 'COMPLETED', unfinished: false, ...over });
const merges = (r: RequestInput) => schedule([r]).merge.map((m) => m.groupId);

describe('the scheduler', () => {
  const cases: Array<[string, RequestInput | RequestInput[], string[], string[]]> = [
    ['independent groups start together, a dependent one waits', request(), ['r1/g1', 'r1/g2'], []],
    ['a dependent group starts when all it depends on is COMPLETED', request({ groups: [group('g1', { status: 'COMPLETED', unfinished: false }), group('g2', { status: 'COMPLETED', unfinished: false }), group('g3', { dependsOn: ['g1', 'g2'] })] }), ['r1/g3'], []],
    ['…and not while one of them is only IN_PROGRESS', request({ groups: [group('g1', { status: 'COMPLETED', unfinished: false }), group('g2', { status: 'IN_PROGRESS', live: true }), group('g3', { dependsOn: ['g1', 'g2'] })], liveWorkers: 1, liveSessions: 1 }), [], []],
    ['concurrency per request caps new sessions', request({ concurrency: 1 }), ['r1/g1'], []],
    ['live workers count against the cap', request({ concurrency: 2, liveWorkers: 2, liveSessions: 2, groups: [group('g0', { live: true }), group('g1'), group('g2')] }), [], []],
    ['a group with a FAILED or BLOCKED subtask waits for a retry', request({ groups: [group('g1', { stuck: true, status: 'FAILED' }), group('g2')] }), ['r1/g2'], []],
    ['a plan waiting for approval starts nothing and is not settled', request({ awaitingApproval: true }), [], []],
    ['a request being planned is not settled', request({ planning: true, groups: [] }), [], []],
    ['nothing running and nothing can start: settled', request({ groups: [group('g1', { stuck: true, status: 'FAILED' }), group('g2', { dependsOn: ['g1'] })] }), [], ['r1']],
    ['all done: settled', request({ groups: [group('g1', { status: 'COMPLETED', unfinished: false })] }), [], ['r1']],
    ['an already settled request is not announced twice', request({ settled: true, groups: [group('g1', { status: 'COMPLETED', unfinished: false })] }), [], []],
    ['a running session keeps a request unsettled', request({ liveSessions: 1, liveWorkers: 1, groups: [group('g1', { live: true, status: 'IN_PROGRESS' })] }), [], []],
    ['the budget stops new sessions', request({ budget: { limit: 1, spent: 1.5 } }), [], ['r1']],
    // Worktree isolation: a group's work reaches its dependents only through the integration branch.
    ['a COMPLETED group not yet merged is not a ready dependency', request({ groups: [done('g1', { merged: false }), done('g2'), group('g3', { dependsOn: ['g1', 'g2'] })] }), [], []],
    ['a group being prepared (busy) is not started twice and keeps the request unsettled', request({ groups: [group('g1', { busy: true }), group('g2', { dependsOn: ['g1'] })] }), [], []],
    ['a dependency whose merge is under way (busy) holds its dependents', request({ groups: [done('g1', { merged: false, busy: true }), group('g2', { dependsOn: ['g1'] })] }), [], []],
    ['once merged, the dependent starts', request({ groups: [done('g1'), group('g2', { dependsOn: ['g1'] })] }), ['r1/g2'], []],
    ['a merged group with a new subtask (a redo) runs again on its branch', request({ groups: [group('g1', { status: 'PENDING', merged: true }), group('g2', { dependsOn: ['g1'] })] }), ['r1/g1'], []],
    // A person's hold on the request (roots.pause / roots.cancel).
    ['a paused request starts nothing and waits for a resume (not settled)', request({ control: 'paused' }), [], []],
    ['a paused request with nothing running is still not settled', request({ control: 'paused', groups: [done('g1'), group('g2')] }), [], []],
    ['a paused request lets its running sessions finish', request({ control: 'paused', liveWorkers: 1, liveSessions: 1, groups: [group('g1', { live: true, status: 'IN_PROGRESS' }), group('g2')] }), [], []],
    ['a cancelled request starts nothing and settles once nothing runs', request({ control: 'cancelled' }), [], ['r1']],
    ['a cancelled request with a session still ending is not settled yet', request({ control: 'cancelled', liveSessions: 1, liveWorkers: 1, groups: [group('g1', { live: true })] }), [], []],
    ['a paused request does not hold back another one', [request({ rootId: 'held', createdAt: 1, control: 'paused' }), request({ rootId: 'other', createdAt: 2 })], ['other/g1', 'other/g2'], []],
    ['older requests are served first', [request({ rootId: 'new', createdAt: 9 }), request({ rootId: 'old', createdAt: 2 })], ['old/g1', 'old/g2', 'new/g1', 'new/g2'], []],
  ];
  it.each(cases)('%s', (_what, input, start, settled) => {
    expect(started(input)).toEqual(start);
    expect(schedule(Array.isArray(input) ? input : [input]).settled).toEqual(settled);
  });

  it('reports a budget that stops a group that could start', () => {
    expect(schedule([request({ budget: { limit: 1, spent: 2 } })]).overBudget).toEqual(['r1']);
    expect(schedule([request({ budget: { limit: 5, spent: 2 } })]).overBudget).toEqual([]);
  });

  it('merges a COMPLETED group once its session has exited, once', () => {
    expect(merges(request({ groups: [done('g1', { merged: false }), group('g2', { dependsOn: ['g1'] })] }))).toEqual(['g1']);
    // its interactive agent is still being ended: wait for the exit (the last commit comes with it)
    expect(merges(request({ liveSessions: 1, liveWorkers: 1, groups: [done('g1', { merged: false, live: true })] }))).toEqual([]);
    // a merge already under way is not decided again, and the request is not settled meanwhile
    const busy = request({ groups: [done('g1', { merged: false, busy: true })] });
    expect(merges(busy)).toEqual([]);
    expect(schedule([busy]).settled).toEqual([]);
    // all merged: settled
    expect(schedule([request({ groups: [done('g1'), done('g2')] })]).settled).toEqual(['r1']);
    // a paused request still merges the work of its finished groups
    expect(merges(request({ control: 'paused', groups: [done('g1', { merged: false }), group('g2', { dependsOn: ['g1'] })] }))).toEqual(['g1']);
    // in-place work is always "merged": nothing to merge
    expect(merges(request({ groups: [done('g1')] }))).toEqual([]);
  });
});
