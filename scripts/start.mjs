// `npm start`: builds Maestro, then opens it in Electron when Electron can run here (its binary was
// downloaded and there is a display), else in the browser (`maestro serve`, which prints the URL).
// Arguments after `--` go to `maestro serve` in browser mode, e.g. `npm start -- --port 4848`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function step(what, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`maestro: ${what} failed`);
    process.exit(r.status ?? 1);
  }
}

/** The Electron binary, or why there is none. */
function findElectron() {
  let binary;
  try {
    // The electron package exports the binary's path; it throws when the download was skipped. Electron is
    // an optional dependency: when its download fails, npm leaves the package out and the install goes on.
    binary = createRequire(import.meta.url)('electron');
  } catch (err) {
    if (err?.code === 'MODULE_NOT_FOUND') return { why: 'Electron is not installed (its download failed during npm install; `npm install` tries again)' };
    return { why: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?)' };
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) return { why: `the Electron binary is missing (${binary})` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { why: 'there is no display' };
  return { binary };
}

step('the build (esbuild)', ['scripts/build.mjs']);
step('the renderer build (vite)', [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);

const { binary, why } = findElectron();
let child;
if (binary) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // it would start Electron as plain Node
  child = spawn(binary, [root], { cwd: root, stdio: 'inherit', env });
} else {
  console.log(`maestro: ${why}; starting browser mode instead`);
  child = spawn(process.execPath, [path.join(root, 'dist', 'cli', 'maestro.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
}

// Stay alive until the child has shut down cleanly. Ctrl-C also reaches the child from the terminal: pass
// signals on as SIGTERM, which a child already stopping on SIGINT takes as the same request.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill('SIGTERM'));
child.on('error', (err) => {
  console.error(`maestro: could not start: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
