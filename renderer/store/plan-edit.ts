// The plan of a loaded request in the form `plan.submit` and `plan.edit` take (group and subtask plan
// ids, dependencies by plan id), for editing a plan that waits for approval.
import type { Plan } from '../../preload/contract';
import type { TaskView } from '../../preload/model';

export function planFromTasks(tasks: ReadonlyMap<string, TaskView>, rootId: string, summary: string | null): Plan {
  const root = tasks.get(rootId);
  const groups = (root?.subtasks ?? []).map((id) => tasks.get(id)).filter((g): g is TaskView => !!g);
  const planIdOf = (id: string) => tasks.get(id)?.planId ?? id;
  return {
    summary: summary ?? '',
    groups: groups.map((g) => ({
      id: g.planId ?? g.id,
      title: g.title,
      agent: g.agent ?? 'worker',
      ...(g.profile ? { profile: g.profile } : {}),
      dependsOn: g.dependsOn.map(planIdOf),
      subtasks: g.subtasks
        .map((id) => tasks.get(id))
        .filter((t): t is TaskView => !!t)
        .map((t) => ({ id: t.planId ?? t.id, title: t.title, description: t.description })),
    })),
  };
}

/** "g3 waits for g1, g2" for each group that waits for others (the ids the tree shows); empty when none does. */
export function dependencyLines(plan: Plan): string[] {
  return plan.groups.filter((g) => g.dependsOn.length).map((g) => `${g.id} waits for ${g.dependsOn.join(', ')}`);
}
