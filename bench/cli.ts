// 6. CLI round trip: `maestro task log …` as a worker runs it (a whole process: the session launcher, start,
// one API call, exit), against `node -e 0` (Node's bare start) measured alternately in the same run. The
// launcher is the one the engine wrote (writeLauncher) and the session's PATH finds; the environment and
// the scoped token are the session's own.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appBuild } from './lib/build';
import { createRequest, makeWorkspace, planOf, RECORD_SESSION_ENV, runningSessions, sessionEnvs } from './lib/scenario';
import { startServe } from './lib/serve';
import { nowMs, percentile, round } from './lib/util';

export interface CliResult {
  runs: number;
  cli: { p50: number; p95: number };
  node: { p50: number; p95: number };
  /** CLI p50 / node p50. */
  ratio: number;
  /** What `cli` ran: the session's launcher (its first line) on the CommonJS report entry. */
  entry: string;
  /** The same entry through a `/bin/sh` launcher (`exec node …/maestro.cjs`, the launcher before), alternating too. */
  sh: { p50: number; p95: number; ratio: number };
  /** The ESM entry (`node dist/cli/maestro.js …`), alternating too. */
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
    const ws = makeWorkspace({ idle: RECORD_SESSION_ENV });
    const tree = await createRequest(serve, ws, planOf(['idle']));
    await runningSessions(serve, tree.rootId, 1);
    const [session] = await sessionEnvs(ws, 1);
    const launcher = session!.launcher;
    if (launcher !== path.join(serve.dataDir, 'bin', 'maestro')) throw new Error(`the session's PATH finds ${launcher}, not the engine's launcher`);
    // As inside the worker session: its API, its own scoped token, its ids.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MAESTRO_API: session!.apiUrl,
      MAESTRO_TOKEN: session!.token,
      MAESTRO_TASK_ID: session!.taskId,
      MAESTRO_SESSION_ID: session!.sessionId,
      MAESTRO_ROOT_ID: session!.rootId,
    };
    const message = ['task', 'log', session!.taskId, 'compiled the module; running the tests next'];
    const firstLine = fs.readFileSync(launcher, 'utf8').split('\n')[0]!;
    const fastEntry = path.join(path.dirname(appBuild().cli), 'maestro.cjs');
    const shLauncher = path.join(serve.dataDir, 'bench-sh-launcher');
    fs.writeFileSync(shLauncher, `#!/bin/sh\nexec ${process.execPath} ${fastEntry} "$@"\n`, { mode: 0o755 });
    const esmArgs = [appBuild().cli, ...message];
    log(`  ${runs} × maestro task log (the session's launcher, ${firstLine}), ${runs} × node -e 0, ${runs} × sh launcher, ${runs} × node maestro.js, alternating…`);
    const cli: number[] = [];
    const node: number[] = [];
    const sh: number[] = [];
    const esm: number[] = [];
    await timeRun(message, env, launcher); // warm the file cache
    await timeRun(message, env, shLauncher);
    await timeRun(esmArgs, env);
    await timeRun(['-e', '0'], env);
    for (let i = 0; i < runs; i++) {
      cli.push(await timeRun(message, env, launcher));
      node.push(await timeRun(['-e', '0'], env));
      sh.push(await timeRun(message, env, shLauncher));
      esm.push(await timeRun(esmArgs, env));
    }
    const stats = (v: number[]) => ({ p50: round(percentile(v, 50)), p95: round(percentile(v, 95)) });
    const c = stats(cli);
    const n = stats(node);
    const withRatio = (v: number[]) => {
      const st = stats(v);
      return { ...st, ratio: round(st.p50 / n.p50, 2) };
    };
    const kind = firstLine.startsWith('#!/bin/sh') ? 'sh launcher → node' : 'launcher run by node itself';
    return { runs, cli: c, node: n, ratio: round(c.p50 / n.p50, 2), entry: `${kind} (\`${firstLine}\`) → dist/cli/maestro.cjs`, sh: withRatio(sh), esm: withRatio(esm) };
  } finally {
    await serve.stop();
  }
}
