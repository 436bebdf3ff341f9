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

/** What a group's session learns beyond its tasks: where it works in git, the last attempt, a conflict to resolve. */
export interface GroupContext {
  /** Worktree isolation: the group's own worktree and branch. */
  git?: { branch: string; worktree: string; integrationBranch: string };
  /** The previous attempt of this group (a retry): why it failed, its last output, its changes so far. */
  previous?: { reason?: string; lastLines: string[]; diffStat: string[] };
  /** A merge conflict to resolve in Maestro's resolution worktree (the merge is under way there). */
  resolution?: {
    worktree: string;
    branch: string;
    groupBranch: string;
    integrationBranch: string;
    files: string[];
    /** The intent of the groups already merged that changed these files. */
    others: Array<{ planId: string; title: string; subtasks: string[] }>;
  };
}

function gitRules(ctx: GroupContext): string[] {
  if (ctx.resolution) {
    const r = ctx.resolution;
    return [
      '',
      '## A merge conflict to resolve',
      `Your group's branch ${r.groupBranch} conflicts with the request's integration branch ${r.integrationBranch}.`,
      `The merge is under way in your working directory (${r.worktree}, branch ${r.branch}); these files hold conflict markers:`,
      ...r.files.map((f) => `- ${f}`),
      'Keep the intent of BOTH sides: edit each file so that no `<<<<<<<`, `=======`, `>>>>>>>` marker is left and both changes work together.',
      'Do not commit, switch branches, rebase, reset, push or abort the merge: Maestro commits the resolution when you exit.',
      'If you cannot resolve it, report the subtask BLOCKED with the reason; a person will take over in this folder.',
      ...(r.others.length ? ['', "### The other side's intent (groups already merged)"] : []),
      ...r.others.flatMap((o) => [`- ${o.planId}: ${o.title}`, ...o.subtasks.map((t) => `  - ${t}`)]),
    ];
  }
  if (!ctx.git) return [];
  return [
    '',
    '## Where you work',
    `You work in a git worktree of your own (${ctx.git.worktree}) on the branch ${ctx.git.branch}; other groups work in theirs.`,
    `Maestro commits what you leave there when your session ends and merges it into ${ctx.git.integrationBranch}.`,
    'Do not switch branches, rebase, reset, push or change the git configuration; committing yourself is allowed but not needed.',
  ];
}

function previousAttempt(ctx: GroupContext): string[] {
  const p = ctx.previous;
  if (!p) return [];
  const out = ['', '## The previous attempt of this group', p.reason ? `It ended with: ${p.reason}` : 'It ended without reporting every subtask.'];
  if (p.diffStat.length) out.push('Its changes so far (they are still in your working directory):', ...p.diffStat.map((l) => `    ${l}`));
  if (p.lastLines.length) out.push('Its last lines of output:', ...p.lastLines.map((l) => `    ${l}`));
  return out;
}

/** The prompt of a group: the request, the subtasks still to do, and what the groups it waits for produced. */
export function groupPrompt(tasks: ReadonlyMap<string, Task>, group: Task, planSummary?: string, ctx: GroupContext = {}): string {
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
  out.push(...gitRules(ctx), ...previousAttempt(ctx));
  out.push(
    '',
    'Start each subtask with `maestro task start <id>`, log progress with `maestro task log <id> "…"`, and end each with',
    '`maestro task complete <id> --summary "…"`, `maestro task fail <id> --reason "…"` or `maestro task block <id> --reason "…"`.',
    'Exit when every subtask is reported.',
  );
  return out.join('\n');
}

/** The orchestrator's system text: its skill, the agents a plan may assign, and the profiles available here. */
export function orchestratorSystemText(skills: SkillSet, profiles: ReadonlyArray<{ name: string; label: string }> = []): string {
  const skill = skills.skills.get(ORCHESTRATOR_SKILL);
  const agents = agentNames(skills).map((name) => {
    if (name === 'worker') return '- worker: a general software engineer; the default for any group';
    const s = skills.skills.get(name)!;
    return `- ${name}: ${s.description}${s.source === 'workspace' ? ' (a skill of this workspace)' : ''}`;
  });
  const programs = profiles.length
    ? `# Agent programs available on this machine\n\nA group may name one as its \`profile\` (default: the request's):\n${profiles.map((p) => `- ${p.name}: ${p.label}`).join('\n')}`
    : '';
  return [skill?.body ?? '', `# Available agents\n\n${agents.join('\n')}`, programs].filter(Boolean).join('\n\n---\n\n');
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
