// Where the data dir is, on its own (no imports beyond node:os and node:path): the CLI's report path
// bundles it without the rest of paths.ts.
// Named imports only (see main/cli/client.ts).
import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';

/**
 * The data dir, decided in one place for the CLI, `maestro serve` and the Electron shell (so the CLI
 * finds the instance the desktop app runs): an explicit `--data-dir`, else `$MAESTRO_DATA_DIR`, else the
 * OS app-data folder: `~/.config/maestro` (or `$XDG_CONFIG_HOME/maestro`), `~/Library/Application
 * Support/maestro`, `%APPDATA%\maestro`. It reads the environment only through `env` (tests pass their own).
 */
export function resolveDataDir(
  explicit?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (explicit) return resolve(explicit);
  if (env.MAESTRO_DATA_DIR) return resolve(env.MAESTRO_DATA_DIR);
  const p = platform === 'win32' ? win32 : posix;
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support', 'maestro');
  if (platform === 'win32') return p.join(env.APPDATA || p.join(home, 'AppData', 'Roaming'), 'maestro');
  return p.join(env.XDG_CONFIG_HOME || p.join(home, '.config'), 'maestro');
}
