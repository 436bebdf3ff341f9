// The scheduler as a table of cases: state in, sessions to start and settled requests out. No PTYs.
import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../../preload/model';
import { schedule, type GroupInput, type RequestInput } from './scheduler';

function group(id: string, over: Partial<GroupInput> = {}): GroupInput {
  return { id, status: 'PENDING' as TaskStatus, dependsOn: [], stuck: false, unfinished: true, live: false, ...over };
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
});
