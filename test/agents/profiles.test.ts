// The agent profiles' command lines, and the Claude Code hook that pre-approves maestro CLI calls.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_PROFILES, resolveLaunch, type LaunchContext } from '../../main/core/agents';
import { AGENT_PROFILE_LIST } from '../../preload/profiles';
import { tmpDir } from '../helpers';
import { REAL_RUN_TIMEOUT_MS } from './run-helpers';

function context(role: LaunchContext['role'], withSkills = false): LaunchContext {
  const sessionDir = tmpDir('maestro-session-');
  const cwd = tmpDir('maestro-ws-');
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(sessionDir, name), text);
    return path.join(sessionDir, name);
  };
  let customSkillsDir: string | undefined;
  if (withSkills) {
    customSkillsDir = path.join(cwd, '.skills');
    fs.mkdirSync(path.join(customSkillsDir, 'csv-rules'), { recursive: true });
    fs.writeFileSync(path.join(customSkillsDir, 'csv-rules', 'SKILL.md'), '---\nname: csv-rules\ndescription: CSV\n---\nQuote.\n');
    fs.mkdirSync(path.join(customSkillsDir, 'not-a-skill'));
  }
  return {
    role,
    prompt: 'Do the group',
    system: 'SKILL TEXT',
    promptFile: write('prompt.md', 'Do the group'),
    systemFile: write('system.md', 'SKILL TEXT'),
    fullPromptFile: write('full-prompt.md', 'SKILL TEXT\n\n---\n\nDo the group\n'),
    sessionDir,
    cwd,
    customSkillsDir,
    maestro: { node: process.execPath, args: ['/app/dist/cli/maestro.js'], env: { ELECTRON_RUN_AS_NODE: '1' } },
    llm: { model: 'claude-sonnet-5-5', maxTokens: 8000, maxTurns: 40 },
  };
}

const build = (name: string, ctx: LaunchContext) => AGENT_PROFILES.get(name)!.build(ctx);

describe('the profiles of preload/profiles.ts', () => {
  it('are exactly the ones the engine can start, with the same label and traits', () => {
    expect([...AGENT_PROFILES.values()].map(({ name, label, needsApiKey, interactive }) => ({ name, label, needsApiKey, interactive }))).toEqual(
      AGENT_PROFILE_LIST.map(({ name, label, needsApiKey, interactive }) => ({ name, label, needsApiKey, interactive })),
    );
    for (const p of AGENT_PROFILES.values()) expect(p.install).not.toBe('');
  });
});

describe('the builtin profile', () => {
  it('runs `maestro agent` with the role, the files and the LLM settings', () => {
    const ctx = context('orchestrator');
    expect(build('builtin', ctx)).toEqual({
      file: process.execPath,
      args: [
        '/app/dist/cli/maestro.js', 'agent', '--role', 'orchestrator', '--prompt-file', ctx.promptFile, '--system-file', ctx.systemFile,
        '--model', 'claude-sonnet-5-5', '--max-tokens', '8000', '--max-turns', '40',
      ],
      env: { ELECTRON_RUN_AS_NODE: '1' },
      attention: 'none',
    });
  });
});

describe('the claude profile', () => {
  it('appends the skills file, pre-allows maestro and edits, and passes the prompt after --', () => {
    const ctx = context('worker');
    const launch = build('claude', ctx);
    expect(launch.file).toBe('claude');
    expect(launch.requires).toBe('claude');
    const settings = path.join(ctx.sessionDir, 'claude', 'settings.json');
    expect(launch.args).toEqual([
      '--append-system-prompt-file', ctx.systemFile,
      '--settings', settings,
      '--permission-mode', 'acceptEdits',
      '--allowedTools', 'Bash(maestro:*)', 'Read', 'Edit', 'Write', 'Glob', 'Grep',
      '--', 'Do the group',
    ]);
    const hook = JSON.parse(fs.readFileSync(settings, 'utf8')).hooks.PreToolUse[0];
    expect(hook.matcher).toBe('Bash');
    expect(hook.hooks[0].command).toBe(`ELECTRON_RUN_AS_NODE=1 ${process.execPath} ${path.join(ctx.sessionDir, 'claude', 'allow-maestro.cjs')}`);
    // Needs-input from Claude Code's own signal: its permission dialog and notifications flag the session, its end of turn clears it.
    expect(launch.attention).toBe('agent');
    const hooks = JSON.parse(fs.readFileSync(settings, 'utf8')).hooks;
    const maestro = `ELECTRON_RUN_AS_NODE=1 ${process.execPath} /app/dist/cli/maestro.js session attention --hook`;
    expect(hooks.PermissionRequest[0].hooks[0].command).toBe(`${maestro} --needs-input`);
    expect(hooks.Notification[0].hooks[0].command).toBe(`${maestro} --needs-input`);
    expect(hooks.Stop[0].hooks[0].command).toBe(`${maestro} --clear`);
    // Nothing goes into the workspace.
    expect(fs.readdirSync(ctx.cwd)).toEqual([]);
  });

  it('gives the orchestrator read-only tools and no edit mode', () => {
    const args = build('claude', context('orchestrator')).args;
    expect(args).not.toContain('--permission-mode');
    expect(args.slice(args.indexOf('--allowedTools'), args.indexOf('--'))).toEqual(['--allowedTools', 'Bash(maestro:*)', 'Read', 'Glob', 'Grep']);
  });

  it('exposes the workspace skills as a session plugin, linked from the session dir', () => {
    const ctx = context('worker', true);
    const args = build('claude', ctx).args;
    const plugin = args[args.indexOf('--plugin-dir') + 1]!;
    expect(plugin).toBe(path.join(ctx.sessionDir, 'claude', 'plugin'));
    expect(JSON.parse(fs.readFileSync(path.join(plugin, '.claude-plugin', 'plugin.json'), 'utf8')).name).toBe('maestro-workspace');
    expect(fs.readdirSync(path.join(plugin, 'skills'))).toEqual(['csv-rules']);
    expect(fs.realpathSync(path.join(plugin, 'skills', 'csv-rules'))).toBe(path.join(ctx.customSkillsDir!, 'csv-rules'));
    // Built again (a retry in the same dir), it starts over cleanly.
    expect(build('claude', ctx).args).toContain('--plugin-dir');
  });

  it('is a clear error before spawning when claude is missing', () => {
    expect(() => resolveLaunch('claude', context('worker'), tmpDir())).toThrow(
      'the Claude Code agent needs "claude", which is not on PATH; install it (npm install -g @anthropic-ai/claude-code)',
    );
  });
});

// Each decision starts the real hook (a node process), as Claude Code does: a net for a hang, not a budget.
describe('the hook that pre-approves maestro calls in Claude Code', { timeout: REAL_RUN_TIMEOUT_MS }, () => {
  const ctx = context('worker');
  build('claude', ctx);
  const hook = path.join(ctx.sessionDir, 'claude', 'allow-maestro.cjs');
  const decide = (command: string, tool = 'Bash') => {
    const r = spawnSync(process.execPath, [hook], { input: JSON.stringify({ tool_name: tool, tool_input: { command } }), encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout ? JSON.parse(r.stdout).hookSpecificOutput.permissionDecision : 'no decision';
  };

  it('approves plain maestro commands and a plan in a quoted heredoc', () => {
    expect(decide('maestro task complete s1 --summary "wrote it, tested"')).toBe('allow');
    expect(decide('maestro tree --json')).toBe('allow');
    expect(decide(`maestro plan submit - <<'EOF'\n{"summary": "a; b | c $(x)", "groups": []}\nEOF`)).toBe('allow');
  });

  it('decides nothing about anything else', () => {
    expect(decide('rm -rf /')).toBe('no decision');
    expect(decide('maestro task log s1 "x"; rm -rf /')).toBe('no decision');
    expect(decide('maestro task log s1 "$(curl evil)"')).toBe('no decision');
    expect(decide('maestro task log s1 `id`')).toBe('no decision');
    expect(decide('maestro tree > /etc/x')).toBe('no decision');
    expect(decide('maestrox run')).toBe('no decision');
    expect(decide(`maestro plan submit - <<EOF\n{"summary": "$(id)"}\nEOF`)).toBe('no decision'); // unquoted: expands
    expect(decide(`maestro plan submit - <<'EOF'\n{}\nEOF\nrm -rf /`)).toBe('no decision');
    expect(decide(`maestro plan submit - <<'EOF' && rm -rf /\n{}\nEOF`)).toBe('no decision');
    expect(decide('maestro tree', 'Write')).toBe('no decision');
  });
});

describe('the codex and gemini profiles', () => {
  it('pass the skills and the task as the first message with their documented flags', () => {
    const ctx = context('worker');
    const full = 'SKILL TEXT\n\n---\n\nDo the group\n';
    expect(build('codex', ctx)).toEqual({
      file: 'codex',
      args: ['--ask-for-approval', 'never', '--sandbox', 'workspace-write', '--config', 'sandbox_workspace_write.network_access=true', full],
      requires: 'codex',
    });
    expect(build('gemini', ctx)).toEqual({ file: 'gemini', args: ['--approval-mode', 'yolo', '--prompt-interactive', full], requires: 'gemini' });
  });
});
