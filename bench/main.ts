// `npm run bench`: the terminal pipeline and its neighbours, measured side by side with references in one
// run, against the goals of the issue. Exits non-zero only when a benchmark cannot run; missed goals are
// listed, not failed. Usage: see `npm run bench -- --help`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { benchCli, type CliResult } from './cli';
import { benchDurable, type DurableResult } from './durable';
import { benchLatency, type LatencyResult } from './latency';
import { benchLoad, type LoadResult } from './load';
import { appBuild } from './lib/build';
import { chromiumVersion } from './lib/bare';
import { launchBrowser } from './lib/browser';
import { MB, REPO_ROOT, cleanupTmpDirs, describeMachine, type Machine } from './lib/util';
import { benchScale, type ScaleResult } from './scale';
import { benchSpawn, type SpawnResult } from './spawn';
import { benchTail, type TailResult } from './tail';
import { benchHarnessCheck, benchThroughput, type HarnessCheck, type ThroughputResult } from './throughput';
import { benchTree, type TreeResult } from './tree';

const BENCHES = ['throughput', 'harness', 'latency', 'tail', 'scale', 'tree', 'cli', 'durable', 'spawn', 'load'] as const;
type BenchName = (typeof BENCHES)[number];

interface Options {
  only: Set<BenchName>;
  throughputMB: number;
  keystrokes: number;
  tailSessions: number;
  scaleSessions: number;
  scaleSeconds: number;
  scaleRateKBs: number;
  treeTasks: number;
  cliRuns: number;
  reports: number;
  loadWorkers: number;
  loadReports: number;
  writeDoc: boolean;
  /** Throughput cases to run (names starting with these, e.g. "80"); all when empty. */
  throughputCases: string[];
  /** Alternating rounds of each throughput case and its references (medians recorded). */
  throughputRounds: number;
  /** Record the engine's CPU profiles of the throughput runs into this folder. */
  profile?: string;
}

const USAGE = `usage: npm run bench -- [options]
  --only a,b,…          run only these: ${BENCHES.join(', ')}
                        (harness: the 80-column throughput with and without Playwright attached, alternating)
  --quick               smaller sizes for a quick look (20 MB, 20 s, 30 sessions, …)
  --throughput-mb N     bytes each throughput command writes, in MB (default 100)
  --scale-seconds N     how long the scale run streams (default 60)
  --scale-sessions N    concurrent workers in the scale run (default 50)
  --scale-rate N        KB/s each of them writes (default 100)
  --tail-sessions N     fast-exiting workers in the tail run (default 100)
  --throughput-rounds N rounds of each throughput case and its references, alternating; the figures are
                        medians (default 3; --quick: 1)
  --throughput-case X   only the throughput case whose name starts with X (2 or 80; repeatable)
  --load-workers N      sessions reporting at once in the load run (default 50, at most 64)
  --load-reports N      task.log reports each of them sends (default 100)
  --write-doc           put the results into docs/BENCHMARKS.md (between its result markers)
  --profile DIR         throughput: the engine's CPU profile (node --cpu-prof) into DIR, summarized in the
                        results (slows the run down)`;

/** Where the median page load's time went (figure 5a), as the page saw it. */
function medianLoad(t: TreeResult): string {
  const p = t.loadPhases?.find((x) => x.painted === Math.round(t.firstPaintMs));
  if (!p) return 'the median load: phases not recorded';
  const ms = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : '?');
  return `the median load: page parsed ${ms(p.domInteractive)}, socket's Worker created ${ms(p.workerStarted)}, socket open ${ms(p.socketOpen)}, first 200 tasks arrived ${ms(p.treeArrived)}, React mounted ${ms(p.uiMounted)} ms`;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    only: new Set(BENCHES),
    throughputMB: 100,
    keystrokes: 100,
    tailSessions: 100,
    scaleSessions: 50,
    scaleSeconds: 60,
    scaleRateKBs: 100,
    treeTasks: 10_000,
    cliRuns: 40,
    reports: 1000,
    loadWorkers: 50,
    loadReports: 100,
    writeDoc: false,
    throughputCases: [],
    throughputRounds: 3,
  };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!v || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} takes a positive number, not "${v ?? ''}"\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
      // falls through (exit)
      case '--only': {
        const names = (argv[++i] ?? '').split(',').filter(Boolean);
        const bad = names.filter((n) => !(BENCHES as readonly string[]).includes(n));
        if (names.length === 0 || bad.length) throw new Error(`--only takes names from ${BENCHES.join(', ')}${bad.length ? `, not ${bad.join(', ')}` : ''}`);
        o.only = new Set(names as BenchName[]);
        break;
      }
      case '--quick':
        Object.assign(o, { throughputMB: 20, throughputRounds: 1, keystrokes: 40, tailSessions: 30, scaleSeconds: 20, treeTasks: 10_000, cliRuns: 15, reports: 300, loadWorkers: 20, loadReports: 30 });
        break;
      case '--throughput-mb':
        o.throughputMB = num(a, argv[++i]);
        break;
      case '--scale-seconds':
        o.scaleSeconds = num(a, argv[++i]);
        break;
      case '--scale-sessions':
        o.scaleSessions = Math.round(num(a, argv[++i]));
        break;
      case '--scale-rate':
        o.scaleRateKBs = num(a, argv[++i]);
        break;
      case '--tail-sessions':
        o.tailSessions = Math.round(num(a, argv[++i]));
        break;
      case '--throughput-rounds':
        o.throughputRounds = Math.round(num(a, argv[++i]));
        break;
      case '--throughput-case':
        if (!argv[i + 1]) throw new Error(`--throughput-case takes a case name (2 or 80)\n${USAGE}`);
        o.throughputCases.push(argv[++i]!);
        break;
      case '--load-workers':
        o.loadWorkers = Math.min(64, Math.round(num(a, argv[++i])));
        break;
      case '--load-reports':
        o.loadReports = Math.round(num(a, argv[++i]));
        break;
      case '--write-doc':
        o.writeDoc = true;
        break;
      case '--profile':
        o.profile = path.resolve(argv[++i] ?? '');
        if (!argv[i]) throw new Error(`--profile takes a folder\n${USAGE}`);
        break;
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  return o;
}

interface Results {
  machine: Machine & { load: { start: number[]; end: number[] }; seconds: number };
  options: Omit<Options, 'only' | 'writeDoc'> & { only: string[] };
  /** Whether a DevTools client was attached to the pages of the throughput and latency figures. */
  devtoolsAttached: boolean;
  throughput?: ThroughputResult[];
  harness?: HarnessCheck;
  latency?: LatencyResult;
  tail?: TailResult;
  scale?: ScaleResult;
  tree?: TreeResult;
  cli?: CliResult;
  durable?: DurableResult;
  spawn?: SpawnResult;
  load?: LoadResult;
  errors: Record<string, string>;
}

interface Row {
  figure: string;
  result: string;
  reference: string;
  goal: string;
  met?: boolean;
}

function rows(r: Results): Row[] {
  const out: Row[] = [];
  const f = (n: number, d = 1) => n.toFixed(d);
  for (const t of r.throughput ?? []) {
    out.push({
      figure: `1. Throughput, ${t.name} (${f(t.commandBytes / MB, 0)} MB written, ${f(t.terminalChars / MB, 0)} MB to the terminal${t.rounds > 1 ? `; medians of ${t.rounds} alternating rounds` : ''})`,
      result:
        `**${f(t.pipelineMBs)} MB/s** parsed by xterm in Chromium (${t.renderer} renderer, ${t.cols}×${t.rows}; ${f(t.pipelineScreenMBs)} MB/s to the last line on screen)` +
        (t.rounds > 1 ? `; rounds: ${t.perRound.pipelineMBs.map((x) => f(x)).join(', ')} MB/s against (c) ${t.perRound.xtermAloneMBs.map((x) => f(x)).join(', ')}` : '') +
        (t.runQueueWaitPct && t.machine
          ? `. The page's main thread ran ${t.pageMainThreadRanPct} % of the run and waited for a core ${t.runQueueWaitPct.pageMainThread} % (in (c): ${t.xtermAloneCpu.mainThreadRanPct} % and ${t.xtermAloneCpu.mainThreadRunQueueWaitPct} %); the machine was busy ${t.machine.busyPct} % of one core (of 200), the command ${t.machine.commandPct} %, other work ${t.machine.othersPct} %`
          : ''),
      reference: `(a) node-pty alone ${f(t.rawPtyMBs)} MB/s · (b) @xterm/headless ${f(t.headlessMBs)} MB/s · (c) xterm.js alone in the same Chromium ${f(t.xtermAloneMBs)} MB/s → **${f((t.name === '2-byte lines' ? t.ratioToRawPty : t.ratioToXtermAlone) * 100, 0)} % of ${t.name === '2-byte lines' ? '(a)' : '(c)'}**; ${f(t.ratioToRawPty * 100, 0)} % of (a), ${f(t.ratioToHeadless * 100, 0)} % of (b), ${f(t.ratioToXtermAlone * 100, 0)} % of (c); ${t.transport}, no DevTools attached`,
      goal: t.name === '2-byte lines' ? '≥ 90 % of (a)' : '≥ 80 % of (c)',
      met: t.name === '2-byte lines' ? t.ratioToRawPty >= 0.9 : t.ratioToXtermAlone >= 0.8,
    });
  }
  if (r.harness) {
    const h = r.harness;
    out.push({
      figure: `Harness check: ${h.name} through the pipeline, the same page with and without Playwright (${f(h.bytes / MB, 0)} MB, alternating)`,
      result: `without a DevTools client: ${h.bareMBs.map((x) => f(x)).join(', ')} MB/s`,
      reference: `Playwright attached: ${h.playwrightMBs.map((x) => f(x)).join(', ')} MB/s → **${f(h.ratio, 2)} ×** without`,
      goal: '— (measured)',
    });
  }
  if (r.latency) {
    const l = r.latency;
    out.push({
      figure: `2. Input latency, keystroke → echo on screen (${l.keystrokes} keystrokes each)`,
      result: `neighbour flooding (${f(l.floodMBs)} MB/s): p50 **${f(l.flooding.p50)} ms**, p95 **${f(l.flooding.p95)} ms** (max ${f(l.flooding.max)})`,
      reference: `neighbour idle: p50 ${f(l.idle.p50)} ms, p95 ${f(l.idle.p95)} ms (max ${f(l.idle.max)})`,
      goal: 'p95 < 50 ms',
      met: l.flooding.p95 < 50,
    });
  }
  if (r.tail) {
    const t = r.tail;
    out.push({
      figure: `3. Tail integrity (${t.sessions} workers exiting right after ${f(t.charsPerSession / 1024, 0)} KB)`,
      result: `**${t.exactStream}/${t.sessions}** exact at the client (replay + stream before the exit event); ${t.exactLog}/${t.sessions} exact logs`,
      reference: `bytes written by each worker (${t.charsPerSession} chars); ${f(t.seconds)} s in all`,
      goal: `${t.sessions}/${t.sessions} exact`,
      met: t.exactStream === t.sessions && t.exactLog === t.sessions,
    });
  }
  if (r.scale) {
    const s = r.scale;
    out.push({
      figure: `4. Scale: ${s.sessions} workers × ${s.rateKBs} KB/s for ${s.seconds} s (${s.visiblePanes} panes visible)`,
      result:
        `total **${f(s.totalPeakMB, 0)} MB** (main RSS ${f(s.main.rssPeakMB, 0)} MB, heap ${f(s.main.heapPeakMB, 0)} MB; Chromium PSS ${f(s.chromiumPssPeakMB, 0)} MB, ` +
        `renderer ${f(s.renderer.pssPeakMB, 0)} MB, JS heap ${f(s.renderer.jsHeapPeakMB, 0)} MB); **${f(s.perSessionMB, 2)} MB** per session in main; ` +
        `main event-loop lag p50 ${f(s.main.lagP50)} ms, p99 ${f(s.main.lagP99)} ms, max ${f(s.main.lagMax)} ms; renderer frames p50 ${f(s.renderer.frameP50)} ms, p95 ${f(s.renderer.frameP95)} ms`,
      reference: `idle app before the request: main RSS ${f(s.main.rssBeforeMB, 0)} MB; ${f(s.loggedMBs)} MB/s logged in all`,
      goal: 'total < 1 GB, ≤ 5 MB per background session',
      met: s.totalPeakMB < 1024 && s.perSessionMB <= 5,
    });
  }
  if (r.tree) {
    const t = r.tree;
    out.push({
      figure: `5a. Tree of ${t.tasks} tasks: first paint`,
      result: `**${f(t.firstPaintMs, 0)} ms** from navigation start (page loads: ${t.loads.map((x) => f(x, 0)).join(', ')} ms)`,
      reference: `${medianLoad(t)}; the whole tree painted (the first 200 tasks come first): ${f(t.wholeTreeMs, 0)} ms (one load)`,
      goal: '< 300 ms',
      met: t.firstPaintMs < 300,
    });
    out.push({
      figure: '5b. Tree: one status change → repaint',
      result: `**${f(t.eventToPaint.p50)} ms** p50 from the event's arrival to the painted frame (max ${f(t.eventToPaint.max)}; ${t.changes} changes)`,
      reference: '—',
      goal: '< 16 ms',
      met: t.eventToPaint.p50 < 16,
    });
    out.push({
      figure: '5c. Tree: one status change from the API call → repaint',
      result: `**${f(t.callToPaint.p50)} ms** p50 (max ${f(t.callToPaint.max)}), the durable write included`,
      reference: '—',
      goal: '< 20 ms',
      met: t.callToPaint.p50 < 20,
    });
  }
  if (r.cli) {
    const c = r.cli;
    out.push({
      figure: `6. CLI round trip, \`maestro task log\` as a whole process (${c.runs} runs each)`,
      result: `p50 **${f(c.cli.p50)} ms**, p95 ${f(c.cli.p95)} ms → **${f(c.ratio, 2)} ×** node's bare start (${c.entry})`,
      reference: `\`node -e 0\`, alternating: p50 ${f(c.node.p50)} ms, p95 ${f(c.node.p95)} ms; through a \`/bin/sh\` launcher: p50 ${f(c.sh.p50)} ms (${f(c.sh.ratio, 2)} ×); the ESM entry \`node dist/cli/maestro.js\`: p50 ${f(c.esm.p50)} ms (${f(c.esm.ratio, 2)} ×)`,
      goal: 'p50 ≤ 1.4 × node',
      met: c.ratio <= 1.4,
    });
  }
  if (r.durable) {
    const d = r.durable;
    out.push({
      figure: `7. Durable writes: ${d.reports} sequential \`task.log\` reports, each fdatasync'd before its answer`,
      result: `**${d.perSecond}/s** (p50 ${f(d.p50ms, 2)} ms, p99 ${f(d.p99ms, 2)} ms); answer ${d.firstAnswerBytes} → ${d.lastAnswerBytes} bytes`,
      reference: `status reports (task.start / task.complete): ${d.statusPerSecond}/s over ${d.statusReports}`,
      goal: '≥ 700/s, constant answer size',
      met: d.perSecond >= 700 && d.lastAnswerBytes - d.firstAnswerBytes <= 8,
    });
  }
  if (r.spawn) {
    const s = r.spawn;
    out.push({
      figure: `8. Plan accepted → first wave of ${s.wave} sessions spawned (${s.rounds} plans)`,
      result: `**${f(s.engineMs.p50, 0)} ms** p50 (max ${f(s.engineMs.max, 0)}) on the engine's timeline`,
      reference: `from the API call that carries the plan: p50 ${f(s.callMs.p50, 0)} ms (max ${f(s.callMs.max, 0)})`,
      goal: '— (measured)',
    });
  }
  if (r.load) {
    const l = r.load;
    const total = l.workers * l.reportsPerWorker;
    out.push({
      figure: `9. Load: ${l.workers} workers × ${l.reportsPerWorker} \`task.log\` reports each, all at once (each session with its own token)`,
      result: `**${l.lost} lost**, ${l.duplicated} duplicated, order kept in **${l.workers - l.tasksOutOfOrder}/${l.workers}** tasks; per report p50 **${f(l.latency.p50)} ms**, p95 **${f(l.latency.p95)} ms** (max ${f(l.latency.max)})`,
      reference: `${l.answered}/${total} answered ok${l.failed ? ` (${l.failed} failed: ${l.firstError ?? ''})` : ''}; ${l.perSecond} reports/s, ${f(l.seconds)} s in all`,
      goal: '0 lost, order kept',
      met: l.lost === 0 && l.duplicated === 0 && l.tasksOutOfOrder === 0 && l.failed === 0,
    });
  }
  return out;
}

function markdown(r: Results): string {
  const m = r.machine;
  const lines = [
    `Run of ${m.date.slice(0, 16).replace('T', ' ')} UTC, commit \`${m.commit}\`${m.dirty ? ' (with uncommitted changes)' : ''}, ${f1(m.seconds / 60)} min.`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}; Node ${m.node}; Chromium ${m.chromium ?? '—'} (headless).`,
    `Load average at the start ${m.load.start.map(f1).join(' / ')}, at the end ${m.load.end.map(f1).join(' / ')}.`,
    `Sizes: ${r.options.throughputMB} MB per throughput command, ${r.options.keystrokes} keystrokes, ${r.options.tailSessions} tail workers, ` +
      `${r.options.scaleSessions} workers × ${r.options.scaleRateKBs} KB/s for ${r.options.scaleSeconds} s, ${r.options.treeTasks} tasks, ` +
      `${r.options.cliRuns} CLI runs, ${r.options.reports} reports, ${r.options.loadWorkers} × ${r.options.loadReports} load reports.`,
    `Throughput and latency pages: Chromium started by the bench, DevTools client attached: ${r.devtoolsAttached ? 'yes' : 'no'}.`,
    '',
    '| Figure | Result | Reference, side by side | Goal | Met |',
    '|---|---|---|---|---|',
    ...rows(r).map((row) => `| ${row.figure} | ${row.result} | ${row.reference} | ${row.goal} | ${row.met === undefined ? '—' : row.met ? 'yes' : '**no**'} |`),
  ];
  const missed = rows(r).filter((row) => row.met === false);
  lines.push('', missed.length ? `Goals missed: ${missed.map((row) => row.figure.split(' ')[0]!.replace(/\.$/, '')).join(', ')}.` : 'Every goal met.');
  const errors = Object.entries(r.errors);
  if (errors.length) lines.push('', ...errors.map(([k, v]) => `- ${k} could not run: ${v.split('\n')[0]}`));
  return lines.join('\n');
}

function f1(n: number): string {
  return n.toFixed(1);
}

const DOC = path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

function writeDoc(md: string): void {
  const doc = fs.readFileSync(DOC, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${START} … ${END} section`);
  fs.writeFileSync(DOC, `${doc.slice(0, a + START.length)}\n${md}\n${doc.slice(b)}`);
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const started = Date.now();
  const log = (s: string) => console.log(s);
  const { only, writeDoc: _writeDoc, profile: _profile, ...sizes } = opts;
  const results: Results = {
    machine: { ...describeMachine(), load: { start: os.loadavg(), end: [] }, seconds: 0 },
    options: { ...sizes, only: [...only] },
    devtoolsAttached: false,
    errors: {},
  };
  log('Building the app (CLI bundle and renderer) for this run…');
  appBuild();
  // Playwright's Chromium only for the figures it does not distort (scale, tree, the harness check);
  // throughput and latency start their own Chromium without DevTools (bench/lib/bare.ts).
  let browser: Browser | undefined;
  const getBrowser = async () => (browser ??= await launchBrowser());
  if (['throughput', 'harness', 'latency', 'scale', 'tree'].some((b) => opts.only.has(b as BenchName))) results.machine.chromium = chromiumVersion();
  try {
    const run = async <T>(name: BenchName, title: string, fn: () => Promise<T>): Promise<T | undefined> => {
      if (!opts.only.has(name)) return undefined;
      log(`\n${title}`);
      try {
        return await fn();
      } catch (err) {
        results.errors[name] = (err as Error).stack ?? String(err);
        console.error(`  could not run: ${(err as Error).message}`);
        return undefined;
      }
    };
    results.throughput = await run('throughput', '1. Throughput (Chromium without DevTools)', () => benchThroughput(opts.throughputMB * MB, log, opts.profile, opts.throughputCases, opts.throughputRounds));
    results.harness = await run('harness', 'Harness check: with and without Playwright', () => benchHarnessCheck(opts.throughputMB * MB, 2, getBrowser, log));
    results.latency = await run('latency', '2. Input latency (Chromium without DevTools)', () => benchLatency(opts.keystrokes, log));
    results.tail = await run('tail', '3. Tail integrity', () => benchTail(opts.tailSessions, log));
    results.scale = await run('scale', '4. Scale', async () =>
      benchScale(await getBrowser(), { sessions: opts.scaleSessions, seconds: opts.scaleSeconds, rateKBs: opts.scaleRateKBs }, log),
    );
    const perGroup = 99;
    results.tree = await run('tree', '5. Task tree', async () => benchTree(await getBrowser(), Math.max(1, Math.round(opts.treeTasks / (perGroup + 1))), perGroup, log));
    results.cli = await run('cli', '6. CLI round trip', () => benchCli(opts.cliRuns, log));
    results.durable = await run('durable', '7. Durable writes', () => benchDurable(opts.reports, 100, log));
    results.spawn = await run('spawn', '8. Plan → first wave', () => benchSpawn(5, 8, log));
    results.load = await run('load', '9. Load: workers reporting at once', () => benchLoad(opts.loadWorkers, opts.loadReports, log));
  } finally {
    await browser?.close();
    cleanupTmpDirs();
  }
  results.machine.load.end = os.loadavg();
  results.machine.seconds = Math.round((Date.now() - started) / 1000);

  const md = markdown(results);
  const outDir = path.join(REPO_ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'latest.md'), `${md}\n`);
  console.log(`\n${md}\n`);
  console.log(`Results: ${path.relative(REPO_ROOT, path.join(outDir, 'latest.json'))} and latest.md`);
  if (opts.writeDoc) {
    writeDoc(md);
    console.log(`Written into ${path.relative(REPO_ROOT, DOC)}.`);
  }
  return Object.keys(results.errors).length ? 1 : 0;
}

// Ctrl-C: end through process.exit so the servers started by the run are stopped (lib/serve.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
process.exitCode = await main();
