// `npm run dev`: the renderer with hot reload against a real engine. Starts `maestro serve` (the engine
// and its WebSocket) and the Vite dev server, which proxies /ws to it, then prints the page to open.
// Arguments after `--` go to `maestro serve` (e.g. `npm run dev -- --workspace ~/src/app`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['scripts/build.mjs', 'cli']);
// `serve` needs a built renderer to start; the page you work on comes from Vite.
if (!existsSync('dist/renderer/index.html')) run(process.execPath, ['node_modules/vite/bin/vite.js', 'build']);

const children = [];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const serve = spawn(process.execPath, ['dist/cli/maestro.js', 'serve', '--port', '0', ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] });
children.push(serve);
serve.on('exit', (code) => {
  stop();
  process.exitCode = code ?? 1;
});
let buffered = '';
serve.stdout.on('data', (chunk) => {
  buffered += chunk;
  const m = /Maestro UI: (http:\/\/[^\s/]+)\/\?token=(\S+)/.exec(buffered);
  if (!m || children.length > 1) return;
  const [, origin, token] = m;
  const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', '5173'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MAESTRO_DEV_SERVER: origin },
  });
  children.push(vite);
  let vbuf = '';
  vite.stdout.on('data', (c) => {
    vbuf += c;
    const local = /Local:\s+(http:\/\/\S+)/.exec(vbuf.replace(/\x1b\[[0-9;]*m/g, ''));
    if (local && !vbuf.includes('\u0000printed')) {
      vbuf += '\u0000printed';
      console.log(`Maestro dev: ${local[1]}?token=${token}   (engine ${origin})`);
    }
  });
  vite.on('exit', stop);
});
