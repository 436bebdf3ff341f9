// The `maestro` launcher on every session's PATH: Node started directly where a `#!` line can say it,
// the sh launcher elsewhere.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, tmpDir } from '../../../test/helpers';
import { nodeLauncher, writeLauncher } from './launch';

const entry = (over: Partial<{ node: string; args: string[]; env: Record<string, string> }> = {}) => ({ node: '/usr/bin/node', args: ['/opt/maestro/dist/cli/maestro.cjs'], env: {}, ...over });

describe('nodeLauncher', () => {
  it('is a CommonJS file whose #! line names Node and that requires the entry', () => {
    expect(nodeLauncher(entry(), 'linux')).toBe(`#!/usr/bin/node\n// Maestro's CLI launcher (rewritten at each start of Maestro).\nrequire("/opt/maestro/dist/cli/maestro.cjs");\n`);
    // The entry's path goes in a JS string: quotes and spaces are fine there.
    expect(nodeLauncher(entry({ args: ['/My Apps/it\'s "x"/maestro.cjs'] }), 'darwin')).toContain(`require(${JSON.stringify('/My Apps/it\'s "x"/maestro.cjs')});`);
  });

  it.each([
    ['Windows (maestro.cmd serves there)', entry(), 'win32'],
    ['an environment to set (Electron as Node)', entry({ env: { ELECTRON_RUN_AS_NODE: '1' } }), 'linux'],
    ['a Node path with a space (a #! line splits there)', entry({ node: '/Applications/My Node/bin/node' }), 'darwin'],
    ['a Node path too long for a #! line', entry({ node: `/${'n'.repeat(130)}/node` }), 'linux'],
    ['a bare `node`', entry({ node: 'node' }), 'linux'],
    ['the ESM entry', entry({ args: ['/opt/maestro/dist/cli/maestro.js'] }), 'linux'],
    ['Node flags (the TypeScript source via tsx)', entry({ args: ['--import', 'tsx', '/repo/main/cli/index.ts'] }), 'linux'],
  ] as const)('is not used for %s: the sh launcher is', (_what, e, platform) => {
    expect(nodeLauncher(e, platform)).toBeUndefined();
  });
});

describe('writeLauncher', () => {
  it('writes a launcher that runs as CommonJS even below a package.json of "type": "module"', () => {
    const parent = tmpDir('maestro launcher ');
    fs.writeFileSync(path.join(parent, 'package.json'), '{ "type": "module" }\n');
    const dir = writeLauncher(path.join(parent, 'data dir'));
    const launcher = path.join(dir, 'maestro');
    expect(fs.readFileSync(launcher, 'utf8').startsWith(`#!${process.execPath}\n`)).toBe(true);
    expect(fs.statSync(launcher).mode & 0o111).toBe(0o111);
    const viaLauncher = spawnSync(launcher, ['--version'], { env: cliEnv(), encoding: 'utf8' });
    const direct = spawnSync(process.execPath, [CLI, '--version'], { env: cliEnv(), encoding: 'utf8' });
    expect(viaLauncher.status, viaLauncher.stderr).toBe(0);
    expect(viaLauncher.stdout).toBe(direct.stdout);
    // Rewritten in place at the next start, whole.
    writeLauncher(path.join(parent, 'data dir'));
    expect(fs.readdirSync(dir).sort()).toEqual(['maestro', 'maestro.cmd', 'package.json']);
  });
});
