// `maestro run` prints what workers report (log messages, titles) in its live progress: never with the
// escape sequences a worker put in them, on a pipe (event lines) or on a terminal (the redrawn tree).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodePty from 'node-pty';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, REPO_ROOT, tmpDir, waitFor } from '../helpers';

const HOSTILE = 'before \x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x1b\\\x1b[2J\x1b[31mred\x1b[0m\x9b2J after';
const SHOWN = 'before red after';
// What the CLI itself may write to a terminal: colours, erase line, cursor to a previous line.
const OWN_SEQUENCE = /\x1b\[[0-9;]*[mKF]/g;

function setup(script: Record<string, unknown>) {
  const dataDir = tmpDir();
  const workspace = tmpDir('maestro-ws-');
  const planFile = path.join(workspace, 'plan.json');
  const plan = { groups: [{ id: 'g1', title: `group \x1b]0;title\x07one`, subtasks: [{ id: 's1', title: 'first', description: '' }] }] };
  fs.writeFileSync(planFile, JSON.stringify(plan));
  fs.writeFileSync(path.join(workspace, 'agent-script.json'), JSON.stringify({ g1: script }));
  const agent = `node ${path.join(REPO_ROOT, 'test/fixtures/scripted-agent.mjs')} {promptFile}`;
  return { workspace, args: ['run', '--data-dir', dataDir, '--workspace', workspace, '--plan', planFile, '--agent-command', agent, 'Write s1'] };
}

describe('maestro run live progress', () => {
  it('on a pipe: event lines without the worker’s escape sequences', async () => {
    const { args } = setup({ log: HOSTILE });
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(SHOWN);
    expect(r.stdout).toContain('group one');
    expect(r.stdout).not.toMatch(/[\x1b\x07\x9b\x9c\x9d]/);
  });

  it('on a terminal: the redrawn tree shows the last log line cleaned, with the CLI’s own colours', async () => {
    const { workspace, args } = setup({ log: HOSTILE, waitForFile: 'go' });
    const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;
    const term = pty.spawn(process.execPath, [CLI, ...args], { cols: 160, rows: 40, env: cliEnv({ NO_COLOR: undefined }) as Record<string, string> });
    let out = '';
    term.onData((d) => (out += d));
    const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    try {
      // The agent waits after logging until the test has seen the log line in the live tree.
      await waitFor(() => out.replace(OWN_SEQUENCE, '').includes(`— ${SHOWN}`), 'the log line in the live tree', 60_000);
      fs.writeFileSync(path.join(workspace, 'go'), '');
      expect(await exit).toBe(0);
    } finally {
      term.kill();
    }
    expect(out).toMatch(/\x1b\[3\dm/); // the CLI's colours are there
    const rest = out.replace(OWN_SEQUENCE, '');
    expect(rest).not.toMatch(/[\x1b\x07\x9b\x9c\x9d]/);
    expect(rest).toContain('group one');
  });
});
