// The packaged app runs its `maestro` CLI on a system Node (the RunAsNode fuse is off), from
// resources/app.asar.unpacked: only what electron-builder.yml's asarUnpack puts there is on disk, since a
// plain Node cannot read inside app.asar. This builds that folder from the same globs and carries a
// request to COMPLETED with it: the bundle, the skills, node-pty and the launcher each session calls.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, cliEnv, REPO_ROOT, tmpDir } from '../helpers';

const { asarUnpack } = parse(fs.readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as { asarUnpack: string[] };

/** resources/app.asar.unpacked as electron-builder lays it out: each `folder/**` glob, copied. */
function unpackedApp(): string {
  const unpacked = path.join(tmpDir('maestro-packaged-'), 'resources', 'app.asar.unpacked');
  for (const glob of asarUnpack) {
    const folder = glob.replace(/\/\*\*$/, '');
    expect(folder, `a plain folder glob: ${glob}`).not.toMatch(/\*/);
    fs.cpSync(path.join(REPO_ROOT, folder), path.join(unpacked, folder), { recursive: true, filter: (f) => !f.endsWith('.map') });
  }
  return unpacked;
}

describe('the packaged CLI on a system Node', () => {
  it('runs a request to COMPLETED from app.asar.unpacked alone', async () => {
    expect(fs.existsSync(CLI), 'the CLI bundle is built (test/global-setup.ts)').toBe(true);
    const unpacked = unpackedApp();
    const bundle = path.join(unpacked, 'dist', 'cli', 'maestro.js');
    const dataDir = tmpDir();
    const workspace = tmpDir('maestro-ws-');
    const planFile = path.join(workspace, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify({ groups: [{ id: 'g1', title: 'one', subtasks: [{ id: 's1', title: 'first', description: '' }] }] }));
    const agent = `node ${path.join(REPO_ROOT, 'test/fixtures/scripted-agent.mjs')} {promptFile}`;
    const args = ['run', '--data-dir', dataDir, '--workspace', workspace, '--plan', planFile, '--agent-command', agent, 'Write s1'];
    // From a folder outside the repo, so nothing resolves to the repo's node_modules.
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [bundle, ...args], { cwd: path.dirname(unpacked), env: cliEnv({ MAESTRO_APP_ROOT: undefined, MAESTRO_SKILLS_DIR: undefined }) });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/COMPLETED/);
    // The sessions' `maestro` launcher runs the unpacked bundle with plain Node: no ELECTRON_RUN_AS_NODE.
    const launcher = fs.readFileSync(path.join(dataDir, 'bin', 'maestro'), 'utf8');
    // (the report commands' CommonJS entry, which hands anything else to the full CLI beside it)
    expect(launcher).toContain(path.join(path.dirname(bundle), 'maestro.cjs'));
    expect(launcher).not.toContain('ELECTRON_RUN_AS_NODE');
  }, 120_000);
});
