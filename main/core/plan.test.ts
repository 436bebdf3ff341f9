import { describe, expect, it } from 'vitest';
import { PLAN_LIMITS } from '../../preload/contract';
import { ApiError } from '../../preload/wire';
import { MAX_LISTED_PROBLEMS, PlanValidationError, topologicalGroups, validatePlan } from './plan';

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

  it('lets a group name the profile that runs it, only one available here (mixed agents)', () => {
    const here = new Map([['claude', undefined], ['custom', undefined], ['codex', '"codex" is not on PATH (npm install -g @openai/codex)']]);
    const profiles = {
      available: ['claude', 'custom'],
      why: (name: string) => (here.has(name) ? here.get(name) : `there is no profile "${name}"`),
    };
    const plan = validatePlan(
      { groups: [{ id: 'g1', title: 'Implement', profile: 'claude', subtasks: [sub('s1')] }, { id: 'g2', title: 'Review', dependsOn: ['g1'], subtasks: [sub('s2')] }] },
      { knownAgents, profiles },
    );
    expect(plan.groups.map((g) => g.profile)).toEqual(['claude', undefined]);
    let err: PlanValidationError | undefined;
    try {
      validatePlan(
        { groups: [{ id: 'g1', title: 'a', profile: 'codex', subtasks: [sub('s1')] }, { id: 'g2', title: 'b', profile: 'cobol', subtasks: [sub('s2')] }] },
        { knownAgents, profiles },
      );
    } catch (e) {
      err = e as PlanValidationError;
    }
    expect(err).toBeInstanceOf(PlanValidationError);
    expect(err!.problems).toEqual([
      'group "g1" names profile "codex", which is not available here: "codex" is not on PATH (npm install -g @openai/codex) (available: claude, custom)',
      'group "g2" names profile "cobol", which is not available here: there is no profile "cobol" (available: claude, custom)',
    ]);
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

describe('validatePlan caps and long values', () => {
  const group = (i: number, subtasks = 1) => ({ id: `g${i}`, title: `group ${i}`, subtasks: Array.from({ length: subtasks }, (_, j) => sub(`s${i}-${j}`)) });

  it('refuses more groups than the cap, naming the cap, without walking them', () => {
    const p = problems({ groups: Array.from({ length: 5000 }, (_, i) => group(i)) });
    expect(p).toEqual([`the plan has 5,000 groups; a plan has at most ${PLAN_LIMITS.groups}`, 'the plan has 5,000 subtasks in all; a plan has at most 1,000']);
  });

  it('accepts a plan at the caps', () => {
    // 200 groups, 1,000 subtasks: eight full groups (100 each), one with 9, the other 191 with one each.
    const size = (i: number) => (i < 8 ? PLAN_LIMITS.subtasksPerGroup : i === 8 ? 9 : 1);
    const groups = Array.from({ length: PLAN_LIMITS.groups }, (_, i) => group(i, size(i)));
    const plan = validatePlan({ groups }, { knownAgents });
    expect(plan.groups).toHaveLength(PLAN_LIMITS.groups);
    expect(plan.groups.reduce((n, g) => n + g.subtasks.length, 0)).toBe(PLAN_LIMITS.subtasks);
  });

  it('refuses too many subtasks in a group and in all', () => {
    expect(problems({ groups: [group(1, PLAN_LIMITS.subtasksPerGroup + 1)] })).toEqual([
      `group "g1" has ${PLAN_LIMITS.subtasksPerGroup + 1} subtasks; a group has at most ${PLAN_LIMITS.subtasksPerGroup}`,
    ]);
    const groups = Array.from({ length: 11 }, (_, i) => group(i, PLAN_LIMITS.subtasksPerGroup));
    expect(problems({ groups })).toEqual([`the plan has 1,100 subtasks in all; a plan has at most 1,000`]);
  });

  it('names the length caps of ids, titles and descriptions', () => {
    const p = problems({
      summary: 'x'.repeat(PLAN_LIMITS.summaryChars + 1),
      groups: [
        {
          id: 'g'.repeat(PLAN_LIMITS.idChars + 1),
          title: 't'.repeat(PLAN_LIMITS.titleChars + 1),
          dependsOn: ['d'.repeat(10_000_000)],
          subtasks: [{ id: 's1', title: 'ok', description: 'x'.repeat(PLAN_LIMITS.descriptionChars + 1) }],
        },
      ],
    });
    expect(p).toEqual([
      'summary: a summary has at most 20,000 characters',
      'groups.0.id: a group id has at most 64 characters',
      'groups.0.title: a group title has at most 500 characters',
      'groups.0.dependsOn.0: a group id has at most 64 characters',
      'groups.0.subtasks.0.description: a description has at most 20,000 characters',
    ]);
  });

  it('quotes values shortened and lists a bounded number of problems', () => {
    const agent = 'a'.repeat(100);
    const p = problems({ groups: Array.from({ length: 60 }, (_, i) => ({ ...group(i), agent })) });
    expect(p).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(p[0]).toBe(`group "g0" names unknown agent "${'a'.repeat(80)}…(20 more)" (available: architect, tester, worker)`);
    expect(p.at(-1)).toBe(`… and ${60 - MAX_LISTED_PROBLEMS} more problems`);
    let message = '';
    try {
      validatePlan({ groups: Array.from({ length: 60 }, (_, i) => ({ ...group(i), agent })) }, { knownAgents });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^invalid plan \(60 problems\):/);
    expect(message.length).toBeLessThan(10_000);
  });

  it('is a bad request wherever it is thrown', () => {
    try {
      validatePlan({ groups: [] }, { knownAgents });
      throw new Error('not rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('bad-request');
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
