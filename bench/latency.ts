// 2. Input latency: a keystroke in one pane until its echo is on screen, while the neighbouring pane
// is idle and while it floods (side by side in one run, in the real app in headless Chromium started by
// the bench without any DevTools client; the page probe types and times, bench/lib/page-probe.js).
import { openBare, probeUrl } from './lib/bare';
import { GATE, createRequest, makeWorkspace, planOf, release, runningSessions, whenReady } from './lib/scenario';
import { startServe } from './lib/serve';
import { percentile, round } from './lib/util';

export interface LatencyResult {
  keystrokes: number;
  idle: { p50: number; p95: number; max: number };
  flooding: { p50: number; p95: number; max: number };
  /** Chars the flooding pane received meanwhile (MB/s), to show it really flooded. */
  floodMBs: number;
  transport: string;
  devtoolsAttached: boolean;
}

export async function benchLatency(keystrokes: number, log: (s: string) => void): Promise<LatencyResult> {
  const serve = await startServe();
  try {
    const ws = makeWorkspace({
      // The echo comes from the terminal itself (the line discipline), as in any shell prompt.
      echo: `printf '#ready\\n'; exec cat`,
      flood: `${GATE}; exec yes "$(printf '%78s' x)"`,
    });
    const tree = await createRequest(serve, ws, planOf(['echo', 'flood']));
    const [, flood] = await runningSessions(serve, tree.rootId, 2);
    const orders = { mode: 'latency', echoTitle: 'echo', floodTitle: 'flood', floodId: flood!.id, keystrokes, prefs: { terminalLayout: 'grid', terminalHeight: 500 } };
    const page = openBare(probeUrl(serve.uiUrl, orders, tree.rootId));
    try {
      await whenReady(serve, flood!.id);
      const ready = await page.next('ready');
      log(`  ${keystrokes} keystrokes, neighbour idle…`);
      await page.next('idle-done', 600_000);
      log(`  ${keystrokes} keystrokes, neighbour flooding…`);
      await release(serve, flood!.id);
      const done = await page.next('done', 600_000);
      const stats = (v: number[]) => ({ p50: round(percentile(v, 50)), p95: round(percentile(v, 95)), max: round(Math.max(...v)) });
      return {
        keystrokes,
        idle: stats(done.idle),
        flooding: stats(done.flooding),
        floodMBs: round(done.floodMBs),
        transport: String(ready.transport),
        devtoolsAttached: false,
      };
    } finally {
      await page.close();
    }
  } finally {
    await serve.stop();
  }
}
