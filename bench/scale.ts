// 4. Scale: many workers streaming at once for a while, the app open on their request (6 panes visible
// in the grid, the rest in the background): memory of the main process and the renderer, event-loop lag.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { jsHeap, openApp, rendererProcesses } from './lib/browser';
import { GATE, createRequest, logPathOf, makeWorkspace, planOf, release, runningSessions, whenReady } from './lib/scenario';
import { startServe, type ProbeSample } from './lib/serve';
import { MB, descendants, median, percentile, pssOf, round, sleep } from './lib/util';

export interface ScaleResult {
  sessions: number;
  seconds: number;
  /** Output each worker writes, KB/s (all together: sessions × this). */
  rateKBs: number;
  /** Output actually logged, MB/s over all sessions. */
  loggedMBs: number;
  main: { rssBeforeMB: number; rssPeakMB: number; heapPeakMB: number; lagP50: number; lagP99: number; lagMax: number };
  renderer: { pssPeakMB: number; jsHeapPeakMB: number; frameP50: number; frameP95: number; frameMax: number; framesOver50ms: number };
  /** Every Chromium process (browser, GPU, network, renderer), PSS. */
  chromiumPssPeakMB: number;
  /** main RSS + Chromium PSS, at their peaks. */
  totalPeakMB: number;
  /** (main RSS at the end − before the request) / sessions. */
  perSessionMB: number;
  visiblePanes: number;
}

export async function benchScale(browser: Browser, opts: { sessions: number; seconds: number; rateKBs: number }, log: (s: string) => void): Promise<ScaleResult> {
  const { sessions, seconds, rateKBs } = opts;
  const serve = await startServe({ probe: true, probeMs: 500, settings: { concurrency: Math.min(64, sessions) } });
  try {
    // 20 bursts a second of 80-column lines, from one long-lived process (no fork per line).
    const linesPerBurst = Math.max(1, Math.round((rateKBs * 1024) / 80 / 20));
    const ws = makeWorkspace({
      stream: `${GATE}; exec perl -e '$|=1; my $l = ("x" x 79) . "\\n"; while (1) { print $l x ${linesPerBurst}; select(undef, undef, undef, 0.05); }'`,
    });
    // The app is open before the request exists: the baseline is an idle app.
    const app = await openApp(browser, serve.uiUrl, { prefs: { terminalLayout: 'grid', terminalHeight: 560 } });
    try {
      const { page } = app;
      await sleep(2000);
      const rssBefore = median(serve.samples().slice(-3).map((s) => s.rss));
      const tree = await createRequest(serve, ws, planOf(Array.from({ length: sessions }, () => 'stream')));
      const running = await runningSessions(serve, tree.rootId, sessions, 120_000);
      await page.goto(`${serve.uiUrl}#/root/${tree.rootId}`);
      for (const s of running) await whenReady(serve, s.id);
      await page.locator('.term-pane .xterm').first().waitFor();
      const visiblePanes = await page.locator('.term-pane').count();

      log(`  ${sessions} workers × ${rateKBs} KB/s for ${seconds} s (${visiblePanes} panes visible)…`);
      const probeStart = Date.now();
      await page.evaluate(() => ((window as any).maestroBench.frames = (window as any).maestroBench.frameMonitor()));
      await Promise.all(running.map((s) => release(serve, s.id)));
      const chromium: { pss: number; renderer: number; heap: number }[] = [];
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end) {
        await sleep(2000);
        const all = descendants(process.pid).filter((p) => p.cmd.includes('chromium'));
        chromium.push({
          pss: all.reduce((n, p) => n + (pssOf(p.pid) || 0), 0),
          renderer: rendererProcesses().reduce((n, p) => n + (p.pss || 0), 0),
          heap: (await jsHeap(app.cdp)).used,
        });
      }
      const gaps: number[] = await page.evaluate(() => (window as any).maestroBench.frames.stop());
      const samples = serve.samples().filter((s) => s.at >= probeStart);
      const logged = running.reduce((n, s) => n + fs.statSync(logPathOf(serve, s.id)).size, 0);
      const rssEnd = median(samples.slice(-3).map((s) => s.rss));
      const peak = (pick: (s: ProbeSample) => number) => Math.max(...samples.map(pick));
      const lags = samples.map((s) => s.lagP99);
      const mainRssPeak = peak((s) => s.rss);
      const chromiumPeak = Math.max(...chromium.map((c) => c.pss));
      return {
        sessions,
        seconds,
        rateKBs,
        loggedMBs: round(logged / MB / seconds),
        main: {
          rssBeforeMB: round(rssBefore / MB),
          rssPeakMB: round(mainRssPeak / MB),
          heapPeakMB: round(peak((s) => s.heapUsed) / MB),
          lagP50: round(percentile(samples.map((s) => s.lagP50), 50)),
          lagP99: round(percentile(lags, 99)),
          lagMax: round(peak((s) => s.lagMax)),
        },
        renderer: {
          pssPeakMB: round(Math.max(...chromium.map((c) => c.renderer)) / MB),
          jsHeapPeakMB: round(Math.max(...chromium.map((c) => c.heap)) / MB),
          frameP50: round(percentile(gaps, 50)),
          frameP95: round(percentile(gaps, 95)),
          frameMax: round(Math.max(...gaps)),
          framesOver50ms: gaps.filter((g) => g > 50).length,
        },
        chromiumPssPeakMB: round(chromiumPeak / MB),
        totalPeakMB: round((mainRssPeak + chromiumPeak) / MB),
        perSessionMB: round((rssEnd - rssBefore) / MB / sessions, 2),
        visiblePanes,
      };
    } finally {
      await app.close();
    }
  } finally {
    await serve.stop();
  }
}
