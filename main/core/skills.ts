// Skills: `SKILL.md` files with YAML front matter (`name`, `description`) and a Markdown body.
// Built-in skills live in <app>/skills/<name>/SKILL.md; a workspace adds its own in
// <workspace>/.skills/<name>/SKILL.md, and a custom skill of the same name wins.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface Skill {
  name: string;
  description: string;
  body: string;
  path: string;
  source: 'builtin' | 'workspace';
}

export const ORCHESTRATOR_SKILL = 'maestro-orchestrator';
export const WORKER_SKILL = 'maestro-worker';
/** Skills that are the product's own prompts, not personas a plan can assign. */
const SYSTEM_SKILLS = new Set([ORCHESTRATOR_SKILL, WORKER_SKILL]);

export function parseSkill(text: string, file: string, source: Skill['source']): Skill {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${file}: missing YAML front matter (--- name/description ---)`);
  let meta: unknown;
  try {
    meta = parseYaml(m[1]!);
  } catch (err) {
    throw new Error(`${file}: front matter is not valid YAML: ${(err as Error).message}`);
  }
  const { name, description } = (meta ?? {}) as { name?: unknown; description?: unknown };
  const dirName = path.basename(path.dirname(file));
  const skillName = typeof name === 'string' && name.trim() ? name.trim() : dirName;
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(skillName)) throw new Error(`${file}: invalid skill name "${skillName}"`);
  if (typeof description !== 'string' || !description.trim()) {
    throw new Error(`${file}: front matter needs a "description"`);
  }
  return { name: skillName, description: description.trim(), body: m[2]!.trim(), path: file, source };
}

export interface SkillSet {
  skills: Map<string, Skill>;
  /** Problems with individual skill files (the rest still load). */
  problems: string[];
}

function readSkillDir(dir: string, source: Skill['source'], into: SkillSet): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') into.problems.push(`${dir}: ${(err as Error).message}`);
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory()) continue;
    const file = path.join(dir, e.name, 'SKILL.md');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    try {
      const skill = parseSkill(text, file, source);
      into.skills.set(skill.name, skill);
    } catch (err) {
      into.problems.push((err as Error).message);
    }
  }
}

/** Built-in skills, then the workspace's `.skills/` over them. */
export function loadSkills(builtinDir: string, workspace?: string): SkillSet {
  const set: SkillSet = { skills: new Map(), problems: [] };
  readSkillDir(builtinDir, 'builtin', set);
  if (workspace) readSkillDir(path.join(workspace, '.skills'), 'workspace', set);
  return set;
}

/** The agents a plan may assign: `worker` plus every persona and custom skill. */
export function agentNames(set: SkillSet): string[] {
  return ['worker', ...[...set.skills.keys()].filter((n) => !SYSTEM_SKILLS.has(n))];
}

/** The persona skill behind a group's `agent` (none for the plain `worker`). */
export function personaFor(set: SkillSet, agent: string): Skill | undefined {
  if (agent === 'worker' || SYSTEM_SKILLS.has(agent)) return undefined;
  return set.skills.get(agent);
}

/** Custom (workspace) skills that are not the group's persona: listed by name, read on demand. */
export function customSkillIndex(set: SkillSet, except?: string): Skill[] {
  return [...set.skills.values()].filter((s) => s.source === 'workspace' && s.name !== except && !SYSTEM_SKILLS.has(s.name));
}
