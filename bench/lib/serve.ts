// Runs the built app in browser mode (`maestro serve`) as a separate process, the way a user runs it,
// with an optional probe (probe.mjs) reporting its memory and event-loop delay.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appBuild } from './build';
import { REPO_ROOT, tmpDir } from './util';

const PROBE = path.join(REPO_ROOT, 'bench', 'lib', 'probe.mjs');

export interface ProbeSample {
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
}

export interface Serve {
  /** The page URL with its token, as printed by `maestro serve`. */
  uiUrl: string;
  origin: string;
  apiUrl: string;
  adminToken: string;
  dataDir: string;
  pid: number;
  /** Probe samples written since the process started (empty without `probe`). */
  samples(): ProbeSample[];
  /** Calls a command of the local HTTP API as the app (admin token). */
  call<T = any>(method: string, params?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export interface ServeOptions {
  dataDir?: string;
  /** Load probe.mjs into the process (memory and event-loop delay every `probeMs`). */
  probe?: boolean;
  probeMs?: number;
  /** Settings written before the start (e.g. concurrency). */
  settings?: Record<string, unknown>;
  /** Record a V8 CPU profile of the process into this folder (`node --cpu-prof`), written as it exits. */
  cpuProfDir?: string;
}

/** Servers still running; killed if this process ends early (a crash, Ctrl-C), so none is left behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startServe(opts: ServeOptions = {}): Promise<Serve> {
  const app = appBuild();
  const dataDir = opts.dataDir ?? tmpDir('maestro-bench-data-');
  if (opts.settings) {
    const file = path.join(dataDir, 'settings.json');
    const current = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    fs.writeFileSync(file, JSON.stringify({ ...current, ...opts.settings }, null, 2), { mode: 0o600 });
  }
  const probeFile = path.join(dataDir, 'probe.jsonl');
  fs.rmSync(probeFile, { force: true });
  const args = [
    ...(opts.probe ? ['--import', pathToFileURL(PROBE).href] : []),
    ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []),
    app.cli, 'serve', '--port', '0', '--data-dir', dataDir];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MAESTRO_')) delete env[k];
  env.MAESTRO_APP_ROOT = app.root;
  if (opts.probe) {
    env.MAESTRO_BENCH_PROBE = probeFile;
    env.MAESTRO_BENCH_PROBE_MS = String(opts.probeMs ?? 500);
  }
  const child = spawn(process.execPath, args, { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
  const uiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`maestro serve did not start within 20 s:\n${stderr}`)), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /Maestro UI: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`maestro serve exited with ${code}:\n${stderr}`));
    });
  });
  const instance = JSON.parse(fs.readFileSync(path.join(dataDir, 'instance.json'), 'utf8')) as { apiUrl: string; adminToken: string };
  const serve: Serve = {
    uiUrl,
    origin: new URL(uiUrl).origin,
    apiUrl: instance.apiUrl,
    adminToken: instance.adminToken,
    dataDir,
    pid: child.pid!,
    samples: () => readSamples(probeFile),
    call: (method, params) => apiCall(instance.apiUrl, instance.adminToken, method, params),
    stop: () => stopChild(child),
  };
  return serve;
}

export async function apiCall<T = any>(apiUrl: string, token: string, method: string, params: unknown = {}): Promise<T> {
  const res = await fetch(`${apiUrl}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { result?: T; error?: { code: string; message: string } };
  if (!res.ok || body.error) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
  return body.result as T;
}

function readSamples(file: string): ProbeSample[] {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as ProbeSample];
      } catch {
        return []; // a line being written right now
      }
    });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
