// Plan validation: one pass that lists every problem, so an LLM (or a person) can fix them all at once.
// Values from the plan are quoted shortened, the list of problems is capped, and a plan over the caps
// (PLAN_LIMITS: groups, subtasks, text lengths) is refused before anything else is looked at.
import { PLAN_LIMITS, planSchema, type Plan } from '../../preload/contract';
import { ApiError } from '../../preload/wire';
import { quote, shorten } from './text';

/** Problems listed in an error at most; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 30;

/** A bad plan: a bad request wherever it comes from (API, `maestro run --plan`). */
export class PlanValidationError extends ApiError {
  /** The problems listed (at most MAX_LISTED_PROBLEMS, the last one counting the rest). */
  readonly problems: string[];

  constructor(all: string[]) {
    const listed = all.slice(0, MAX_LISTED_PROBLEMS).map((p) => shorten(p, 400));
    if (all.length > listed.length) listed.push(`… and ${all.length - listed.length} more problems`);
    super('bad-request', `invalid plan (${all.length} problem${all.length === 1 ? '' : 's'}):\n- ${listed.join('\n- ')}`);
    this.name = 'PlanValidationError';
    this.problems = listed;
  }
}

export interface PlanValidationOptions {
  /** Names a group's `agent` may take (`worker` is always allowed). */
  knownAgents: Iterable<string>;
  /** The profiles a group's `profile` may name: those available here, and why another one is not. */
  profiles?: { available: readonly string[]; why(name: string): string | undefined };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The count caps, checked on the raw input before the schema walks it (5,000 groups are refused at once). */
function countProblems(input: unknown): string[] {
  const groups = (input as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return [];
  const problems: string[] = [];
  if (groups.length > PLAN_LIMITS.groups) {
    problems.push(`the plan has ${count(groups.length)} groups; a plan has at most ${PLAN_LIMITS.groups}`);
  }
  let total = 0;
  groups.forEach((g: unknown, i) => {
    const subtasks = (g as { subtasks?: unknown } | null)?.subtasks;
    if (!Array.isArray(subtasks)) return;
    total += subtasks.length;
    if (subtasks.length > PLAN_LIMITS.subtasksPerGroup) {
      const id = (g as { id?: unknown }).id;
      const name = typeof id === 'string' ? `group ${quote(id)}` : `group ${i + 1}`;
      problems.push(`${name} has ${count(subtasks.length)} subtasks; a group has at most ${PLAN_LIMITS.subtasksPerGroup}`);
    }
  });
  if (total > PLAN_LIMITS.subtasks) {
    problems.push(`the plan has ${count(total)} subtasks in all; a plan has at most ${count(PLAN_LIMITS.subtasks)}`);
  }
  return problems;
}

/** Parses and checks a plan; throws PlanValidationError naming every problem. */
export function validatePlan(input: unknown, opts: PlanValidationOptions): Plan {
  const tooBig = countProblems(input);
  if (tooBig.length) throw new PlanValidationError(tooBig);
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
    if (groupIds.has(group.id)) problems.push(`duplicate group id ${quote(group.id)}`);
    groupIds.add(group.id);
  }
  for (const group of plan.groups) {
    const g = quote(group.id);
    if (group.subtasks.length === 0) problems.push(`group ${g} has no subtasks`);
    if (!agents.has(group.agent)) {
      const available = shorten([...agents].sort().join(', '), 400);
      problems.push(`group ${g} names unknown agent ${quote(group.agent)} (available: ${available})`);
    }
    if (group.profile !== undefined && opts.profiles) {
      const why = opts.profiles.why(group.profile);
      if (why) {
        const available = opts.profiles.available.join(', ') || 'none';
        problems.push(`group ${g} names profile ${quote(group.profile)}, which is not available here: ${why} (available: ${available})`);
      }
    }
    const seenDeps = new Set<string>();
    for (const dep of group.dependsOn) {
      if (dep === group.id) problems.push(`group ${g} depends on itself`);
      else if (!groupIds.has(dep)) problems.push(`group ${g} depends on unknown group ${quote(dep)}`);
      if (seenDeps.has(dep)) problems.push(`group ${g} lists dependency ${quote(dep)} twice`);
      seenDeps.add(dep);
    }
    for (const sub of group.subtasks) {
      const owner = subtaskIds.get(sub.id);
      const s = quote(sub.id);
      if (owner !== undefined) {
        problems.push(
          owner === group.id ? `duplicate subtask id ${s} in group ${g}` : `duplicate subtask id ${s} (in groups ${quote(owner)} and ${g})`,
        );
      } else if (groupIds.has(sub.id)) {
        problems.push(`subtask id ${s} in group ${g} is also a group id`);
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
