// The texts a worker receives: the skills (system) and the group prompt (task).
import { leavesOf } from '../../../preload/tree';
import { agentNames, customSkillIndex, ORCHESTRATOR_SKILL, personaFor, WORKER_SKILL, type SkillSet } from '../skills';
import type { Task } from '../../../preload/model';

export function workerSystemText(skills: SkillSet, agent: string): string {
  const parts: string[] = [];
  const worker = skills.skills.get(WORKER_SKILL);
  if (worker) parts.push(worker.body);
  const persona = personaFor(skills, agent);
  if (persona) parts.push(`# Your role: ${persona.name}\n\n${persona.body}`);
  const custom = customSkillIndex(skills, persona?.name);
  if (custom.length) {
    parts.push(
      [
        '# Skills of this workspace',
        'Read a skill file when its description matches what you are doing:',
        ...custom.map((s) => `- ${s.name}: ${s.description} (${s.path})`),
      ].join('\n'),
    );
  }
  return parts.join('\n\n---\n\n');
}

function line(t: Task): string {
  const desc = t.description.trim() ? `\n  ${t.description.trim().replace(/\n/g, '\n  ')}` : '';
  return `- ${t.planId ?? t.id} (task id ${t.id}, ${t.status}): ${t.title}${desc}`;
}

/** The prompt of a group: the request, the subtasks still to do, and what the groups it waits for produced. */
export function groupPrompt(tasks: ReadonlyMap<string, Task>, group: Task, planSummary?: string): string {
  const root = tasks.get(group.rootId)!;
  const leaves = leavesOf(tasks, group.id).filter((t) => t.id !== group.id);
  const open = leaves.filter((t) => t.status !== 'COMPLETED');
  const done = leaves.filter((t) => t.status === 'COMPLETED');
  const out: string[] = [
    `You are a Maestro worker. Your group is "${group.title}" (${group.planId ?? ''}, task id ${group.id}; it is $MAESTRO_TASK_ID).`,
    '',
    '## The request',
    root.description.trim() || root.title,
  ];
  if (planSummary?.trim()) out.push('', '## The plan', planSummary.trim());
  if (group.description.trim()) out.push('', '## Your group', group.description.trim());
  out.push('', '## Subtasks to do (report each one with the maestro CLI)', ...open.map(line));
  if (done.length) out.push('', '## Already completed in this group', ...done.map((t) => `- ${t.planId ?? t.id}: ${t.title}${t.result ? ` — ${t.result}` : ''}`));
  const deps = group.dependsOn.map((id) => tasks.get(id)).filter((t): t is Task => !!t);
  if (deps.length) {
    out.push('', '## Results of the groups you build on');
    for (const dep of deps) {
      out.push(`### ${dep.planId ?? dep.id}: ${dep.title}`);
      for (const leaf of leavesOf(tasks, dep.id)) {
        out.push(`- ${leaf.planId ?? leaf.id} ${leaf.title}: ${leaf.result?.trim() || '(no summary)'}`);
      }
    }
  }
  out.push(
    '',
    'Start each subtask with `maestro task start <id>`, log progress with `maestro task log <id> "…"`, and end each with',
    '`maestro task complete <id> --summary "…"`, `maestro task fail <id> --reason "…"` or `maestro task block <id> --reason "…"`.',
    'Exit when every subtask is reported.',
  );
  return out.join('\n');
}

/** The orchestrator's system text: its skill and the agents a plan may assign, with their descriptions. */
export function orchestratorSystemText(skills: SkillSet): string {
  const skill = skills.skills.get(ORCHESTRATOR_SKILL);
  const agents = agentNames(skills).map((name) => {
    if (name === 'worker') return '- worker: a general software engineer; the default for any group';
    const s = skills.skills.get(name)!;
    return `- ${name}: ${s.description}${s.source === 'workspace' ? ' (a skill of this workspace)' : ''}`;
  });
  return [skill?.body ?? '', `# Available agents\n\n${agents.join('\n')}`].filter(Boolean).join('\n\n---\n\n');
}

/** The orchestrator's task prompt: the request and where it is to be done. */
export function orchestratorPrompt(root: Task, workspace: string): string {
  return [
    `Plan this request for the workspace ${workspace} (your working directory).`,
    '',
    '## The request',
    root.description.trim() || root.title,
    '',
    `Explore what you need, then submit the plan (the submit_plan tool, or \`maestro plan submit -\` with the plan JSON on standard input; the request's task id is ${root.id}, also in $MAESTRO_TASK_ID).`,
  ].join('\n');
}
