// 1. Throughput: a PTY's output through the whole pipeline (PTY → batches → WebSocket → xterm in
// headless Chromium, on screen), against (a) node-pty reading the same command in this process and
// (b) @xterm/headless parsing the same bytes in Node.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as NodePty from 'node-pty';
import * as headless from '@xterm/headless';
import type { Browser } from 'playwright-core';
import { openBare, probeUrl, type BarePage, type ProbeMessage } from './lib/bare';
import { summarizeCpuProfile } from './lib/profile';
import { GATE, createRequest, makeWorkspace, planOf, release, runningSessions, whenReady, type TreeSnapshot } from './lib/scenario';
import { startServe } from './lib/serve';
import { MB, REPO_ROOT, cpuMsOf, cpuWithChildrenMs, descendants, machineBusyMs, mainThreadMs, nowMs, round, threadCpuMs, tmpDir, waitFor } from './lib/util';

/** Parsed chars that may stay unacknowledged at the end: the renderer acknowledges in batches up to this size. */
export const ACK_SLACK = 4999;

const { Terminal } = ((headless as unknown as { default?: typeof headless }).default ?? headless) as typeof headless;

export interface ThroughputCase {
  name: string;
  /** The line the command repeats (without its newline). */
  line: string;
}

export const CASES: ThroughputCase[] = [
  { name: '2-byte lines', line: 'y' },
  { name: '80-column lines', line: 'x'.repeat(79) },
];

export interface ThroughputResult {
  name: string;
  /** Bytes the command wrote; the terminal gets more (a PTY turns LF into CR LF). */
  commandBytes: number;
  terminalChars: number;
  /** Rounds of the pipeline and of (a) and (c), alternating; the MB/s figures are their medians. */
  rounds: number;
  /** Every round's MB/s, in order. */
  perRound: { pipelineMBs: number[]; rawPtyMBs: number[]; xtermAloneMBs: number[] };
  /** PTY → engine → WebSocket → xterm in Chromium, parsed (acknowledged from xterm's write callback). */
  pipelineMBs: number;
  /** The same, until the last line is on screen (DOM renderer only: WebGL pixels cannot be read back as text). */
  pipelineScreenMBs: number;
  /** (a) node-pty reading the same command in a bare Node process. */
  rawPtyMBs: number;
  /** (b) @xterm/headless parsing the same chars in Node. */
  headlessMBs: number;
  /** (c) xterm.js in the same Chromium, same size and renderer, the bytes generated in the page (a Uint8Array). */
  xtermAloneMBs: number;
  ratioToHeadless: number;
  ratioToRawPty: number;
  ratioToXtermAlone: number;
  renderer: 'dom' | 'webgl';
  /** How the page received the stream (a WebSocket in a Worker, or on the page's main thread). */
  transport: string;
  /** Whether a DevTools client (Playwright) was attached to the measured pages: never, for these figures. */
  devtoolsAttached: boolean;
  cols: number;
  rows: number;
  /** CPU used during the pipeline run, % of one core, by process. */
  cpu: Record<string, number>;
  /** CPU of Chromium's renderer process by thread during the pipeline run, % of one core. */
  rendererThreads: Record<string, number>;
  /**
   * The stream as the page saw it: batches handed to the page, their mean size, and the share of the run
   * during which the page held nothing unparsed (it waited for the pipeline).
   */
  page: { batches: number; avgBatchChars: number; waitedPct: number };
  /**
   * Time runnable but waiting for a core (% of the run; /proc schedstat): the page's main thread (the
   * renderer thread that ran most) and the engine's main thread. Added to the time they ran, it shows
   * whether a thread wanted more of a core than it got.
   */
  runQueueWaitPct: { pageMainThread: number; engine: number };
  /** The page's main thread: the share of the run it ran (its thread, not the process's unnamed threads). */
  pageMainThreadRanPct: number;
  /**
   * The machine during the pipeline run (% of one core; 200 = both cores busy): all of it, the command
   * (`yes | head` and its shell), and everything that is neither the pipeline, the command nor the bench
   * (other processes, kernel threads such as the PTY's flush work).
   */
  machine: { busyPct: number; commandPct: number; othersPct: number };
  /** (c)'s CPU, the same way: by process, Chromium's renderer by thread, its main thread's wait for a core. */
  xtermAloneCpu: {
    processes: Record<string, number>;
    rendererThreads: Record<string, number>;
    mainThreadRanPct: number;
    mainThreadRunQueueWaitPct: number;
    machineBusyPct: number;
  };
  /** With --profile: the engine's CPU profile, summarized (the run itself is slower then). */
  profile?: { engine: ReturnType<typeof summarizeCpuProfile> };
}

const END = '@@BENCH-END@@';
/** The pane's terminal options that matter for speed (renderer/components/TerminalPane.tsx). */
const PANE_OPTIONS = {
  fontFamily: "'JetBrains Mono', 'Cascadia Code', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
  fontSize: 12,
  lineHeight: 1.15,
  cursorBlink: false,
};

function command(line: string, bytes: number): string {
  return `yes '${line}' | head -c ${bytes}; printf '\\n${END}\\n'`;
}

/** Chars a PTY delivers for `command(line, bytes)`. */
export function expectedChars(line: string, bytes: number): number {
  return bytes + Math.floor(bytes / (line.length + 1)) + `\r\n${END}\r\n`.length;
}

/** The median of `v` (the lower middle of an even count). */
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;

export async function benchThroughput(
  bytes: number,
  log: (s: string) => void,
  profileRoot?: string,
  only: string[] = [],
  rounds = 1,
): Promise<ThroughputResult[]> {
  const results: ThroughputResult[] = [];
  const noBrowser = () => Promise.reject(new Error('the throughput figures run without Playwright'));
  for (const c of CASES.filter((x) => only.length === 0 || only.some((o) => x.name.startsWith(o)))) {
    // The pipeline and its references alternate, round by round; each figure is the median of its rounds
    // and the ratios are ratios of medians (one run of each is within this machine's noise of ±20 %).
    const pipelines: Awaited<ReturnType<typeof pipelineRun>>[] = [];
    const raws: Awaited<ReturnType<typeof rawPtyRun>>[] = [];
    const alones: Awaited<ReturnType<typeof xtermAloneRun>>[] = [];
    let parse: Awaited<ReturnType<typeof headlessRun>> | undefined;
    let profile: ThroughputResult['profile'];
    for (let r = 0; r < rounds; r++) {
      const tag = rounds > 1 ? ` (round ${r + 1} of ${rounds})` : '';
      log(`  ${c.name}, ${round(bytes / MB)} MB${tag}: the pipeline (Chromium without DevTools)…`);
      const profileDir = r === 0 && profileRoot ? path.join(profileRoot, c.name.replace(/\W+/g, '-')) : undefined;
      const pipeline = await pipelineRun(c, bytes, 'bare', noBrowser, profileDir);
      pipelines.push(pipeline);
      if (profileDir) {
        profile = { engine: summarizeCpuProfile(path.join(profileDir, 'engine')) };
        log(`    profiles in ${profileDir}`);
      }
      log(`    ${round(pipeline.parsedMBs)} MB/s parsed, ${round(pipeline.screenMBs)} MB/s on screen (${pipeline.renderer}, ${pipeline.cols}×${pipeline.rows}, ${pipeline.transport}); raw node-pty…`);
      const raw = await rawPtyRun(c, bytes);
      raws.push(raw);
      if (!parse) {
        log(`    ${round(raw.mbs)} MB/s; @xterm/headless…`);
        parse = await headlessRun(c, bytes, pipeline.cols, pipeline.rows, pipeline.scrollback);
        log(`    ${round(parse.mbs)} MB/s; xterm.js alone in Chromium…`);
      } else {
        log(`    ${round(raw.mbs)} MB/s; xterm.js alone in Chromium…`);
      }
      const alone = await xtermAloneRun(c, bytes, pipeline.cols, pipeline.rows, pipeline.scrollback);
      alones.push(alone);
      log(`    ${round(alone.mbs)} MB/s`);
    }
    // The details (CPU, the page's view of the stream) are those of the median pipeline round.
    const pipelineMBs = median(pipelines.map((p) => p.parsedMBs));
    const pipeline = pipelines.find((p) => p.parsedMBs === pipelineMBs)!;
    const rawMBs = median(raws.map((x) => x.mbs));
    const aloneMBs = median(alones.map((x) => x.mbs));
    const alone = alones.find((x) => x.mbs === aloneMBs)!;
    results.push({
      name: c.name,
      commandBytes: bytes,
      terminalChars: pipeline.chars,
      rounds,
      pipelineMBs: round(pipelineMBs),
      pipelineScreenMBs: round(pipeline.screenMBs),
      rawPtyMBs: round(rawMBs),
      headlessMBs: round(parse!.mbs),
      xtermAloneMBs: round(aloneMBs),
      perRound: { pipelineMBs: pipelines.map((p) => round(p.parsedMBs)), rawPtyMBs: raws.map((x) => round(x.mbs)), xtermAloneMBs: alones.map((x) => round(x.mbs)) },
      ratioToHeadless: round(pipelineMBs / parse!.mbs, 2),
      ratioToRawPty: round(pipelineMBs / rawMBs, 2),
      ratioToXtermAlone: round(pipelineMBs / aloneMBs, 2),
      renderer: pipeline.renderer,
      transport: pipeline.transport,
      devtoolsAttached: false,
      cols: pipeline.cols,
      rows: pipeline.rows,
      cpu: pipeline.cpu,
      rendererThreads: pipeline.rendererThreads,
      page: pipeline.page,
      runQueueWaitPct: pipeline.runQueueWaitPct,
      pageMainThreadRanPct: pipeline.pageMainThreadRanPct,
      machine: pipeline.machine,
      xtermAloneCpu: {
        processes: alone.cpu,
        rendererThreads: alone.rendererThreads,
        mainThreadRanPct: alone.mainThreadRanPct,
        mainThreadRunQueueWaitPct: alone.mainThreadWaitPct,
        machineBusyPct: alone.machineBusyPct,
      },
      ...(profile ? { profile } : {}),
    });
  }
  return results;
}

export interface HarnessCheck {
  name: string;
  bytes: number;
  /** MB/s parsed in the app page, started by the bench without any DevTools client, per round. */
  bareMBs: number[];
  /** The same page and probe, opened through Playwright (DevTools attached, network monitoring on). */
  playwrightMBs: number[];
  /** median(bare) / median(playwright). */
  ratio: number;
}

/**
 * The same variant (80-column lines through the whole pipeline, the same page and probe) opened with and
 * without a DevTools client, alternating: shows what Playwright's attachment costs, and that the bare
 * harness has nothing attached that could cost the same.
 */
export async function benchHarnessCheck(bytes: number, rounds: number, browser: () => Promise<Browser>, log: (s: string) => void): Promise<HarnessCheck> {
  const c = CASES[1]!;
  const bare: number[] = [];
  const pw: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const harness of ['bare', 'playwright'] as const) {
      const r = await pipelineRun(c, bytes, harness, browser);
      (harness === 'bare' ? bare : pw).push(round(r.parsedMBs));
      log(`  round ${i + 1}, ${harness}: ${round(r.parsedMBs)} MB/s parsed`);
    }
  }
  return { name: c.name, bytes, bareMBs: bare, playwrightMBs: pw, ratio: round(median(bare) / median(pw), 2) };
}

/** How the measured page is opened: by the bench without DevTools (bare), or through Playwright (DevTools attached). */
export type Harness = 'bare' | 'playwright';

/** Opens an app URL with probe orders the chosen way; reports come back as ProbeMessages either way. */
export async function openProbePage(url: string, harness: Harness, browser: () => Promise<Browser>): Promise<Pick<BarePage, 'next' | 'close'>> {
  if (harness === 'bare') return openBare(url);
  const context = await (await browser()).newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const messages: ProbeMessage[] = [];
  const waiters: { ev: string; resolve(m: ProbeMessage): void }[] = [];
  page.on('console', (m) => {
    const text = m.text();
    if (!text.startsWith('MAESTRO-BENCH ')) return;
    const msg = JSON.parse(text.slice('MAESTRO-BENCH '.length)) as ProbeMessage;
    const w = waiters.findIndex((x) => x.ev === msg.ev);
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(msg);
    else messages.push(msg);
  });
  await page.goto(url);
  return {
    next: (ev) => {
      const i = messages.findIndex((m) => m.ev === ev);
      if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0]!);
      return new Promise((resolve) => waiters.push({ ev, resolve }));
    },
    close: () => context.close(),
  };
}

export async function pipelineRun(c: ThroughputCase, bytes: number, harness: Harness, browser: () => Promise<Browser>, profileDir?: string) {
  const serve = await startServe({ cpuProfDir: profileDir && path.join(profileDir, 'engine') });
  try {
    const { scrollback } = await serve.call<{ scrollback: number }>('settings.get');
    const ws = makeWorkspace({ tp: `${GATE}; ${command(c.line, bytes)}; exec sleep 600` });
    const tree = await createRequest(serve, ws, planOf(['tp']));
    const [session] = await runningSessions(serve, tree.rootId, 1);
    const sessionId = session!.id;
    const chars = expectedChars(c.line, bytes);
    const orders = { mode: 'throughput', sessionId, chars, end: END, ackSlack: ACK_SLACK, prefs: { terminalLayout: 'grid', terminalHeight: 420 } };
    const page = await openProbePage(probeUrl(serve.uiUrl, orders, tree.rootId), harness, browser);
    try {
      // The pane is attached once the ready line shows (live, or in the replay of a later attach).
      await whenReady(serve, sessionId);
      const ready = await page.next('ready');
      // The pane's fitted size reaches the PTY after a 100 ms debounce.
      const info = await waitFor(async () => {
        const t = await serve.call<TreeSnapshot>('tree.get', { rootId: tree.rootId });
        const s = t.sessions.find((x) => x.id === sessionId)!;
        return s.cols !== session!.cols || s.rows !== session!.rows ? s : null;
      }, 'the pane to resize its session', 10_000);
      const procs = [{ pid: serve.pid, cmd: 'serve' }, ...descendants(process.pid).filter((p) => p.cmd.includes('chromium'))];
      const cpu0 = procs.map((p) => cpuMsOf(p.pid));
      const renderers = procs.filter((p) => p.cmd.includes('--type=renderer'));
      const threads0 = renderers.map((p) => threadCpuMs(p.pid));
      const mains0 = renderers.map((p) => mainThreadMs(p.pid));
      const engine0 = mainThreadMs(serve.pid);
      // The command's shell (it waits for `yes | head`, whose CPU then counts in its own).
      const command = descendants(serve.pid).filter((p) => !p.cmd.includes('chromium'));
      const command0 = command.map((p) => cpuWithChildrenMs(p.pid));
      const busy0 = machineBusyMs();
      const bench0 = process.cpuUsage();
      const t0 = nowMs();
      await release(serve, sessionId);
      const tParsed: number = (await page.next('parsed', 600_000)).at;
      const stream = await page.next('stream');
      const tVisible: number = (await page.next('visible', 600_000)).at ?? NaN;
      const elapsed = Math.max(tParsed, Number.isNaN(tVisible) ? 0 : tVisible) - t0;
      // The renderer process by thread: the page's main thread, the WebSocket Worker, the compositor, IO, …
      const rendererThreads = threadsPct(renderers, threads0, elapsed);
      const pct = (ms: number) => Math.round((ms / elapsed) * 100);
      const pageMain = busiestMainThread(renderers.map((p) => p.pid), mains0);
      const engine1 = mainThreadMs(serve.pid);
      const commandPct = pct(command.reduce((sum, p, i) => sum + Math.max(0, cpuWithChildrenMs(p.pid) - command0[i]!), 0));
      const busyPct = pct(machineBusyMs() - busy0);
      const benchUsage = process.cpuUsage(bench0);
      const cpu: Record<string, number> = {};
      procs.forEach((p, i) => {
        const kind = p.cmd === 'serve' ? 'maestro serve' : `chromium ${/--type=(\S+)/.exec(p.cmd)?.[1] ?? 'browser'}`;
        cpu[kind] = (cpu[kind] ?? 0) + Math.round(((cpuMsOf(p.pid) - cpu0[i]!) / elapsed) * 100);
      });
      const pipelinePct = Object.values(cpu).reduce((a, b) => a + b, 0);
      const benchPct = pct((benchUsage.user + benchUsage.system) / 1000);
      return {
        runQueueWaitPct: { pageMainThread: pct(pageMain.waited), engine: pct(engine1.waited - engine0.waited) },
        pageMainThreadRanPct: pct(pageMain.ran),
        machine: { busyPct, commandPct, othersPct: Math.max(0, busyPct - pipelinePct - commandPct - benchPct) },
        parsedMBs: chars / MB / ((tParsed - t0) / 1000),
        screenMBs: chars / MB / ((tVisible - t0) / 1000),
        chars,
        renderer: ready.renderer as 'dom' | 'webgl',
        transport: String(ready.transport),
        cols: info.cols,
        rows: info.rows,
        scrollback,
        cpu,
        rendererThreads,
        page: {
          batches: Number(stream.batches),
          avgBatchChars: Number(stream.avgBatchChars),
          waitedPct: Math.round((Number(stream.waitedMs) / Math.max(1, Number(stream.waitedMs) + Number(stream.holdingMs))) * 100),
        },
      };
    } finally {
      await page.close();
    }
  } finally {
    await serve.stop();
  }
}

/**
 * (c) xterm.js in a blank page of the same Chromium (started the same way, no DevTools client), same
 * size and renderer, the UTF-8 bytes generated in the page: the browser's own ceiling for this stream.
 */
async function xtermAloneRun(c: ThroughputCase, bytes: number, cols: number, rows: number, scrollback: number) {
  const dir = tmpDir('maestro-bench-alone-');
  const xterm = path.join(REPO_ROOT, 'node_modules', '@xterm', 'xterm');
  const html = path.join(dir, 'alone.html');
  fs.writeFileSync(
    html,
    `<!doctype html><html><head><link rel="stylesheet" href="${pathToFileURL(path.join(xterm, 'css', 'xterm.css')).href}">
<script src="${pathToFileURL(path.join(xterm, 'lib', 'xterm.js')).href}"></script>
<script src="${pathToFileURL(path.join(REPO_ROOT, 'bench', 'lib', 'xterm-alone.js')).href}"></script></head>
<body style="margin:0;background:#0f1117"><div id="term" style="width:1560px;height:420px"></div>
<script>
const o = JSON.parse(new URLSearchParams(location.search).get('bench'));
console.log('MAESTRO-BENCH ' + JSON.stringify({ ev: 'start' }));
window.benchXtermAlone(o).then((r) => console.log('MAESTRO-BENCH ' + JSON.stringify({ ev: 'done', ...r })), (e) => console.log('MAESTRO-BENCH ' + JSON.stringify({ ev: 'page-error', message: String(e) })));
</script></body></html>`,
  );
  const url = new URL(pathToFileURL(html).href);
  // UTF-8 bytes in a Uint8Array, as the pane gets them (the same speed as a string here, measured).
  url.searchParams.set('bench', JSON.stringify({ line: c.line, bytes, cols, rows, options: { ...PANE_OPTIONS, scrollback }, asBytes: true }));
  const page = openBare(url.toString());
  try {
    await page.next('start', 600_000);
    const procs = descendants(process.pid).filter((p) => p.cmd.includes('chromium'));
    const cpu0 = procs.map((p) => cpuMsOf(p.pid));
    const renderers = procs.filter((p) => p.cmd.includes('--type=renderer'));
    const threads0 = renderers.map((p) => threadCpuMs(p.pid));
    const mains0 = renderers.map((p) => mainThreadMs(p.pid));
    const busy0 = machineBusyMs();
    const t0 = nowMs();
    const r = await page.next('done', 600_000);
    const elapsed = nowMs() - t0;
    const main = busiestMainThread(renderers.map((p) => p.pid), mains0);
    const machineBusyPct = Math.round(((machineBusyMs() - busy0) / elapsed) * 100);
    const cpu: Record<string, number> = {};
    procs.forEach((p, i) => {
      const kind = `chromium ${/--type=(\S+)/.exec(p.cmd)?.[1] ?? 'browser'}`;
      cpu[kind] = (cpu[kind] ?? 0) + Math.round(((cpuMsOf(p.pid) - cpu0[i]!) / elapsed) * 100);
    });
    const rendererThreads = threadsPct(renderers, threads0, elapsed);
    const pct = (ms: number) => Math.round((ms / elapsed) * 100);
    return { mbs: r.chars / MB / (r.ms / 1000), cpu, rendererThreads, mainThreadRanPct: pct(main.ran), mainThreadWaitPct: pct(main.waited), machineBusyPct };
  } finally {
    await page.close();
  }
}

/** CPU of the renderer processes by thread name since `before`, % of one core over `elapsed` ms (0 % left out). */
function threadsPct(renderers: { pid: number }[], before: Map<string, number>[], elapsed: number): Record<string, number> {
  const out: Record<string, number> = {};
  renderers.forEach((p, i) => {
    for (const [name, ms] of threadCpuMs(p.pid)) {
      const pct = Math.round(((ms - (before[i]!.get(name) ?? 0)) / elapsed) * 100);
      if (pct > 0) out[name] = (out[name] ?? 0) + pct;
    }
  });
  return out;
}

/** Of renderer processes, the main thread that ran most since `before` (the measured page's): ms ran and waited. */
function busiestMainThread(pids: number[], before: { ran: number; waited: number }[]): { ran: number; waited: number } {
  let best = { ran: 0, waited: 0 };
  pids.forEach((pid, i) => {
    const now = mainThreadMs(pid);
    const d = { ran: now.ran - before[i]!.ran, waited: now.waited - before[i]!.waited };
    if (d.ran > best.ran) best = d;
  });
  return best;
}

/** node-pty in this process, reading as fast as it can: the ceiling of any PTY pipeline here. */
async function rawPtyRun(c: ThroughputCase, bytes: number) {
  const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;
  const cwd = tmpDir('maestro-bench-raw-');
  return new Promise<{ mbs: number; bytes: number }>((resolve) => {
    let received = 0;
    const t0 = nowMs();
    const term = pty.spawn('/bin/sh', ['-c', command(c.line, bytes)], { cols: 120, rows: 32, cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
    term.onData((d) => (received += d.length));
    term.onExit(() => {
      const t1 = nowMs();
      resolve({ mbs: received / MB / ((t1 - t0) / 1000), bytes: received });
    });
  });
}

/**
 * @xterm/headless parsing the bytes a PTY delivers for the command (each line + CR LF), in 64 KiB
 * writes with at most 1 MiB queued (xterm drops input beyond 50 MB queued), same size and scrollback.
 */
async function headlessRun(c: ThroughputCase, bytes: number, cols: number, rows: number, scrollback: number) {
  const term = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
  const unit = `${c.line}\r\n`;
  const chunk = unit.repeat(Math.max(1, Math.floor((64 * 1024) / unit.length)));
  const lines = Math.floor(bytes / (c.line.length + 1));
  const total = lines * unit.length;
  const t0 = nowMs();
  await new Promise<void>((resolve) => {
    let sent = 0;
    let parsed = 0;
    const pump = () => {
      while (sent < total && sent - parsed < MB) {
        const piece = sent + chunk.length <= total ? chunk : chunk.slice(0, total - sent);
        sent += piece.length;
        term.write(piece, () => {
          parsed += piece.length;
          if (parsed >= total) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const t1 = nowMs();
  term.dispose();
  return { mbs: total / MB / ((t1 - t0) / 1000), bytes: total };
}
