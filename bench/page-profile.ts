// Where the page's main thread goes during an 80-column stream — a diagnostic, not a figure of
// `npm run bench`. Through Playwright (a DevTools client is attached, so the run itself is slower than the
// bench's bare Chromium): a Chromium trace of the page's main thread, read as CPU time (`tdur`, not wall
// time, so a busy machine does not inflate it) per kind of work: parse (xterm's write timers), Layout,
// Paint, animation frames. Also counts DOM mutations outside the terminals while the stream runs.
//
//   node --import tsx bench/page-profile.ts [--mb N] [--alone] [--css "rules"] [--cpu] [--out file.json]
//
// --alone    xterm.js alone in a blank page of the same size and options (the bench's reference (c))
// --css      extra CSS for the app page (try a style change without rebuilding)
// --cpu      also a sampling CPU profile of the page, beside the trace
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser } from './lib/browser';
import { probeUrl } from './lib/bare';
import { buildApp } from './lib/build';
import { GATE, createRequest, makeWorkspace, planOf, release, runningSessions, whenReady, type TreeSnapshot } from './lib/scenario';
import { startServe } from './lib/serve';
import { REPO_ROOT, nowMs, tmpDir, waitFor } from './lib/util';
import { expectedChars } from './throughput';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const mb = Number(opt('--mb') ?? 20);
const alone = args.includes('--alone');
const css = opt('--css');
const out = opt('--out') ?? path.join(tmpDir('maestro-page-trace-'), 'trace.json');
const line = 'x'.repeat(79);
const END = '@@END@@';

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  tdur?: number;
  args?: { name?: string };
}

/** CPU ms and count per event name on the renderer's main thread. */
function mainThreadCpu(file: string): Map<string, { ms: number; n: number }> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : (raw.traceEvents ?? []);
  const threads = new Map<string, string>();
  for (const e of events) if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const out = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || e.tdur === undefined || threads.get(`${e.pid}:${e.tid}`) !== 'CrRendererMain') continue;
    const s = out.get(e.name) ?? { ms: 0, n: 0 };
    s.ms += e.tdur / 1000;
    s.n++;
    out.set(e.name, s);
  }
  return out;
}

async function traced(page: Page, run: () => Promise<number>): Promise<number> {
  const browser = page.context().browser()!;
  // --cpu: also a sampling CPU profile of the page (written beside the trace, `.cpuprofile`).
  const cdp = args.includes('--cpu') ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  await browser.startTracing(page, { path: out, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const ms = await run();
  await browser.stopTracing();
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    fs.writeFileSync(out.replace(/\.json$/, '') + '.cpuprofile', JSON.stringify(profile));
  }
  return ms;
}

async function appRun(page: Page): Promise<{ ms: number; mutations: string }> {
  buildApp();
  const serve = await startServe({});
  try {
    const ws = makeWorkspace({ tp: `${GATE}; yes '${line}' | head -c ${mb * 1e6}; printf '\\n${END}\\n'; exec sleep 600` });
    const tree = await createRequest(serve, ws, planOf(['tp']));
    const [session] = await runningSessions(serve, tree.rootId, 1);
    const sessionId = session!.id;
    const chars = expectedChars(line, mb * 1e6);
    const orders = { mode: 'throughput', sessionId, chars, end: END, ackSlack: 4999, prefs: { terminalLayout: 'grid', terminalHeight: 420 } };
    const parsed = new Promise<void>((resolve) => page.on('console', (m) => m.text().includes('"parsed"') && resolve()));
    await page.goto(probeUrl(serve.uiUrl, orders, tree.rootId));
    await whenReady(serve, sessionId);
    // The pane's fitted size reaches the PTY after a debounce: start once it has.
    await waitFor(async () => {
      const s = (await serve.call<TreeSnapshot>('tree.get', { rootId: tree.rootId })).sessions.find((x) => x.id === sessionId)!;
      return s.cols !== session!.cols || s.rows !== session!.rows;
    }, 'the pane to resize its session', 10_000);
    if (css) await page.addStyleTag({ content: css });
    await page.evaluate(() => {
      const w = window as unknown as { __mutations: Record<string, number> };
      w.__mutations = {};
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target.nodeType === 1 ? (r.target as Element) : r.target.parentElement;
          if (!el || el.closest('.xterm')) continue;
          const key = `${r.type} ${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]}`;
          w.__mutations[key] = (w.__mutations[key] ?? 0) + 1;
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    const ms = await traced(page, async () => {
      const t0 = nowMs();
      await release(serve, sessionId);
      await parsed;
      return nowMs() - t0;
    });
    const mutations = await page.evaluate(() => JSON.stringify((window as unknown as { __mutations: unknown }).__mutations));
    return { ms, mutations };
  } finally {
    await serve.stop();
  }
}

async function aloneRun(page: Page): Promise<number> {
  const xterm = path.join(REPO_ROOT, 'node_modules', '@xterm', 'xterm');
  const html = path.join(tmpDir('maestro-page-alone-'), 'alone.html');
  fs.writeFileSync(
    html,
    `<!doctype html><html><head><link rel="stylesheet" href="${pathToFileURL(path.join(xterm, 'css', 'xterm.css')).href}">
<script src="${pathToFileURL(path.join(xterm, 'lib', 'xterm.js')).href}"></script>
<script src="${pathToFileURL(path.join(REPO_ROOT, 'bench', 'lib', 'xterm-alone.js')).href}"></script></head>
<body style="margin:0;background:#0f1117"><div id="term" style="width:1560px;height:420px"></div></body></html>`,
  );
  await page.goto(pathToFileURL(html).href);
  const options = { fontFamily: "'JetBrains Mono', 'Cascadia Code', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace", fontSize: 12, lineHeight: 1.15, cursorBlink: false, scrollback: Number(opt('--scrollback') ?? 5000) };
  return traced(page, async () => {
    const r = (await page.evaluate((o) => (window as any).benchXtermAlone(o), { line, bytes: mb * 1e6, cols: 181, rows: 21, options })) as { ms: number };
    return r.ms;
  });
}

const browser = await launchBrowser();
try {
  const page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  let mutations = '';
  let ms: number;
  if (alone) ms = await aloneRun(page);
  else ({ ms, mutations } = await appRun(page));
  const cpu = mainThreadCpu(out);
  const get = (k: string) => cpu.get(k) ?? { ms: 0, n: 0 };
  const mib = (mb * 1e6) / 1048576;
  console.log(`${alone ? 'xterm.js alone' : 'the app'}: ${mb} MB in ${Math.round(ms)} ms (${(mib / (ms / 1000)).toFixed(1)} MiB/s), trace ${out}`);
  console.log(`main thread CPU ${Math.round(get('RunTask').ms)} ms (${(get('RunTask').ms / mib).toFixed(1)} ms/MiB); xterm's parse timers ${Math.round(get('TimerFire').ms)} ms`);
  for (const k of ['Layout', 'Paint', 'PrePaint', 'FireAnimationFrame', 'HandlePostMessage', 'UpdateLayoutTree']) {
    const s = get(k);
    console.log(`  ${k}: ${Math.round(s.ms)} ms in ${s.n} (${s.n ? (s.ms / s.n).toFixed(2) : 0} ms each)`);
  }
  if (!alone) console.log(`DOM mutations outside the terminals during the stream: ${mutations}`);
} finally {
  await browser.close();
}
