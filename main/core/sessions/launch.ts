// What a session starts with: its prompt files, its environment and the `maestro` launcher first on its
// PATH. The environment leads to nothing but the session's own scoped token: no admin token, no data dir.
import fs from 'node:fs';
import path from 'node:path';
import type { SessionInfo } from '../../../preload/model';
import { AgentUnavailableError, resolveLaunch, type AgentLaunch } from '../agents';
import { cliEntry } from '../paths';

export interface LaunchInput {
  info: SessionInfo;
  token: string;
  /** Folder for the session's files (prompt, system text, log). */
  sessionDir: string;
  prompt: string;
  system: string;
  apiUrl: string;
  /** The environment sessions start from (MAESTRO_* and ELECTRON_RUN_AS_NODE are dropped). */
  baseEnv: NodeJS.ProcessEnv;
  /** The stored Anthropic API key, used when the environment has none. */
  storedApiKey?: string;
  launcherDir: string;
  customCommand?: string;
  customSkillsDir?: string;
  llm: { model: string; maxTokens: number; maxTurns: number };
}

export interface PreparedLaunch extends AgentLaunch {
  env: Record<string, string>;
}

/** Writes the prompt files and resolves the agent's command line (throws AgentUnavailableError). */
export function prepareLaunch(input: LaunchInput): PreparedLaunch {
  const { info, sessionDir } = input;
  const promptFile = path.join(sessionDir, 'prompt.md');
  const systemFile = path.join(sessionDir, 'system.md');
  const fullPromptFile = path.join(sessionDir, 'full-prompt.md');
  fs.writeFileSync(promptFile, input.prompt);
  fs.writeFileSync(systemFile, input.system);
  fs.writeFileSync(fullPromptFile, `${input.system}\n\n---\n\n${input.prompt}\n`);
  const env = sessionEnv(input);
  const maestro = cliEntry(env.PATH);
  if (!path.isAbsolute(maestro.node)) {
    throw new AgentUnavailableError(
      'the desktop app runs the `maestro` command on Node.js 20.19 or later, which is not on PATH; install it (https://nodejs.org) and start Maestro again',
    );
  }
  const launch = resolveLaunch(
    info.agentProfile,
    {
      role: info.role,
      prompt: input.prompt,
      system: input.system,
      promptFile,
      systemFile,
      fullPromptFile,
      sessionDir,
      cwd: info.cwd,
      customCommand: input.customCommand,
      customSkillsDir: input.customSkillsDir,
      maestro,
      llm: input.llm,
    },
    env.PATH,
  );
  return { ...launch, env: { ...env, ...launch.env } };
}

function sessionEnv(input: LaunchInput): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.baseEnv)) {
    if (v === undefined || k.startsWith('MAESTRO_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    base[k] = v;
  }
  if (input.storedApiKey && !base.ANTHROPIC_API_KEY && !base.ANTHROPIC_AUTH_TOKEN) base.ANTHROPIC_API_KEY = input.storedApiKey;
  return {
    ...base,
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    PATH: [input.launcherDir, base.PATH].filter(Boolean).join(path.delimiter),
    MAESTRO_API: input.apiUrl,
    MAESTRO_TOKEN: input.token,
    MAESTRO_TASK_ID: input.info.taskId,
    MAESTRO_ROOT_ID: input.info.rootId,
    MAESTRO_SESSION_ID: input.info.id,
  };
}

/** Writes <dataDir>/bin/maestro (and maestro.cmd), a launcher for the CLI that every agent finds first on its PATH. */
export function writeLauncher(dataDir: string): string {
  const dir = path.join(dataDir, 'bin');
  fs.mkdirSync(dir, { recursive: true });
  const entry = cliEntry();
  const envPrefix = Object.entries(entry.env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  const sh = `#!/bin/sh\n${envPrefix}exec ${[entry.node, ...entry.args].map(shQuote).join(' ')} "$@"\n`;
  fs.writeFileSync(path.join(dir, 'maestro'), sh, { mode: 0o755 });
  const cmdEnv = Object.entries(entry.env)
    .map(([k, v]) => `set ${k}=${v}\r\n`)
    .join('');
  fs.writeFileSync(path.join(dir, 'maestro.cmd'), `@echo off\r\n${cmdEnv}"${entry.node}" ${entry.args.map((a) => `"${a}"`).join(' ')} %*\r\n`);
  return dir;
}

function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
