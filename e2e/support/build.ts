// Builds what the end-to-end tests run, only when an output is missing or older than its sources, so a
// second run starts at once. The CLI bundle is built by vitest's global setup (test/global-setup.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../test/helpers';

function newestMtime(entries: string[]): number {
  let newest = 0;
  const stack = entries.map((e) => path.join(REPO_ROOT, e));
  while (stack.length) {
    const p = stack.pop()!;
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) stack.push(path.join(p, name));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  }
  return newest;
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(path.join(REPO_ROOT, file)).mtimeMs;
  } catch {
    return 0;
  }
}

/** The renderer in dist/renderer, rebuilt with Vite when a source is newer than the build. */
export function ensureRendererBuilt(): void {
  const built = mtimeOf('dist/renderer/index.html');
  const sources = newestMtime(['renderer', 'preload', 'vite.config.ts']);
  if (built > sources) return;
  // The production build, as `npm run build` makes it: vitest runs with NODE_ENV=test, which Vite would
  // honour (React's development build with the libraries' production code paths).
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
