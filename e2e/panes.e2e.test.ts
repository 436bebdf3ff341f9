// Many panes in a real Chromium at 1280×720 (issue 10): a request with 10 groups, 7 of them running,
// from the dev mock served by `maestro serve` (the built app). Running sessions get the panes and each
// stays readable (at least 8 lines of text); focusing one pane gives it the whole area and back; with the
// terminals maximized six or more running sessions are on screen at once, each readable.
// Screenshots: test-results/screenshots/panes-*.png.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../test/helpers';
import { ensureRendererBuilt } from './support/build';
import { startServe, type Served } from './support/serve';
import { screenshotter } from './support/shots';

const CHROMIUM = process.env.MAESTRO_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The panes on screen with the number of text rows their terminal shows. */
function panesOf(page: Page): Promise<{ id: string; rows: number; height: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-session-id]')]
      .filter((p) => p.offsetParent !== null && p.querySelector('.xterm-rows'))
      .map((p) => ({ id: p.dataset.sessionId!, rows: p.querySelector('.xterm-rows')!.children.length, height: p.getBoundingClientRect().height })),
  );
}

describe('many panes at 1280×720', () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    ensureRendererBuilt();
    served = await startServe({ dataDir: tmpDir('maestro-panes-data-'), workspace: tmpDir('maestro-panes-ws-'), env: { ANTHROPIC_API_KEY: undefined } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('running sessions get readable panes; a focused pane takes the area and gives it back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(new URL('/?mock=1&many=10', served.url).toString());
    const shot = screenshotter(page, 'panes');
    // The request with many running groups, selected.
    await page.getByRole('button', { name: /Harden the API for launch/ }).first().click();
    let panes: { id: string; rows: number; height: number }[] = [];
    await expect
      .poll(async () => {
        panes = await panesOf(page);
        return panes.length;
      }, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    await shot('grid-1280x720');
    for (const p of panes) expect({ pane: p.id, readable: p.rows >= 8 }).toEqual({ pane: p.id, readable: true });

    // Focus one pane: it alone fills the terminal area, with many more lines; then back.
    const first = page.locator(`[data-session-id="${panes[0]!.id}"]`);
    await first.getByRole('button', { name: 'Focus this pane' }).click();
    await expect.poll(async () => (await panesOf(page)).length).toBe(1);
    const focused = (await panesOf(page))[0]!;
    expect(focused.rows).toBeGreaterThan(panes[0]!.rows);
    await shot('focused');
    await page.getByRole('button', { name: 'Back to all panes' }).first().click();
    await expect.poll(async () => (await panesOf(page)).length).toBe(panes.length);

    // Maximize the terminals: six or more running sessions on screen at once, each still readable.
    await page.getByRole('button', { name: 'Maximize the terminals' }).click();
    await expect.poll(async () => (await panesOf(page)).length).toBeGreaterThanOrEqual(6);
    await shot('maximized-1280x720');
    for (const p of await panesOf(page)) expect({ pane: p.id, readable: p.rows >= 8 }).toEqual({ pane: p.id, readable: true });
    await page.getByRole('button', { name: 'Restore the plan view' }).click();
  }, 120_000);
});
