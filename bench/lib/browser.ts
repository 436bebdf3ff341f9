// Headless Chromium (Debian's, through playwright-core) showing the real app in browser mode.
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { REPO_ROOT, descendants, pssOf, rssOf } from './util';

const PAGE_HELPERS = path.join(REPO_ROOT, 'bench', 'lib', 'page-helpers.js');

export const CHROMIUM = process.env.MAESTRO_BENCH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // A page in a background tab or occluded window would be throttled; the bench page is the foreground.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  /** Which request to show (the URL hash the app keeps). */
  rootId?: string;
  viewport?: { width: number; height: number };
  /** UI preferences stored before the app starts (renderer/prefs.ts: `maestro.ui`), e.g. the terminal layout. */
  prefs?: Record<string, unknown>;
}

/**
 * Opens the app as a user would, with the timing probes of page-helpers.js. Headless Chromium here has
 * only a software WebGL (SwiftShader), so the panes pick xterm's DOM renderer, as on any machine
 * without a GPU; that also lets the benchmarks see when text reaches the screen.
 */
export async function openApp(browser: Browser, uiUrl: string, opts: OpenAppOptions = {}): Promise<AppPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`  [page error] ${e.message}`));
  await page.addInitScript({ path: PAGE_HELPERS });
  if (opts.prefs) {
    await page.addInitScript((prefs) => localStorage.setItem('maestro.ui', JSON.stringify(prefs)), opts.prefs);
  }
  const url = new URL(uiUrl);
  if (opts.rootId) url.hash = `#/root/${encodeURIComponent(opts.rootId)}`;
  await page.goto(url.toString());
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { context, page, cdp, close: () => context.close() };
}

/** Chromium's renderer processes (one per site here; the browser is a child of this process) with their RSS and PSS. */
export function rendererProcesses(): { pid: number; rss: number; pss: number }[] {
  return descendants(process.pid)
    .filter((p) => p.cmd.includes('--type=renderer') && !p.cmd.includes('--extension-process'))
    .map((p) => ({ pid: p.pid, rss: rssOf(p.pid), pss: pssOf(p.pid) }));
}

/** The page's JS heap (CDP Performance metrics). */
export async function jsHeap(cdp: CDPSession): Promise<{ used: number; total: number }> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? NaN;
  return { used: get('JSHeapUsedSize'), total: get('JSHeapTotalSize') };
}
