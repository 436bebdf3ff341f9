// Runs the Electron end-to-end test (e2e/electron.e2e.ts) where Electron can run: builds the app,
// finds the binary, and on Linux without a display runs under xvfb-run when it is installed.
// Exit codes: the test run's; 1 when it cannot run here (it says why).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function cannotRun(why) {
  console.error(`e2e-electron: cannot run the Electron end-to-end test: ${why}`);
  process.exit(1);
}

let binary;
try {
  binary = createRequire(import.meta.url)('electron');
} catch {
  cannotRun(
    'the Electron binary is not installed (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD, or the download failed). ' +
      'Install it with `node node_modules/electron/install.js`, then run this again.',
  );
}
if (typeof binary !== 'string' || !fs.existsSync(binary)) cannotRun(`the Electron binary ${binary} does not exist`);

function onPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}
const headlessLinux = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (headlessLinux && !onPath('xvfb-run')) cannotRun('there is no display and xvfb-run is not installed (apt-get install xvfb)');

function step(what, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`e2e-electron: ${what} failed`);
    process.exit(r.status ?? 1);
  }
}
step('the build (esbuild)', ['scripts/build.mjs']);
step('the renderer build (vite)', [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);

const vitest = [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'e2e/vitest.electron.config.ts'];
const [command, args] = headlessLinux
  ? ['xvfb-run', ['--auto-servernum', '--server-args=-screen 0 1600x1000x24', process.execPath, ...vitest]]
  : [process.execPath, vitest];
const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_PATH: binary } });
if (r.error) cannotRun(r.error.message);
process.exit(r.status ?? 1);
