// Agent profiles: how each agent program is started in a session's PTY. A profile turns the session's
// prompt and skills into a command line; the engine never special-cases an agent anywhere else.
import fs from 'node:fs';
import path from 'node:path';
import { AGENT_PROFILE_LIST, type ProfileInfo, type ProfileName } from '../../preload/profiles';
import type { AttentionMode } from './sessions/attention';

export interface LaunchContext {
  role: 'worker' | 'orchestrator';
  /** The task prompt built by the engine (the group's subtasks, the request, dependency results). */
  prompt: string;
  /** The skills text: the Maestro skill for the role, the persona, the custom skill index. */
  system: string;
  /** Files holding the same texts (written by the engine in the session dir). */
  promptFile: string;
  systemFile: string;
  /** System + prompt in one file, for agents that take a single prompt. */
  fullPromptFile: string;
  sessionDir: string;
  cwd: string;
  /** The command line of the `custom` profile. */
  customCommand?: string;
  /** Folder of custom skills (`<workspace>/.skills`) when it exists. */
  customSkillsDir?: string;
  /** How to run the `maestro` CLI itself (for the built-in agent). */
  maestro: { node: string; args: string[]; env?: Record<string, string> };
  /** The LLM settings of the built-in agent (model, max tokens, max turns). */
  llm?: { model: string; maxTokens: number; maxTurns: number };
}

export interface AgentLaunch {
  file: string;
  args: string[];
  env?: Record<string, string>;
  /** The executable that must exist on PATH (checked before spawning). */
  requires?: string;
  /** How the agent says it waits for a person (default: Maestro watches the terminal for a prompt). */
  attention?: AttentionMode;
}

/** How a profile is started; its name, label and traits are in preload/profiles.ts. */
interface Launcher {
  /** What to install when the executable is missing. */
  install: string;
  build(ctx: LaunchContext): AgentLaunch;
}

export interface AgentProfile extends ProfileInfo, Launcher {}

/** Quotes a string for POSIX sh. */
export function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Substitutes {prompt}, {promptFile}, {systemFile}, {taskFile}, {cwd} in a custom command line. */
export function expandCommand(template: string, ctx: LaunchContext): string {
  const full = fs.readFileSync(ctx.fullPromptFile, 'utf8');
  const values: Record<string, string> = {
    prompt: full,
    promptFile: ctx.fullPromptFile,
    systemFile: ctx.systemFile,
    taskFile: ctx.promptFile,
    cwd: ctx.cwd,
  };
  return template.replace(/\{(prompt|promptFile|systemFile|taskFile|cwd)\}/g, (_m, key: string) => shellQuote(values[key]!));
}

/** The first word of a simple shell command line, when there is one to check on PATH. */
const SHELL_BUILTINS = new Set(['.', ':', '[', 'cd', 'echo', 'eval', 'exec', 'exit', 'export', 'false', 'printf', 'read', 'set', 'sleep', 'source', 'test', 'true', 'if', 'for', 'while', 'case', '{', '!']);
function commandWord(command: string): string | undefined {
  const m = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*([^\s;&|<>()'"`$]+)/.exec(command);
  const word = m?.[1];
  return word && !SHELL_BUILTINS.has(word) ? word : undefined;
}

// ---- Claude Code ---------------------------------------------------------------------------------

/**
 * A PreToolUse hook for Claude Code that approves plain `maestro …` commands, including a plan passed
 * through a quoted heredoc (`maestro plan submit - <<'EOF'` … `EOF`), which Claude Code's own checks
 * would otherwise stop to ask about (a JSON body has braces and quotes). It approves nothing else and
 * denies nothing: every other command goes through Claude Code's permission rules as usual.
 */
export const CLAUDE_ALLOW_MAESTRO_HOOK = String.raw`// Written by Maestro: approves maestro CLI calls in this Claude Code session.
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  let event;
  try {
    event = JSON.parse(input);
  } catch {
    return;
  }
  const command = String((event.tool_input && event.tool_input.command) || '').trim();
  if (event.tool_name !== 'Bash' || !isMaestroCall(command)) return;
  process.stdout.write(JSON.stringify({
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'a Maestro CLI call' },
  }));
});

// No expansion, chaining or redirection outside a quoted heredoc body.
const UNSAFE = /[\x60$;&|<>()\\\n]/;
function isMaestroCall(command) {
  if (!/^maestro(\s|$)/.test(command)) return false;
  const lines = command.split('\n');
  if (lines.length === 1) return !UNSAFE.test(command);
  const m = /^(maestro\s[^<]*)<<-?\s*'([A-Za-z_][A-Za-z0-9_]*)'\s*$/.exec(lines[0]);
  if (!m || UNSAFE.test(m[1])) return false;
  const body = lines.slice(1);
  return body.length >= 1 && body[body.length - 1].trim() === m[2] && body.slice(0, -1).every((l) => l.trim() !== m[2]);
}
`;

/** Maestro's files for a Claude Code session, in the session dir (never in the workspace). */
function claudeSessionFiles(ctx: LaunchContext): { settings: string; pluginDir?: string } {
  const dir = path.join(ctx.sessionDir, 'claude');
  fs.mkdirSync(dir, { recursive: true });
  const hook = path.join(dir, 'allow-maestro.cjs');
  fs.writeFileSync(hook, CLAUDE_ALLOW_MAESTRO_HOOK);
  // Hooks run through a shell; in the packaged app the runtime is Electron's binary acting as Node.
  const envPrefix = Object.entries(ctx.maestro.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)} `).join('');
  const command = `${envPrefix}${shellQuote(ctx.maestro.node)} ${shellQuote(hook)}`;
  // Needs-input from Claude Code itself: its PermissionRequest hook (the moment it shows a permission
  // dialog; it decides nothing) and its Notification hook (which comes seconds later, and for an idle
  // prompt too) flag the session; its Stop hook (end of a turn) clears the flag and has Maestro read the turn's
  // token usage from the transcript. Both call `maestro session attention`, which reads the hook's JSON.
  const maestro = `${envPrefix}${[ctx.maestro.node, ...ctx.maestro.args].map(shellQuote).join(' ')} session attention --hook`;
  const hooks = {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command }] }],
    PermissionRequest: [{ hooks: [{ type: 'command', command: `${maestro} --needs-input`, timeout: 30 }] }],
    Notification: [{ hooks: [{ type: 'command', command: `${maestro} --needs-input`, timeout: 30 }] }],
    Stop: [{ hooks: [{ type: 'command', command: `${maestro} --clear`, timeout: 30 }] }],
  };
  const settings = path.join(dir, 'settings.json');
  fs.writeFileSync(settings, JSON.stringify({ hooks }, null, 2));
  return { settings, pluginDir: claudeSkillsPlugin(ctx, dir) };
}

/**
 * The workspace's custom skills as a Claude Code plugin loaded for this session only (`--plugin-dir`):
 * Claude Code lists them to the model and loads them with its Skill tool, as `maestro-workspace:<name>`.
 * The skill folders are linked, not copied, so a skill's scripts and references come along.
 */
function claudeSkillsPlugin(ctx: LaunchContext, dir: string): string | undefined {
  if (!ctx.customSkillsDir) return undefined;
  let names: string[];
  try {
    names = fs
      .readdirSync(ctx.customSkillsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(ctx.customSkillsDir!, e.name, 'SKILL.md')))
      .map((e) => e.name);
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const plugin = path.join(dir, 'plugin');
  fs.rmSync(plugin, { recursive: true, force: true });
  fs.mkdirSync(path.join(plugin, '.claude-plugin'), { recursive: true });
  fs.mkdirSync(path.join(plugin, 'skills'));
  fs.writeFileSync(
    path.join(plugin, '.claude-plugin', 'plugin.json'),
    JSON.stringify({ name: 'maestro-workspace', version: '1.0.0', description: `Skills of the workspace ${ctx.cwd}` }, null, 2),
  );
  for (const name of names) {
    fs.symlinkSync(path.join(ctx.customSkillsDir, name), path.join(plugin, 'skills', name), process.platform === 'win32' ? 'junction' : 'dir');
  }
  return plugin;
}

const claude: Launcher = {
  install: 'npm install -g @anthropic-ai/claude-code',
  build(ctx) {
    const files = claudeSessionFiles(ctx);
    // Maestro's skill, the persona and the skill index join Claude Code's own system prompt.
    const args = ['--append-system-prompt-file', ctx.systemFile, '--settings', files.settings];
    if (files.pluginDir) args.push('--plugin-dir', files.pluginDir);
    // acceptEdits, not bypassPermissions: Claude Code refuses bypass as root. Other commands ask in the pane.
    if (ctx.role === 'worker') args.push('--permission-mode', 'acceptEdits', '--allowedTools', 'Bash(maestro:*)', 'Read', 'Edit', 'Write', 'Glob', 'Grep');
    else args.push('--allowedTools', 'Bash(maestro:*)', 'Read', 'Glob', 'Grep');
    // `--` ends the variadic --allowedTools: the prompt is the first message of the session.
    args.push('--', ctx.prompt);
    return { file: 'claude', args, requires: 'claude', attention: 'agent' };
  },
};

// ---- Codex and Gemini --------------------------------------------------------------------------
// Neither loads extra instructions or skills from outside the user's own config without writing
// files, so the skills text and the task go in as the first message; custom skills are listed in it
// with their paths, for the agent to read when they apply.

const codex: Launcher = {
  install: 'npm install -g @openai/codex',
  build(ctx) {
    return {
      file: 'codex',
      args: [
        '--ask-for-approval',
        'never',
        '--sandbox',
        'workspace-write',
        // The workspace-write sandbox has no network by default; the maestro CLI talks to Maestro on 127.0.0.1.
        '--config',
        'sandbox_workspace_write.network_access=true',
        fs.readFileSync(ctx.fullPromptFile, 'utf8'),
      ],
      requires: 'codex',
    };
  },
};

const gemini: Launcher = {
  install: 'npm install -g @google/gemini-cli',
  build(ctx) {
    return {
      file: 'gemini',
      // --approval-mode replaces the deprecated --yolo (the two together are an error).
      args: ['--approval-mode', 'yolo', '--prompt-interactive', fs.readFileSync(ctx.fullPromptFile, 'utf8')],
      requires: 'gemini',
    };
  },
};

const custom: Launcher = {
  install: 'a command line in the settings or --agent-command',
  build(ctx) {
    if (!ctx.customCommand?.trim()) {
      throw new AgentUnavailableError('the custom agent has no command line: set one in the settings or pass --agent-command');
    }
    // `-c`, never a login shell: a login shell's profile may reset the injected MAESTRO_* variables.
    return { file: '/bin/sh', args: ['-c', expandCommand(ctx.customCommand, ctx)], requires: commandWord(ctx.customCommand) };
  },
};

const builtin: Launcher = {
  install: 'an Anthropic API key in the settings or ANTHROPIC_API_KEY',
  build(ctx) {
    const args = [...ctx.maestro.args, 'agent', '--role', ctx.role, '--prompt-file', ctx.promptFile, '--system-file', ctx.systemFile];
    if (ctx.llm) args.push('--model', ctx.llm.model, '--max-tokens', String(ctx.llm.maxTokens), '--max-turns', String(ctx.llm.maxTurns));
    // It never waits for a person: its text ending in ':' before a tool call is no prompt.
    return { file: ctx.maestro.node, args, env: ctx.maestro.env, attention: 'none' };
  },
};

const LAUNCHERS: Record<ProfileName, Launcher> = { builtin, claude, codex, gemini, custom };

/** Every profile of preload/profiles.ts with the way to start it. */
export const AGENT_PROFILES: ReadonlyMap<string, AgentProfile> = new Map(
  AGENT_PROFILE_LIST.map((info) => [info.name, { ...info, ...LAUNCHERS[info.name] }]),
);

export class AgentUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentUnavailableError';
  }
}

/** Finds an executable on PATH (or checks an explicit path). */
export function findExecutable(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/') ? [name] : envPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Builds the launch for a profile and checks its executable exists, with an error that says what to install. */
export function resolveLaunch(profileName: string, ctx: LaunchContext, envPath?: string): AgentLaunch {
  const profile = AGENT_PROFILES.get(profileName);
  if (!profile) {
    throw new AgentUnavailableError(`unknown agent profile "${profileName}" (available: ${[...AGENT_PROFILES.keys()].join(', ')})`);
  }
  const launch = profile.build(ctx);
  const required = launch.requires?.includes('/') ? path.resolve(ctx.cwd, launch.requires) : launch.requires;
  if (required && !findExecutable(required, envPath)) {
    throw new AgentUnavailableError(
      `the ${profile.label} agent needs "${launch.requires}", which is not on PATH; install it (${profile.install})`,
    );
  }
  return launch;
}
