import { describe, expect, it } from 'vitest';
import { defaultPlanner, defaultWorkerProfile, missingKeyFor, PLANNER_PROFILES } from './planner';

describe('who plans a new request', () => {
  it('offers the built-in planner and the agent CLIs that can plan', () => {
    expect(PLANNER_PROFILES.map((p) => p.name)).toEqual(['builtin', 'claude', 'codex', 'gemini']);
  });

  it('defaults to the built-in planner with a key, else to the workers’ agent CLI', () => {
    expect(defaultPlanner('claude', true)).toBe('builtin');
    expect(defaultPlanner('claude', false)).toBe('claude');
    expect(defaultPlanner('gemini', false)).toBe('gemini');
    // Nothing else can plan without a key: the built-in planner, and the box says it needs one.
    expect(defaultPlanner('custom', false)).toBe('builtin');
    expect(defaultPlanner('builtin', false)).toBe('builtin');
  });

  it('says what needs the missing key', () => {
    expect(missingKeyFor('builtin', 'builtin', false)).toEqual(['planner', 'workers']);
    expect(missingKeyFor('claude', 'builtin', false)).toEqual(['planner']);
    expect(missingKeyFor('builtin', 'claude', false)).toEqual(['workers']);
    expect(missingKeyFor('claude', 'claude', false)).toEqual([]);
    expect(missingKeyFor('builtin', 'builtin', true)).toEqual([]);
  });

  it('takes the last used agent profile before the settings’ default, if it still exists', () => {
    expect(defaultWorkerProfile('claude', 'builtin', 'builtin')).toBe('claude');
    expect(defaultWorkerProfile('gone', 'codex', 'builtin')).toBe('codex');
    expect(defaultWorkerProfile(undefined, undefined, 'builtin')).toBe('builtin');
  });
});
