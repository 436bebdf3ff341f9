#!/usr/bin/env node
// `npm run bench [-- options]`: runs the benchmarks (bench/main.ts, TypeScript through tsx). The run builds
// the app itself. Needs Chromium (MAESTRO_BENCH_CHROMIUM, default /usr/bin/chromium) for the figures
// measured in the browser. Exits non-zero only when a benchmark cannot run, not on a missed goal.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.MAESTRO_BENCH_CHROMIUM ?? '/usr/bin/chromium';
const args = process.argv.slice(2);
const browserFree = args.includes('--help') || args.includes('-h');
if (!browserFree && !existsSync(chromium)) {
  console.error(`maestro bench: no Chromium at ${chromium}; install it or set MAESTRO_BENCH_CHROMIUM`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'main.ts'), ...args], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
