// `npm test`: sets up what the suite needs on a fresh machine, then runs it (vitest).
//  - node_modules missing → `npm ci` (Electron's binary is not downloaded: the suite runs under Node)
//  - Debian Chromium missing → installed with apt when running as root (the browser e2e tests need it)
// Extra arguments go to vitest: `npm test -- main/core`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('npm test: installing dependencies (npm ci)…');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) process.exit(1);
}
if (!process.env.MAESTRO_CHROMIUM && !has('chromium')) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log('npm test: installing Debian Chromium for the browser tests…');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
  } else {
    console.warn('npm test: Chromium is missing (apt-get install chromium, or set MAESTRO_CHROMIUM); the browser tests will fail');
  }
}
process.exit(run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)]));
