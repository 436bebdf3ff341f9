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

/**
 * Writes <dataDir>/bin/maestro (and maestro.cmd), a launcher for the CLI that every agent finds first on its
 * PATH. Workers run it for every report, so it starts Node directly when it can (nodeLauncher); else it is a
 * `/bin/sh` script that sets the entry's environment and execs Node.
 */
export function writeLauncher(dataDir: string): string {
  const dir = path.join(dataDir, 'bin');
  fs.mkdirSync(dir, { recursive: true });
  const entry = cliEntry();
  const envPrefix = Object.entries(entry.env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  const direct = nodeLauncher(entry);
  const sh = `#!/bin/sh\n${envPrefix}exec ${[entry.node, ...entry.args].map(shQuote).join(' ')} "$@"\n`;
  // The launcher file has no extension: this package.json makes it CommonJS whatever folder holds the data dir.
  if (direct) fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  writeExecutable(path.join(dir, 'maestro'), direct ?? sh);
  const cmdEnv = Object.entries(entry.env)
    .map(([k, v]) => `set ${k}=${v}\r\n`)
    .join('');
  fs.writeFileSync(path.join(dir, 'maestro.cmd'), `@echo off\r\n${cmdEnv}"${entry.node}" ${entry.args.map((a) => `"${a}"`).join(' ')} %*\r\n`);
  return dir;
}

/** The longest first line kept: Linux before 5.1 cut `#!` lines at 127 characters (BINPRM_BUF_SIZE 128). */
const SHEBANG_MAX = 127;

/**
 * The launcher as a CommonJS file that Node runs itself (`#!<node>` first line, then it requires the
 * CommonJS entry): no shell starts before Node. Only where that means the same as the sh launcher: no
 * environment to set (Electron as Node needs ELECTRON_RUN_AS_NODE), one `.cjs` entry and no Node flags,
 * an absolute Node path the kernel takes as it is (no white space, which splits a `#!` line, and short
 * enough), and not on Windows (maestro.cmd serves there). Otherwise undefined: the sh launcher.
 */
export function nodeLauncher(entry: { node: string; args: string[]; env: Record<string, string> }, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32' || Object.keys(entry.env).length > 0) return undefined;
  if (entry.args.length !== 1 || !entry.args[0]!.endsWith('.cjs') || !path.isAbsolute(entry.args[0]!)) return undefined;
  const shebang = `#!${entry.node}`;
  if (!path.isAbsolute(entry.node) || /[\s\0]/.test(entry.node) || shebang.length > SHEBANG_MAX) return undefined;
  return `${shebang}\n// Maestro's CLI launcher (rewritten at each start of Maestro).\nrequire(${JSON.stringify(entry.args[0])});\n`;
}

/** Replaces the file in one step: a worker starting the launcher meanwhile runs the old or the new one, whole. */
function writeExecutable(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o755 });
  fs.renameSync(tmp, file);
}

function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
