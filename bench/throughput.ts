// 1. Throughput: a PTY's output through the whole pipeline (PTY → batches → WebSocket → xterm in
// headless Chromium, on screen), against (a) node-pty reading the same command in this process and
// (b) @xterm/headless parsing the same bytes in Node.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodePty from 'node-pty';
import * as headless from '@xterm/headless';
import type { Browser } from 'playwright-core';
import { openApp } from './lib/browser';
import { GATE, createRequest, makeWorkspace, planOf, release, runningSessions, whenReady, type TreeSnapshot } from './lib/scenario';
import { startServe } from './lib/serve';
import { MB, REPO_ROOT, cpuMsOf, descendants, nowMs, round, tmpDir, waitFor } from './lib/util';

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
  /** PTY → engine → WebSocket → xterm in Chromium, parsed (acknowledged from xterm's write callback). */
  pipelineMBs: number;
  /** The same, until the last line is on screen (DOM renderer only: WebGL pixels cannot be read back as text). */
  pipelineScreenMBs: number;
  /** (a) node-pty reading the same command in a bare Node process. */
  rawPtyMBs: number;
  /** (b) @xterm/headless parsing the same chars in Node. */
  headlessMBs: number;
  /** (c) xterm.js in the same Chromium, same size and renderer, the chars generated in the page. */
  xtermAloneMBs: number;
  ratioToHeadless: number;
  ratioToRawPty: number;
  ratioToXtermAlone: number;
  renderer: 'dom' | 'webgl';
  cols: number;
  rows: number;
  /** CPU used during the pipeline run, % of one core, by process. */
  cpu: Record<string, number>;
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

export async function benchThroughput(browser: Browser, bytes: number, log: (s: string) => void): Promise<ThroughputResult[]> {
  const results: ThroughputResult[] = [];
  for (const c of CASES) {
    log(`  ${c.name}, ${round(bytes / MB)} MB: the pipeline…`);
    const pipeline = await pipelineRun(browser, c, bytes);
    log(`    ${round(pipeline.parsedMBs)} MB/s parsed, ${round(pipeline.screenMBs)} MB/s on screen (${pipeline.renderer}, ${pipeline.cols}×${pipeline.rows}); raw node-pty…`);
    const raw = await rawPtyRun(c, bytes);
    log(`    ${round(raw.mbs)} MB/s; @xterm/headless…`);
    const parse = await headlessRun(c, bytes, pipeline.cols, pipeline.rows, pipeline.scrollback);
    log(`    ${round(parse.mbs)} MB/s; xterm.js alone in Chromium…`);
    const alone = await xtermAloneRun(browser, c, bytes, pipeline.cols, pipeline.rows, pipeline.scrollback);
    log(`    ${round(alone.mbs)} MB/s`);
    results.push({
      name: c.name,
      commandBytes: bytes,
      terminalChars: pipeline.chars,
      pipelineMBs: round(pipeline.parsedMBs),
      pipelineScreenMBs: round(pipeline.screenMBs),
      rawPtyMBs: round(raw.mbs),
      headlessMBs: round(parse.mbs),
      xtermAloneMBs: round(alone.mbs),
      ratioToHeadless: round(pipeline.parsedMBs / parse.mbs, 2),
      ratioToRawPty: round(pipeline.parsedMBs / raw.mbs, 2),
      ratioToXtermAlone: round(pipeline.parsedMBs / alone.mbs, 2),
      renderer: pipeline.renderer,
      cols: pipeline.cols,
      rows: pipeline.rows,
      cpu: pipeline.cpu,
    });
  }
  return results;
}

async function pipelineRun(browser: Browser, c: ThroughputCase, bytes: number) {
  const serve = await startServe();
  try {
    const { scrollback } = await serve.call<{ scrollback: number }>('settings.get');
    const ws = makeWorkspace({ tp: `${GATE}; ${command(c.line, bytes)}; exec sleep 600` });
    const tree = await createRequest(serve, ws, planOf(['tp']));
    const [session] = await runningSessions(serve, tree.rootId, 1);
    const sessionId = session!.id;
    const app = await openApp(browser, serve.uiUrl, { rootId: tree.rootId, prefs: { terminalLayout: 'grid', terminalHeight: 420 } });
    try {
      const { page } = app;
      // The pane is attached once the ready line shows (live, or in the replay of a later attach).
      await whenReady(serve, sessionId);
      await page.evaluate(() => (window as any).maestroBench.whenPaneShows('#ready'));
      // The pane's fitted size reaches the PTY after a 100 ms debounce.
      const info = await waitFor(async () => {
        const t = await serve.call<TreeSnapshot>('tree.get', { rootId: tree.rootId });
        const s = t.sessions.find((x) => x.id === sessionId)!;
        return s.cols !== session!.cols || s.rows !== session!.rows ? s : null;
      }, 'the pane to resize its session', 10_000);
      const renderer = (await page.evaluate(() => (document.querySelector('.term-pane .xterm-rows') ? 'dom' : 'webgl'))) as 'dom' | 'webgl';
      const chars = expectedChars(c.line, bytes);
      await page.evaluate(
        ({ id, chars, end, dom }) => {
          const b = (window as any).maestroBench;
          // The router acknowledges in batches of 5000 chars: at most 4999 parsed chars stay unacknowledged.
          b.parsed = b.whenAcked(id, b.acked(id) + chars - 4999);
          b.visible = dom ? b.whenPaneShows(end) : Promise.resolve(NaN);
        },
        { id: sessionId, chars, end: END, dom: renderer === 'dom' },
      );
      const procs = [{ pid: serve.pid, cmd: 'serve' }, ...descendants(process.pid).filter((p) => p.cmd.includes('chromium'))];
      const cpu0 = procs.map((p) => cpuMsOf(p.pid));
      const t0 = nowMs();
      await release(serve, sessionId);
      const tParsed: number = await page.evaluate(() => (window as any).maestroBench.parsed);
      const tVisible: number = await page.evaluate(() => (window as any).maestroBench.visible);
      const elapsed = Math.max(tParsed, Number.isNaN(tVisible) ? 0 : tVisible) - t0;
      const cpu: Record<string, number> = {};
      procs.forEach((p, i) => {
        const kind = p.cmd === 'serve' ? 'maestro serve' : `chromium ${/--type=(\S+)/.exec(p.cmd)?.[1] ?? 'browser'}`;
        cpu[kind] = (cpu[kind] ?? 0) + Math.round(((cpuMsOf(p.pid) - cpu0[i]!) / elapsed) * 100);
      });
      return {
        parsedMBs: chars / MB / ((tParsed - t0) / 1000),
        screenMBs: chars / MB / ((tVisible - t0) / 1000),
        chars,
        renderer,
        cols: info.cols,
        rows: info.rows,
        scrollback,
        cpu,
      };
    } finally {
      await app.close();
    }
  } finally {
    await serve.stop();
  }
}

/** (c) xterm.js in a blank page of the same browser: the browser's own ceiling for this stream. */
async function xtermAloneRun(browser: Browser, c: ThroughputCase, bytes: number, cols: number, rows: number, scrollback: number) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.setContent('<!doctype html><html><body style="margin:0;background:#0f1117"><div id="term" style="width:1560px;height:420px"></div></body></html>');
    await page.addStyleTag({ path: path.join(REPO_ROOT, 'node_modules', '@xterm', 'xterm', 'css', 'xterm.css') });
    await page.addScriptTag({ path: path.join(REPO_ROOT, 'node_modules', '@xterm', 'xterm', 'lib', 'xterm.js') });
    await page.addScriptTag({ path: path.join(REPO_ROOT, 'bench', 'lib', 'xterm-alone.js') });
    const r = await page.evaluate((o) => (window as any).benchXtermAlone(o), { line: c.line, bytes, cols, rows, options: { ...PANE_OPTIONS, scrollback } });
    return { mbs: r.chars / MB / (r.ms / 1000) };
  } finally {
    await context.close();
  }
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
