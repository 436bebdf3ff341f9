// Where things are: the app's own files and the default data dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The OS app-data folder: ~/.config/maestro, ~/Library/Application Support/maestro, %APPDATA%\maestro. */
export function defaultDataDir(): string {
  if (process.env.MAESTRO_DATA_DIR) return path.resolve(process.env.MAESTRO_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'maestro');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'maestro');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'maestro');
}

/** The CLI entry the `maestro` launcher runs: the bundle when built, else the TypeScript source via tsx. */
export function cliEntry(): { node: string; args: string[]; env: Record<string, string> } {
  const root = appRoot();
  const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  const bundle = path.join(root, 'dist', 'cli', 'maestro.js');
  if (fs.existsSync(bundle)) return { node: process.execPath, args: [bundle], env };
  return {
    node: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'main', 'cli', 'index.ts')],
    env,
  };
}
