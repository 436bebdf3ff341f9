// 6. CLI round trip: `maestro task log …` as a worker runs it (a whole process: the session launcher, start,
// one API call, exit), against `node -e 0` (Node's bare start) measured alternately in the same run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appBuild } from './lib/build';
import { createRequest, makeWorkspace, planOf, runningSessions, type TreeSnapshot } from './lib/scenario';
import { startServe } from './lib/serve';
import { nowMs, percentile, round } from './lib/util';

export interface CliResult {
  runs: number;
  cli: { p50: number; p95: number };
  node: { p50: number; p95: number };
  /** CLI p50 / node p50. */
  ratio: number;
  /** What `cli` ran: a launcher like the session's (`sh`, exec node) on the CommonJS report entry. */
  entry: string;
  /** The ESM entry (`node dist/cli/maestro.js …`, what the launcher ran before), alternating too. */
  esm: { p50: number; p95: number; ratio: number };
}

function timeRun(args: string[], env: NodeJS.ProcessEnv, program = process.execPath): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(nowMs() - t0) : reject(new Error(`${args.join(' ')} exited with ${code}: ${err}`))));
  });
}

export async function benchCli(runs: number, log: (s: string) => void): Promise<CliResult> {
  const serve = await startServe({ settings: { concurrency: 1 } });
  try {
    const ws = makeWorkspace({ idle: 'exec sleep 600' });
    const tree = await createRequest(serve, ws, planOf(['idle']));
    await runningSessions(serve, tree.rootId, 1);
    const snapshot = await serve.call<TreeSnapshot>('tree.get', { rootId: tree.rootId });
    const task = snapshot.tasks.find((t) => t.kind === 'subtask')!;
    // As inside a worker session: the API and a token in the environment (here the admin token).
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MAESTRO_API: serve.apiUrl, MAESTRO_TOKEN: serve.adminToken };
    const message = ['task', 'log', task.id, 'compiled the module; running the tests next'];
    // The session launcher's shape (main/core/sessions/launch.ts writeLauncher) on the CommonJS entry.
    const fastEntry = path.join(path.dirname(appBuild().cli), 'maestro.cjs');
    const launcher = path.join(serve.dataDir, 'bench-launcher.sh');
    fs.writeFileSync(launcher, `#!/bin/sh\nexec ${process.execPath} ${fastEntry} "$@"\n`, { mode: 0o755 });
    const esmArgs = [appBuild().cli, ...message];
    log(`  ${runs} × maestro task log (launcher → maestro.cjs), ${runs} × node -e 0, ${runs} × node maestro.js, alternating…`);
    const cli: number[] = [];
    const node: number[] = [];
    const esm: number[] = [];
    await timeRun(message, env, launcher); // warm the file cache
    await timeRun(esmArgs, env);
    await timeRun(['-e', '0'], env);
    for (let i = 0; i < runs; i++) {
      cli.push(await timeRun(message, env, launcher));
      node.push(await timeRun(['-e', '0'], env));
      esm.push(await timeRun(esmArgs, env));
    }
    const stats = (v: number[]) => ({ p50: round(percentile(v, 50)), p95: round(percentile(v, 95)) });
    const c = stats(cli);
    const n = stats(node);
    const e = stats(esm);
    return { runs, cli: c, node: n, ratio: round(c.p50 / n.p50, 2), entry: 'sh launcher → node dist/cli/maestro.cjs', esm: { ...e, ratio: round(e.p50 / n.p50, 2) } };
  } finally {
    await serve.stop();
  }
}
