import { describe, expect, it } from 'vitest';
import { PlanValidationError, topologicalGroups, validatePlan } from './plan';

const knownAgents = ['architect', 'tester'];
const sub = (id: string) => ({ id, title: `do ${id}`, description: '' });

function problems(plan: unknown): string[] {
  try {
    validatePlan(plan, { knownAgents });
  } catch (err) {
    expect(err).toBeInstanceOf(PlanValidationError);
    return (err as PlanValidationError).problems;
  }
  throw new Error('expected the plan to be rejected');
}

describe('validatePlan', () => {
  it('accepts a valid plan and fills defaults', () => {
    const plan = validatePlan(
      { summary: 's', groups: [{ id: 'g1', title: 'One', subtasks: [sub('s1')] }, { id: 'g2', title: 'Two', agent: 'tester', dependsOn: ['g1'], subtasks: [sub('s2')] }] },
      { knownAgents },
    );
    expect(plan.groups[0]!.agent).toBe('worker');
    expect(plan.groups[0]!.dependsOn).toEqual([]);
    expect(plan.groups[1]!.dependsOn).toEqual(['g1']);
  });

  it('reports schema errors with their path', () => {
    const p = problems({ groups: [{ id: 'g1', subtasks: [{ id: 's1' }] }] });
    expect(p.some((x) => x.startsWith('groups.0.title'))).toBe(true);
    expect(p.some((x) => x.startsWith('groups.0.subtasks.0.title'))).toBe(true);
    expect(problems('not a plan')[0]).toMatch(/^plan: /);
  });

  it('rejects a plan without groups', () => {
    expect(problems({ summary: '', groups: [] })).toEqual(['the plan has no groups']);
  });

  it('names duplicate group and subtask ids', () => {
    const p = problems({
      groups: [
        { id: 'g1', title: 'a', subtasks: [sub('s1'), sub('s1')] },
        { id: 'g1', title: 'b', subtasks: [sub('s2')] },
        { id: 'g3', title: 'c', subtasks: [sub('s2'), sub('g3')] },
      ],
    });
    expect(p).toContain('duplicate group id "g1"');
    expect(p).toContain('duplicate subtask id "s1" in group "g1"');
    expect(p).toContain('duplicate subtask id "s2" (in groups "g1" and "g3")');
    expect(p).toContain('subtask id "g3" in group "g3" is also a group id');
  });

  it('names unknown dependencies, self-dependencies, empty groups and unknown agents', () => {
    const p = problems({
      groups: [
        { id: 'g1', title: 'a', dependsOn: ['g9', 'g1'], subtasks: [sub('s1')] },
        { id: 'g2', title: 'b', agent: 'wizard', subtasks: [] },
      ],
    });
    expect(p).toContain('group "g1" depends on unknown group "g9"');
    expect(p).toContain('group "g1" depends on itself');
    expect(p).toContain('group "g2" has no subtasks');
    expect(p).toContain('group "g2" names unknown agent "wizard" (available: architect, tester, worker)');
  });

  it('names the cycle', () => {
    const p = problems({
      groups: [
        { id: 'g1', title: 'a', dependsOn: ['g3'], subtasks: [sub('s1')] },
        { id: 'g2', title: 'b', dependsOn: ['g1'], subtasks: [sub('s2')] },
        { id: 'g3', title: 'c', dependsOn: ['g2'], subtasks: [sub('s3')] },
        { id: 'g4', title: 'd', subtasks: [sub('s4')] },
      ],
    });
    expect(p).toEqual(['dependency cycle: g1 → g3 → g2 → g1']);
  });

  it('lists every problem at once in the error message', () => {
    try {
      validatePlan({ groups: [{ id: 'g1', title: 'a', agent: 'x', dependsOn: ['g2'], subtasks: [] }] }, { knownAgents });
      throw new Error('not rejected');
    } catch (err) {
      const e = err as PlanValidationError;
      expect(e.problems).toHaveLength(3);
      expect(e.message).toMatch(/^invalid plan \(3 problems\):/);
    }
  });
});

describe('topologicalGroups', () => {
  it('puts dependencies first', () => {
    const plan = validatePlan(
      {
        groups: [
          { id: 'g3', title: 'c', dependsOn: ['g1', 'g2'], subtasks: [sub('s3')] },
          { id: 'g2', title: 'b', dependsOn: ['g1'], subtasks: [sub('s2')] },
          { id: 'g1', title: 'a', subtasks: [sub('s1')] },
        ],
      },
      { knownAgents },
    );
    expect(topologicalGroups(plan).map((g) => g.id)).toEqual(['g1', 'g2', 'g3']);
  });
});
