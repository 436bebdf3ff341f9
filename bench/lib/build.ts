// Builds the app (CLI bundle and renderer) and copies it into a private app folder for the run, so
// that the measured build stays the same while the working tree or dist/ change during a long run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, tmpDir } from './util';

export interface AppBuild {
  /** MAESTRO_APP_ROOT for the processes of the run: dist/cli, dist/renderer, skills, node_modules. */
  root: string;
  cli: string;
}

export function buildApp(): AppBuild {
  const root = tmpDir('maestro-bench-app-');
  const node = process.execPath;
  execFileSync(node, ['scripts/build.mjs', 'cli'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.cpSync(path.join(REPO_ROOT, 'dist', 'cli'), path.join(root, 'dist', 'cli'), { recursive: true });
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(node, [vite, 'build', '--outDir', path.join(root, 'dist', 'renderer'), '--emptyOutDir', '--logLevel', 'error'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The bundle is ESM in .js files, resolves node-pty from node_modules, and finds the built-in skills.
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'maestro-bench-build', private: true, type: 'module' }));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  fs.symlinkSync(path.join(REPO_ROOT, 'skills'), path.join(root, 'skills'), 'dir');
  const index = path.join(root, 'dist', 'renderer', 'index.html');
  if (!fs.existsSync(index)) throw new Error('the renderer build produced no index.html');
  // The page probe (page-probe.js, inert without `?bench=` orders) runs before the app's own script: a
  // deferred script placed before the app's module script runs first, once the page is parsed. Deferred,
  // it does not hold up the parser, so the page fetches its own scripts as early as without it (a
  // blocking probe delayed them, and the first paint, by ~25 ms here).
  fs.copyFileSync(path.join(REPO_ROOT, 'bench', 'lib', 'page-probe.js'), path.join(root, 'dist', 'renderer', 'bench-probe.js'));
  const html = fs.readFileSync(index, 'utf8');
  if (!html.includes('<title>')) throw new Error('the renderer build has no <title> to put the probe after');
  fs.writeFileSync(index, html.replace('<title>', '<script defer src="/bench-probe.js"></script>\n    <title>'));
  return { root, cli: path.join(root, 'dist', 'cli', 'maestro.js') };
}

let current: AppBuild | undefined;

/** The build of this run (built on first use). */
export function appBuild(): AppBuild {
  current ??= buildApp();
  return current;
}
