// A request larger than the tree's first answer (`tree.get` with a limit, renderer/store/controller.ts):
// in Debian Chromium against `maestro serve`, the page shows the rows from the top and then every task,
// keyboard navigation reaches the last one, and a status change of a task beyond the first answer shows.
// Screenshot: test-results/screenshots/large-tree-end.png.
import { chromium, type Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../test/helpers';
import { ensureRendererBuilt } from './support/build';
import { startServe, type Served } from './support/serve';
import { screenshotter } from './support/shots';

const CHROMIUM = process.env.MAESTRO_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const GROUPS = 30;
const PER_GROUP = 10;
const ROW_HEIGHT = 30; // renderer/components/TaskTree.tsx

/** Calls the engine over the page's WebSocket, as the page would. */
async function call<T>(served: Served, method: string, params: unknown): Promise<T> {
  const page = new URL(served.url);
  const ws = new WebSocket(`ws://${page.host}/ws?token=${page.searchParams.get('token')}`, { origin: page.origin });
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return await new Promise<T>((resolve, reject) => {
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as { t: string; id: number; result?: T; error?: { message: string } };
        if (m.id !== 1) return;
        if (m.t === 'result') resolve(m.result as T);
        else reject(new Error(m.error?.message ?? 'error'));
      });
      ws.send(JSON.stringify({ t: 'call', id: 1, method, params }));
    });
  } finally {
    ws.close();
  }
}

describe('a request larger than the first answer', () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    ensureRendererBuilt();
    served = await startServe({ dataDir: tmpDir('maestro-big-data-'), workspace: tmpDir('maestro-big-ws-'), env: { ANTHROPIC_API_KEY: undefined } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('shows every task: the rows from the top first, then the rest, live', async () => {
    const plan = {
      summary: 'many groups',
      groups: Array.from({ length: GROUPS }, (_, g) => ({
        id: `g${g + 1}`,
        title: `Group ${g + 1}`,
        subtasks: Array.from({ length: PER_GROUP }, (_, i) => ({ id: `s${g * PER_GROUP + i + 1}`, title: `Step ${g * PER_GROUP + i + 1}`, description: '' })),
      })),
    };
    // Waits for approval: nothing runs, the tree stays as planned.
    const snap = await call<{ rootId: string; tasks: { id: string; planId?: string }[] }>(served, 'roots.create', {
      request: 'A large plan',
      agentCommand: 'true',
      approvePlan: true,
      plan,
    });
    const total = 1 + GROUPS + GROUPS * PER_GROUP;
    expect(snap.tasks).toHaveLength(total);
    const last = snap.tasks.find((t) => t.planId === `s${GROUPS * PER_GROUP}`)!;

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const url = new URL(served.url);
    url.hash = `#/root/${encodeURIComponent(snap.rootId)}`;
    await page.goto(url.toString());
    const tree = page.getByRole('tree', { name: 'Task tree' });
    await expect.poll(() => tree.getByRole('treeitem').count(), { timeout: 30_000 }).toBeGreaterThan(10);
    // Every task is a row once the whole tree is there (the canvas is as tall as all rows).
    await expect
      .poll(() => page.locator('.tree-canvas').evaluate((el) => parseFloat((el as HTMLElement).style.height)), { timeout: 30_000 })
      .toBe(total * ROW_HEIGHT);
    // The last task is reachable from the keyboard, and it is a live row: a change of its status shows.
    await tree.getByRole('treeitem').first().click();
    await tree.press('End');
    const row = page.locator(`#${`task-row-${last.id}`}`);
    await expect.poll(() => row.getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    await call(served, 'task.block', { id: last.id, reason: 'waiting for a decision' });
    await expect.poll(async () => (await row.getAttribute('aria-label')) ?? '', { timeout: 10_000 }).toMatch(/Blocked(, needs input)?$/);
    await screenshotter(page, 'large-tree')('end');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
