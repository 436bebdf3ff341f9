import { describe, expect, it } from 'vitest';
import { choosePlanner, chooseWorkerProfile, keylessPlanners } from './planner';

describe('chooseWorkerProfile', () => {
  it('the named profile, else custom for a command line, else the default', () => {
    expect(chooseWorkerProfile({ explicit: 'codex', agentCommand: 'x', defaultProfile: 'builtin' })).toBe('codex');
    expect(chooseWorkerProfile({ agentCommand: 'my-agent {prompt}', defaultProfile: 'builtin' })).toBe('custom');
    expect(chooseWorkerProfile({ defaultProfile: 'claude' })).toBe('claude');
  });
});

describe('choosePlanner', () => {
  it.each([
    // explicit, workers' profile, key → planner
    ['gemini', 'builtin', true, 'gemini'],
    ['custom', 'claude', false, 'custom'],
    [undefined, 'claude', true, 'builtin'],
    [undefined, 'custom', true, 'builtin'],
    [undefined, 'builtin', true, 'builtin'],
    [undefined, 'claude', false, 'claude'],
    [undefined, 'codex', false, 'codex'],
    [undefined, 'gemini', false, 'gemini'],
    [undefined, 'custom', false, undefined],
    [undefined, 'builtin', false, undefined],
    [undefined, 'no-such-profile', false, undefined],
  ] as const)('explicit %s, workers %s, key %s → %s', (explicit, agentProfile, keyAvailable, planner) => {
    expect(choosePlanner({ explicit, agentProfile, keyAvailable })).toBe(planner);
  });

  it('lists the agent CLIs that can plan without a key', () => {
    expect(keylessPlanners()).toEqual(['claude', 'codex', 'gemini']);
  });
});
