// Plan validation: one pass that lists every problem, so an LLM (or a person) can fix them all at once.
import { planSchema, type Plan } from '../../preload/contract';

export class PlanValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid plan (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`);
    this.name = 'PlanValidationError';
  }
}

export interface PlanValidationOptions {
  /** Names a group's `agent` may take (`worker` is always allowed). */
  knownAgents: Iterable<string>;
}

/** Parses and checks a plan; throws PlanValidationError naming every problem. */
export function validatePlan(input: unknown, opts: PlanValidationOptions): Plan {
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) {
    throw new PlanValidationError(
      parsed.error.issues.map((issue) => {
        const where = issue.path.length ? issue.path.join('.') : 'plan';
        return `${where}: ${issue.message}`;
      }),
    );
  }
  const plan = parsed.data;
  const problems: string[] = [];
  const agents = new Set(['worker', ...opts.knownAgents]);

  if (plan.groups.length === 0) problems.push('the plan has no groups');

  const groupIds = new Set<string>();
  const subtaskIds = new Map<string, string>();
  for (const group of plan.groups) {
    if (groupIds.has(group.id)) problems.push(`duplicate group id "${group.id}"`);
    groupIds.add(group.id);
  }
  for (const group of plan.groups) {
    if (group.subtasks.length === 0) problems.push(`group "${group.id}" has no subtasks`);
    if (!agents.has(group.agent)) {
      problems.push(
        `group "${group.id}" names unknown agent "${group.agent}" (available: ${[...agents].sort().join(', ')})`,
      );
    }
    const seenDeps = new Set<string>();
    for (const dep of group.dependsOn) {
      if (dep === group.id) problems.push(`group "${group.id}" depends on itself`);
      else if (!groupIds.has(dep)) problems.push(`group "${group.id}" depends on unknown group "${dep}"`);
      if (seenDeps.has(dep)) problems.push(`group "${group.id}" lists dependency "${dep}" twice`);
      seenDeps.add(dep);
    }
    for (const sub of group.subtasks) {
      const owner = subtaskIds.get(sub.id);
      if (owner !== undefined) {
        problems.push(
          owner === group.id
            ? `duplicate subtask id "${sub.id}" in group "${group.id}"`
            : `duplicate subtask id "${sub.id}" (in groups "${owner}" and "${group.id}")`,
        );
      } else if (groupIds.has(sub.id)) {
        problems.push(`subtask id "${sub.id}" in group "${group.id}" is also a group id`);
      }
      subtaskIds.set(sub.id, group.id);
    }
  }
  for (const cycle of findCycles(plan)) {
    problems.push(`dependency cycle: ${cycle.join(' → ')}`);
  }
  if (problems.length) throw new PlanValidationError(problems);
  return plan;
}

/** Every elementary cycle found by a depth-first search, each named once (e.g. g1 → g2 → g1). */
function findCycles(plan: Plan): string[][] {
  const deps = new Map<string, string[]>();
  for (const g of plan.groups) {
    if (!deps.has(g.id)) deps.set(g.id, g.dependsOn.filter((d) => d !== g.id));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();

  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of deps.get(node) ?? []) {
      if (!deps.has(next)) continue; // unknown ids are reported separately
      const s = state.get(next);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, next]);
        }
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of deps.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Groups in an order where every group comes after the groups it depends on. */
export function topologicalGroups(plan: Plan): Plan['groups'] {
  const byId = new Map(plan.groups.map((g) => [g.id, g]));
  const out: Plan['groups'] = [];
  const done = new Set<string>();
  const visit = (g: Plan['groups'][number]) => {
    if (done.has(g.id)) return;
    done.add(g.id);
    for (const d of g.dependsOn) {
      const dep = byId.get(d);
      if (dep) visit(dep);
    }
    out.push(g);
  };
  plan.groups.forEach(visit);
  return out;
}
