// The engine's part of figure 5 (the 10,000-task tree), without a browser: how long a status report
// takes from the API call to the `tasks.changed` event leaving `maestro serve` (as a WebSocket client
// receives it), and how long the page's `tree.get` takes, with the bytes of each. Runs the built CLI of
// any checkout, so two builds can be measured alternately in one session:
//
//   node --import tsx bench/engine-path.ts --repo /work/base --repo . --rounds 3 [--profile /tmp/prof]
//
// Each round measures every --repo once, in the order given. Not part of `npm run bench`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { inclusiveTimes } from './lib/profile-inclusive';
import { summarizeCpuProfile } from './lib/profile';
import { makeWorkspace, type TreeSnapshot } from './lib/scenario';
import { nowMs, percentile, round, waitFor } from './lib/util';

interface Options {
  repos: string[];
  rounds: number;
  groups: number;
  perGroup: number;
  changes: number;
  trees: number;
  profile?: string;
  out?: string;
  /** Keep the built tree's data dir here and reuse it in later runs. */
  template?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { repos: [], rounds: 1, groups: 100, perGroup: 99, changes: 40, trees: 7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${a} needs a value`);
      return next;
    };
    if (a === '--repo') o.repos.push(path.resolve(v()));
    else if (a === '--rounds') o.rounds = Number(v());
    else if (a === '--groups') o.groups = Number(v());
    else if (a === '--per-group') o.perGroup = Number(v());
    else if (a === '--changes') o.changes = Number(v());
    else if (a === '--trees') o.trees = Number(v());
    else if (a === '--profile') o.profile = path.resolve(v());
    else if (a === '--out') o.out = path.resolve(v());
    else if (a === '--template') o.template = path.resolve(v());
    else throw new Error(`unknown option ${a}`);
  }
  if (o.repos.length === 0) o.repos.push(process.cwd());
  return o;
}

const tmp = (prefix: string) => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));

/** The CLI of a checkout, built and copied into a private app folder (a stub page: no browser here). */
function buildCli(repo: string): { root: string; cli: string; commit: string } {
  execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  const root = tmp('maestro-engine-path-app-');
  fs.cpSync(path.join(repo, 'dist', 'cli'), path.join(root, 'dist', 'cli'), { recursive: true });
  fs.mkdirSync(path.join(root, 'dist', 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(root, 'dist', 'renderer', 'index.html'), '<!doctype html><title>stub</title>');
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'maestro-engine-path', private: true, type: 'module' }));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  fs.symlinkSync(path.join(repo, 'skills'), path.join(root, 'skills'), 'dir');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim() ? '+dirty' : '';
  return { root, cli: path.join(root, 'dist', 'cli', 'maestro.js'), commit: commit + dirty };
}

interface Serve {
  child: ChildProcess;
  uiUrl: string;
  apiUrl: string;
  token: string;
}

async function startServe(app: { root: string; cli: string }, dataDir: string, profDir?: string): Promise<Serve> {
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ concurrency: 1 }), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, MAESTRO_APP_ROOT: app.root };
  for (const k of Object.keys(env)) if (k.startsWith('MAESTRO_') && k !== 'MAESTRO_APP_ROOT') delete env[k];
  const args = [...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), app.cli, 'serve', '--port', '0', '--data-dir', dataDir];
  const child = spawn(process.execPath, args, { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const uiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /Maestro UI: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`maestro serve exited with ${code}`)));
  });
  const inst = JSON.parse(fs.readFileSync(path.join(dataDir, 'instance.json'), 'utf8')) as { apiUrl: string; adminToken: string };
  return { child, uiUrl, apiUrl: inst.apiUrl, token: inst.adminToken };
}

function stopServe(s: Serve): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** One call of the local HTTP API over a kept-alive connection; resolves when the answer has arrived. */
function call<T = any>(s: Serve, method: string, params: unknown): Promise<T> {
  const body = JSON.stringify(params);
  const url = new URL(`${s.apiUrl}/api/${method}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}`, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: T; error?: { message: string } };
          if (out.error) reject(new Error(`${method}: ${out.error.message}`));
          else resolve(out.result as T);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The page's side of the WebSocket: calls, and every event with its arrival time and size. */
class Client {
  private ws!: WebSocket;
  private nextId = 1;
  private readonly waiting = new Map<number, (m: { arrived: number; bytes: number; parseMs: number; msg: any }) => void>();
  private readonly eventWaiters: Array<(e: { arrived: number; bytes: number; payload: any; event: string }) => boolean> = [];

  async open(s: Serve): Promise<void> {
    const page = new URL(s.uiUrl);
    this.ws = new WebSocket(`ws://${page.host}/ws?token=${page.searchParams.get('token')}`);
    this.ws.on('message', (raw: Buffer, isBinary: boolean) => {
      const arrived = nowMs();
      if (isBinary) return;
      const t0 = performance.now();
      const msg = JSON.parse(raw.toString());
      const parseMs = performance.now() - t0;
      if (msg.t === 'event') {
        const e = { arrived, bytes: raw.length, payload: msg.payload, event: msg.event as string };
        for (let i = this.eventWaiters.length - 1; i >= 0; i--) if (this.eventWaiters[i]!(e)) this.eventWaiters.splice(i, 1);
      } else this.waiting.get(msg.id)?.({ arrived, bytes: raw.length, parseMs, msg });
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  call(method: string, params: unknown): Promise<{ sent: number; arrived: number; bytes: number; parseMs: number; result: any }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, ({ arrived, bytes, parseMs, msg }) => {
        this.waiting.delete(id);
        if (msg.t === 'error') reject(new Error(msg.error.message));
        else resolve({ sent, arrived, bytes, parseMs, result: msg.result });
      });
      const sent = nowMs();
      this.ws.send(JSON.stringify({ t: 'call', id, method, params }));
    });
  }

  /** The first `tasks.changed` event that carries task `id`. */
  changeOf(id: string): Promise<{ arrived: number; bytes: number; tasks: number }> {
    return new Promise((resolve) => {
      this.eventWaiters.push((e) => {
        if (e.event !== 'tasks.changed' || !e.payload.tasks.some((t: { id: string }) => t.id === id)) return false;
        resolve({ arrived: e.arrived, bytes: e.bytes, tasks: e.payload.tasks.length });
        return true;
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}

async function buildTree(s: Serve, groups: number, perGroup: number): Promise<string> {
  const ws = makeWorkspace({ idle: 'exec sleep 600' });
  let n = 0;
  const first = Math.min(perGroup, Math.floor(1000 / groups));
  const plan = {
    summary: 'a big plan',
    groups: Array.from({ length: groups }, (_, g) => ({
      id: `g${g + 1}`,
      title: 'idle',
      subtasks: Array.from({ length: first }, () => ({ id: `s${++n}`, title: `step ${n}: a subtask with a title of ordinary length`, description: '' })),
    })),
  };
  const tree = await call<TreeSnapshot>(s, 'roots.create', { request: 'benchmark', workspace: ws, agentCommand: 'exec sh ./run.sh {taskFile}', plan });
  const adds: Array<{ parentId: string; title: string }> = [];
  for (const g of plan.groups) {
    const parentId = tree.tasks.find((t) => t.planId === g.id)!.id;
    for (let i = first; i < perGroup; i++) adds.push({ parentId, title: `step ${++n}: a subtask with a title of ordinary length` });
  }
  // A few in flight at a time: the engine takes them one by one anyway.
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < adds.length) {
        const a = adds[next++]!;
        await call(s, 'subtask.add', { ...a, description: '' });
      }
    }),
  );
  return tree.rootId;
}

const stats = (v: number[]) => ({ p50: round(percentile(v, 50), 2), p95: round(percentile(v, 95), 2), max: round(Math.max(...v), 2) });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A data dir holding the tree, built once by the first build (every build reads the same format). */
async function buildTemplate(app: ReturnType<typeof buildCli>, o: Options): Promise<{ dataDir: string; rootId: string; buildS: number }> {
  const marker = o.template && path.join(o.template, 'engine-path-template.json');
  if (marker && fs.existsSync(marker)) return { dataDir: o.template!, ...(JSON.parse(fs.readFileSync(marker, 'utf8')) as { rootId: string }), buildS: 0 };
  const dataDir = o.template ?? tmp('maestro-engine-path-template-');
  fs.mkdirSync(dataDir, { recursive: true });
  const s = await startServe(app, dataDir);
  try {
    const t = nowMs();
    const rootId = await buildTree(s, o.groups, o.perGroup);
    if (marker) fs.writeFileSync(marker, JSON.stringify({ rootId }));
    return { dataDir, rootId, buildS: round((nowMs() - t) / 1000, 1) };
  } finally {
    await stopServe(s);
  }
}

async function measure(app: ReturnType<typeof buildCli>, o: Options, template: { dataDir: string; rootId: string }, profDir?: string) {
  const dataDir = tmp('maestro-engine-path-data-');
  fs.cpSync(template.dataDir, dataDir, { recursive: true });
  const rootId = template.rootId;
  const tStart = nowMs();
  const s = await startServe(app, dataDir, profDir);
  const startMs = round(nowMs() - tStart, 0);
  const client = new Client();
  try {
    // The request carries on (its session was stopped with the last server): one worker runs again.
    await call(s, 'task.retry', { id: rootId });
    await waitFor(
      async () => (await call<TreeSnapshot>(s, 'tree.get', { rootId })).sessions.some((x) => x.status === 'running'),
      'a running session',
      60_000,
      100,
    );
    await client.open(s);
    // tree.get as the page asks for it: call sent → answer arrived (then parsed).
    const trees: number[] = [];
    const treeParse: number[] = [];
    let treeBytes = 0;
    let tasks = 0;
    for (let i = 0; i < o.trees; i++) {
      const r = await client.call('tree.get', { rootId });
      trees.push(r.arrived - r.sent);
      treeParse.push(r.parseMs);
      treeBytes = r.bytes;
      tasks = r.result.tasks.length;
      await sleep(50);
    }
    const snapshot = (await client.call('tree.get', { rootId })).result as { tasks: Array<{ id: string; planId?: string; parentId: string | null }> };
    const g1 = snapshot.tasks.find((t) => t.planId === 'g1')!;
    const subtasks = snapshot.tasks.filter((t) => t.parentId === g1.id).slice(1);
    const toEvent: number[] = [];
    const toAnswer: number[] = [];
    const eventBytes: number[] = [];
    const eventTasks: number[] = [];
    for (let i = 0; i < o.changes; i++) {
      const task = subtasks[Math.floor(i / 2) % subtasks.length]!;
      const method = i % 2 === 0 ? 'task.start' : 'task.complete';
      const change = client.changeOf(task.id);
      const t0 = nowMs();
      await call(s, method, { id: task.id });
      const answered = nowMs();
      const ev = await change;
      toEvent.push(ev.arrived - t0);
      toAnswer.push(answered - t0);
      eventBytes.push(ev.bytes);
      eventTasks.push(ev.tasks);
      // About the pace of the browser bench (it waits for the paint between changes).
      await sleep(40);
    }
    return {
      commit: app.commit,
      tasks,
      startMs,
      treeGet: { first: round(trees[0]!, 1), ...stats(trees), bytes: treeBytes, parseP50: round(percentile(treeParse, 50), 1) },
      callToEvent: stats(toEvent),
      callToAnswer: stats(toAnswer),
      eventBytes: { p50: percentile(eventBytes, 50), max: Math.max(...eventBytes) },
      eventTasks: percentile(eventTasks, 50),
    };
  } finally {
    client.close();
    await stopServe(s);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ');

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const apps = o.repos.map((r) => ({ repo: r, app: buildCli(r) }));
  const template = await buildTemplate(apps[0]!.app, o);
  console.log(JSON.stringify({ template: template.dataDir, rootId: template.rootId, buildS: template.buildS }));
  const results: unknown[] = [];
  for (let round_ = 1; round_ <= o.rounds; round_++) {
    for (const { repo, app } of apps) {
      const profDir = o.profile ? path.join(o.profile, `${path.basename(repo)}-${round_}`) : undefined;
      const started = new Date().toISOString().slice(11, 19);
      const loadBefore = loadavg();
      const r = await measure(app, o, template, profDir);
      const row = { round: round_, repo, started, loadBefore, loadAfter: loadavg(), ...r };
      results.push(row);
      console.log(JSON.stringify(row));
      if (profDir) {
        const self = summarizeCpuProfile(profDir, 25);
        console.log(JSON.stringify({ profile: profDir, selfMs: self }));
        console.log(JSON.stringify({ profile: profDir, inclusiveMs: inclusiveTimes(profDir, 40) }));
      }
    }
  }
  if (o.out) fs.writeFileSync(o.out, JSON.stringify(results, null, 2));
  if (!o.template) fs.rmSync(template.dataDir, { recursive: true, force: true });
  agent.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
