// `maestro serve` as a child process: starts it on a free port and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from '../../test/helpers';

export interface Served {
  /** The page URL with its token, as printed: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** This process's environment without its MAESTRO_* variables, with `changes` applied (undefined removes). */
export function childEnv(changes: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MAESTRO_')) env[k] = v;
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function startServe(opts: { dataDir: string; workspace: string; env: Record<string, string | undefined> }): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', opts.dataDir, '--workspace', opts.workspace], {
    env: childEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM'); // serve stops its sessions and releases the data dir
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`maestro serve printed no URL within 30 s:\n${out}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /Maestro UI: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`maestro serve exited (code ${code}) before printing its URL:\n${out}`));
    });
  });
}
