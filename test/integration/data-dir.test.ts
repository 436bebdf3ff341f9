// The CLI finds the instance the Electron shell starts: both take the data dir from resolveDataDir
// (main/core/paths.ts). The shell calls it with no --data-dir and its own environment; here an instance
// is started on the dir that rule gives for a fake home, and the real CLI bundle, started with nothing
// but that home, must reach it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../../main/core/instance';
import { resolveDataDir } from '../../main/core/paths';
import { CLI, plan3, tmpDir } from '../helpers';

/** The process environment with the home moved to `home` and every data-dir override removed. */
function envWithHome(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const k of ['MAESTRO_DATA_DIR', 'XDG_CONFIG_HOME', 'APPDATA', 'MAESTRO_API', 'MAESTRO_TOKEN', 'MAESTRO_TASK_ID']) delete env[k];
  env.HOME = home;
  env.USERPROFILE = home;
  env.NO_COLOR = '1';
  return env;
}

function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

let home: string;
let inst: Instance;
let rootId: string;

beforeAll(async () => {
  home = tmpDir('maestro-home-');
  // What main/electron/main.ts does at start: resolveDataDir() with the app's environment.
  const dataDir = resolveDataDir(undefined, envWithHome(home));
  expect(dataDir.startsWith(home)).toBe(true);
  fs.mkdirSync(dataDir, { recursive: true });
  inst = await startInstance({ dataDir });
  // No session can start (the agent is missing): the request only has to exist.
  rootId = (await inst.engine.createRoot({ request: 'found me', workspace: tmpDir('maestro-ws-'), agentCommand: 'missing-agent-xyz', plan: plan3() })).rootId;
});
afterAll(() => inst?.close());

describe('the default data dir', () => {
  it('is one rule: the CLI with no --data-dir reaches the instance started on it', async () => {
    const r = await cli(['task', 'show', rootId, '--json'], envWithHome(home));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).task.id).toBe(rootId);
  });

  it('another home has no instance, and the error names the dir the CLI looked in', async () => {
    const other = tmpDir('maestro-home-');
    const r = await cli(['task', 'show', rootId], envWithHome(other));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(path.join(other, process.platform === 'darwin' ? 'Library/Application Support' : '.config', 'maestro'));
  });
});
