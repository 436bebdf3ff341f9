// Where things are: the app's own files and the default data dir.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from './agents';

/** The folder that holds the app's package.json (the repo in development, the unpacked app when packaged). */
export function appRoot(): string {
  if (process.env.MAESTRO_APP_ROOT) return process.env.MAESTRO_APP_ROOT;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'skills', 'maestro-worker', 'SKILL.md'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the Maestro app folder (skills/maestro-worker/SKILL.md); set MAESTRO_APP_ROOT');
    dir = up;
  }
}

/** The app's version, from its package.json. */
export function appVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function builtinSkillsDir(): string {
  return process.env.MAESTRO_SKILLS_DIR ?? path.join(appRoot(), 'skills');
}

export { resolveDataDir } from './data-dir-location';

/**
 * The CLI entry the `maestro` launcher runs. In the packaged app (its files in app.asar) the RunAsNode
 * fuse is off (electron-builder.yml), so Electron's binary cannot act as Node: see packagedCliEntry.
 * Elsewhere this process's own runtime runs the bundle when built, else the TypeScript source via tsx.
 */
export function cliEntry(envPath = process.env.PATH ?? ''): { node: string; args: string[]; env: Record<string, string> } {
  const root = appRoot();
  if (process.versions.electron && path.basename(root) === 'app.asar') return packagedCliEntry(root, envPath);
  const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  // The report commands run from one small CommonJS file that hands anything else to the full ESM CLI.
  for (const name of ['maestro.cjs', 'maestro.js']) {
    const bundle = path.join(root, 'dist', 'cli', name);
    if (fs.existsSync(bundle)) return { node: process.execPath, args: [bundle], env };
  }
  return {
    node: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'main', 'cli', 'index.ts')],
    env,
  };
}

/**
 * The packaged app's CLI: a system Node (>= 20.19) from PATH runs the unpacked copy of the bundle
 * (asarUnpack: dist/cli/**), since a plain Node cannot read inside app.asar. `node` stays a bare name
 * when PATH has none: prepareLaunch then refuses the session with what to install.
 */
export function packagedCliEntry(asarRoot: string, envPath: string, platform: NodeJS.Platform = process.platform): { node: string; args: string[]; env: Record<string, string> } {
  const node = findExecutable(platform === 'win32' ? 'node.exe' : 'node', envPath) ?? 'node';
  return { node, args: [path.join(`${asarRoot}.unpacked`, 'dist', 'cli', 'maestro.cjs')], env: {} };
}
