// 6. CLI round trip: `maestro task log …` as a worker runs it (a whole process: start, one API call,
// exit), against `node -e 0` (Node's bare start) measured alternately in the same run.
import { spawn } from 'node:child_process';
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
}

function timeRun(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
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
    const cliArgs = [appBuild().cli, 'task', 'log', task.id, 'compiled the module; running the tests next'];
    log(`  ${runs} × maestro task log, ${runs} × node -e 0, alternating…`);
    const cli: number[] = [];
    const node: number[] = [];
    await timeRun(cliArgs, env); // warm the file cache
    await timeRun(['-e', '0'], env);
    for (let i = 0; i < runs; i++) {
      cli.push(await timeRun(cliArgs, env));
      node.push(await timeRun(['-e', '0'], env));
    }
    const stats = (v: number[]) => ({ p50: round(percentile(v, 50)), p95: round(percentile(v, 95)) });
    const c = stats(cli);
    const n = stats(node);
    return { runs, cli: c, node: n, ratio: round(c.p50 / n.p50, 2) };
  } finally {
    await serve.stop();
  }
}
