// 2. Input latency: a keystroke in one pane until its echo is on screen, while the neighbouring pane
// is idle and while it floods (side by side in one run, in the real app in headless Chromium).
import type { Browser, Page } from 'playwright-core';
import { openApp } from './lib/browser';
import { GATE, createRequest, makeWorkspace, planOf, release, runningSessions, whenReady } from './lib/scenario';
import { startServe } from './lib/serve';
import { percentile, round, sleep } from './lib/util';

export interface LatencyResult {
  keystrokes: number;
  idle: { p50: number; p95: number; max: number };
  flooding: { p50: number; p95: number; max: number };
  /** Chars the flooding pane received meanwhile (MB/s), to show it really flooded. */
  floodMBs: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const PER_LINE = 30;

export async function benchLatency(browser: Browser, keystrokes: number, log: (s: string) => void): Promise<LatencyResult> {
  const serve = await startServe();
  try {
    const ws = makeWorkspace({
      // The echo comes from the terminal itself (the line discipline), as in any shell prompt.
      echo: `printf '#ready\\n'; exec cat`,
      flood: `${GATE}; exec yes "$(printf '%78s' x)"`,
    });
    const tree = await createRequest(serve, ws, planOf(['echo', 'flood']));
    const [, flood] = await runningSessions(serve, tree.rootId, 2);
    const app = await openApp(browser, serve.uiUrl, { rootId: tree.rootId, prefs: { terminalLayout: 'grid', terminalHeight: 500 } });
    try {
      const { page } = app;
      await whenReady(serve, flood!.id);
      await page.evaluate(() => (window as any).maestroBench.whenPaneShows('#ready', 'echo'));
      await page.locator('section[aria-label="Terminal: echo"] .xterm').click();

      log(`  ${keystrokes} keystrokes, neighbour idle…`);
      const idle = await typeAndMeasure(page, keystrokes, 0);
      await release(serve, flood!.id);
      await sleep(1000); // let the flood reach its steady state
      const acked0 = await page.evaluate((id) => (window as any).maestroBench.acked(id), flood!.id);
      const t0 = Date.now();
      log(`  ${keystrokes} keystrokes, neighbour flooding…`);
      const busy = await typeAndMeasure(page, keystrokes, 1000);
      const acked1 = await page.evaluate((id) => (window as any).maestroBench.acked(id), flood!.id);
      const floodMBs = (acked1 - acked0) / (1024 * 1024) / ((Date.now() - t0) / 1000);
      const stats = (v: number[]) => ({ p50: round(percentile(v, 50)), p95: round(percentile(v, 95)), max: round(Math.max(...v)) });
      return { keystrokes, idle: stats(idle), flooding: stats(busy), floodMBs: round(floodMBs) };
    } finally {
      await app.close();
    }
  } finally {
    await serve.stop();
  }
}

/** Types `count` letters one by one (lines of PER_LINE, each with a unique prefix); returns the latencies. */
async function typeAndMeasure(page: Page, count: number, lineBase: number): Promise<number[]> {
  const latencies: number[] = [];
  let line = '';
  let lineNo = lineBase;
  for (let i = 0; i < count; i++) {
    if (i % PER_LINE === 0) {
      if (line) await page.keyboard.press('Enter');
      // A unique start makes the line's text unique on screen (cat prints each finished line again).
      line = `#${++lineNo}:`;
      await page.keyboard.type(line);
      await page.evaluate(
        ({ text }) => (window as any).maestroBench.whenPaneShows(text, 'echo'),
        { text: line },
      );
    }
    line += LETTERS[i % LETTERS.length];
    await page.evaluate(({ text }) => void ((window as any).__echo = (window as any).maestroBench.whenPaneShows(text, 'echo')), { text: line });
    const before = await page.evaluate(() => (window as any).maestroBench.keydowns.length);
    await page.keyboard.press(line.at(-1)!);
    const shown: number = await page.evaluate(() => (window as any).__echo);
    const pressed: number = await page.evaluate((n) => (window as any).maestroBench.keydowns[n], before);
    latencies.push(shown - pressed);
    await sleep(20 + ((i * 7) % 30)); // a typist's pace, not a burst
  }
  await page.keyboard.press('Enter');
  return latencies;
}
