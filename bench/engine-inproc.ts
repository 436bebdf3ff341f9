// The engine alone, in this process, on a copy of a data dir made by engine-path.ts (`--template`):
// the phases of a status report (the report, the journal's append + fdatasync inside it, the event's
// serialization) and of tree.get (building the views, serializing them), for the engine of any checkout:
//
//   node --import tsx bench/engine-inproc.ts --repo /work/base --data /tmp/s3-template [--changes 100]
//
// Not part of `npm run bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string, dflt?: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const repo = path.resolve(opt('--repo', process.cwd())!);
const template = path.resolve(opt('--data')!);
const changes = Number(opt('--changes', '100'));

const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!;
const r2 = (x: number) => Math.round(x * 100) / 100;
const stats = (v: number[]) => ({ p50: r2(pct(v, 50)), p95: r2(pct(v, 95)), max: r2(Math.max(...v)) });

async function main(): Promise<void> {
  const { rootId } = JSON.parse(fs.readFileSync(path.join(template, 'engine-path-template.json'), 'utf8')) as { rootId: string };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-inproc-'));
  fs.cpSync(template, dataDir, { recursive: true });
  const mod = (await import(pathToFileURL(path.join(repo, 'main/core/engine/index.ts')).href)) as typeof import('../main/core/engine/index');
  const t0 = performance.now();
  const engine = new mod.Engine({ dataDir });
  const loadMs = performance.now() - t0;
  // The journal's append + fdatasync, timed inside the report.
  const store = engine.store as unknown as { appendJournal: (...a: unknown[]) => void };
  const append = store.appendJournal.bind(store);
  let appendMs = 0;
  store.appendJournal = (...a: unknown[]) => {
    const t = performance.now();
    append(...a);
    appendMs += performance.now() - t;
  };
  let eventJsonMs = 0;
  let eventBytes = 0;
  engine.on('tasks.changed', (payload) => {
    const t = performance.now();
    eventBytes = JSON.stringify({ t: 'event', event: 'tasks.changed', payload }).length;
    eventJsonMs += performance.now() - t;
  });
  const treeObj: number[] = [];
  const treeJsonMs: number[] = [];
  let bytes = 0;
  const hasText = typeof (engine as unknown as { treeJson?: unknown }).treeJson === 'function';
  for (let i = 0; i < 8; i++) {
    let t = performance.now();
    const tree = engine.tree(rootId);
    treeObj.push(performance.now() - t);
    t = performance.now();
    // What the WebSocket sends: the text path where the engine has one, else JSON.stringify of the object.
    const text = hasText ? (engine as unknown as { treeJson: (id: string) => string }).treeJson(rootId) : JSON.stringify(tree);
    treeJsonMs.push(performance.now() - t + (hasText ? 0 : treeObj[i]!));
    bytes = text.length;
  }
  const tree = engine.tree(rootId);
  const g1 = tree.tasks.find((t) => t.planId === 'g1')!;
  const subtasks = tree.tasks.filter((t) => t.parentId === g1.id).slice(1);
  const report: number[] = [];
  const inAppend: number[] = [];
  const inEvent: number[] = [];
  for (let i = 0; i < changes; i++) {
    const task = subtasks[Math.floor(i / 2) % subtasks.length]!;
    appendMs = 0;
    eventJsonMs = 0;
    const t = performance.now();
    if (i % 2 === 0) engine.startTask(task.id);
    else engine.completeTask(task.id);
    report.push(performance.now() - t);
    inAppend.push(appendMs);
    inEvent.push(eventJsonMs);
    await new Promise((r) => setTimeout(r, 5)); // the scheduler's turn
  }
  const rest = report.map((x, i) => x - inAppend[i]! - inEvent[i]!);
  console.log(
    JSON.stringify({
      repo,
      load: os.loadavg().map((x) => x.toFixed(2)).join(' / '),
      tasks: tree.tasks.length,
      loadMs: Math.round(loadMs),
      treeGet: { coldMs: r2(treeJsonMs[0]!), warm: stats(treeJsonMs.slice(1)), objectOnly: stats(treeObj.slice(1)), bytes },
      report: { total: stats(report), appendFsync: stats(inAppend), eventJson: stats(inEvent), restOfEngine: stats(rest), eventBytes },
    }),
  );
  await engine.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
