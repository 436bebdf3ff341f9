// The Changes view (issue 9) in a real Chromium, on the production build served by `maestro serve`
// (its CSP header plus the page's CSP meta), driven by the dev mock (`?mock=1`) until the engine answers
// `task.diff`, `roots.apply`, `roots.discard` and `task.redo`: the request's files with their counts,
// the diff unified and split with syntax highlighting, Apply, Discard after a confirmation, Redo with a
// note, the in-place warning, and a refused Apply. No CSP violation, no console error.
// Screenshots: test-results/screenshots/changes-*.png.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../test/helpers';
import { ensureRendererBuilt } from './support/build';
import { startServe, type Served } from './support/serve';
import { screenshotter } from './support/shots';

const CHROMIUM = process.env.MAESTRO_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Records CSP violations in the page (they are also console errors, but this names the directive). */
function recordCspViolations(): void {
  const seen: string[] = [];
  (window as unknown as { __csp: string[] }).__csp = seen;
  document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
}

describe('the Changes view in the built app', () => {
  let served: Served;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    served = await startServe({ dataDir: tmpDir('maestro-changes-data-'), workspace: tmpDir('maestro-changes-ws-'), env: { ANTHROPIC_API_KEY: undefined } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  async function open(query: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(recordCspViolations);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    await page.goto(new URL(query, served.url).toString());
    return page;
  }

  it('files and counts, unified and split, Apply, Discard after a confirmation, Redo with a note, the in-place warning', async () => {
    const page = await open('/?mock=1');
    const shot = screenshotter(page, 'changes');
    await page.getByRole('treeitem', { name: /Add billing/ }).click();
    await page.getByRole('tab', { name: 'Changes' }).click();
    const list = page.getByRole('list', { name: 'Changed files' });
    await list.waitFor();
    expect(await list.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')))).toEqual([
      'docs/adr/0007-billing.md, 14 added, 0 deleted',
      'docs/diagrams/billing-flow.png, binary',
      'src/billing/model.ts, 22 added, 0 deleted',
      'src/billing/types.ts (renamed from src/payments/types.ts), 4 added, 3 deleted',
    ]);
    await page.getByText('4 files changed, +40 −3').waitFor();
    await shot('request');

    // The diff: a file of the list, unified, then split; highlighted (the lazy chunk ran under the CSP).
    await list.getByRole('button', { name: /src\/billing\/types\.ts/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Changes: Add billing to the web shop' });
    await dialog.locator('.unified-diff-view .hljs-keyword').first().waitFor();
    await dialog.getByRole('heading', { name: 'src/payments/types.ts → src/billing/types.ts' }).waitFor();
    await shot('unified');
    await dialog.getByRole('button', { name: 'Split' }).click();
    await dialog.locator('.split-diff-view .hljs-keyword').first().waitFor();
    expect(await dialog.locator('.unified-diff-view').count()).toBe(0);
    expect(await dialog.getByRole('button', { name: 'Split' }).getAttribute('aria-pressed')).toBe('true');
    await shot('split');

    // Apply, from the diff view: what changed is said there.
    await dialog.getByRole('button', { name: 'Apply to main' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Applied to main (4f2a9c1 → 9d8e7f6): 4 files changed.' }).waitFor();
    await shot('applied');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // The tree was reloaded: the request's git view says it is applied.
    await page.locator('.changes-facts').getByText('applied', { exact: true }).waitFor();

    // Redo a completed group with a note: it goes back to work.
    await page.getByRole('treeitem', { name: /^Design the billing model, Completed/ }).click();
    await page.getByRole('button', { name: 'Redo…' }).click();
    await page.getByLabel('What should the agent do differently?').fill('Use integer cents everywhere.');
    await shot('redo');
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await page.getByRole('treeitem', { name: /^Design the billing model, (Pending|In progress)/ }).waitFor();

    // Discard asks first; Cancel sends nothing; the confirmation discards and says what was kept.
    await page.getByRole('treeitem', { name: /Add billing/ }).click();
    await page.getByRole('button', { name: 'Discard…' }).click();
    const confirm = page.getByRole('alertdialog', { name: "Discard this request's branches?" });
    await confirm.waitFor();
    await shot('discard-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByRole('list', { name: 'Changed files' }).waitFor();
    await page.getByRole('button', { name: 'Discard…' }).click();
    await confirm.getByRole('button', { name: 'Discard branches' }).click();
    const discarded = page.getByRole('status').filter({ hasText: 'Discarded.' });
    await discarded.waitFor();
    expect(await discarded.textContent()).toMatch(/Kept maestro\/demo-add-billing-to-the-web\/g2/);

    // A request that runs in place says so above its tree.
    await page.getByRole('button', { name: /Fix flaky login test/ }).click();
    await page.getByRole('note', { name: 'Workers share the workspace' }).waitFor();
    await shot('in-place');

    // A workspace with changes in the way: Apply is refused with the files.
    const dirty = await open('/?mock=1&dirty=1');
    await dirty.getByRole('treeitem', { name: /Add billing/ }).click();
    await dirty.getByRole('tab', { name: 'Changes' }).click();
    await dirty.getByRole('button', { name: 'Apply to main' }).click();
    const refused = dirty.getByRole('alert').filter({ hasText: 'Not applied (uncommitted changes in the workspace)' });
    await refused.waitFor();
    expect(await refused.getByRole('list', { name: 'Files in the way' }).getByRole('listitem').count()).toBeGreaterThan(0);
    await screenshotter(dirty, 'changes')('refused');

    for (const p of [page, dirty]) expect(await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('against the real engine: two groups in their worktrees, merged; the request Changes; Apply brings them into the checkout', async () => {
    // A repository with a first commit, as a user's project is.
    const workspace = tmpDir('maestro-changes-git-');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'dev@example.com');
    git('config', 'user.name', 'Dev');
    fs.writeFileSync(path.join(workspace, 'README.md'), '# project\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    const before = git('rev-parse', 'HEAD');
    const real = await startServe({ dataDir: tmpDir('maestro-changes-real-'), workspace, env: { ANTHROPIC_API_KEY: undefined } });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.addInitScript(recordCspViolations);
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(real.url);
      await page.getByText('No Anthropic API key').waitFor();
      // The request, with its plan and a scripted agent that writes one file per group and reports.
      const agent = `sh -c 'echo "work of $MAESTRO_TASK_ID" > "out-$MAESTRO_TASK_ID.txt" && maestro task complete "$MAESTRO_TASK_ID" --summary written'`;
      const plan = {
        summary: 'two files',
        groups: [
          { id: 'g1', title: 'Write the first file', subtasks: [{ id: 's1', title: 'one' }] },
          { id: 'g2', title: 'Write the second file', subtasks: [{ id: 's2', title: 'two' }] },
        ],
      };
      await page.evaluate(
        async ({ agent, plan, workspace }) => {
          const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws?token=${sessionStorage.getItem('maestro.token')}`);
          await new Promise<void>((resolve, reject) => {
            ws.onopen = () => ws.send(JSON.stringify({ t: 'call', id: 1, method: 'roots.create', params: { request: 'Write two files', workspace, agentCommand: agent, plan } }));
            ws.onmessage = (e) => {
              const m = JSON.parse(String(e.data));
              if (m.id !== 1) return;
              if (m.t === 'result') resolve();
              else reject(new Error(m.error.message));
            };
          });
          ws.close();
        },
        { agent, plan, workspace },
      );
      await page.getByRole('button', { name: /Write two files/ }).first().click();
      const shotEarly = screenshotter(page, 'changes-real');
      try {
        await page.getByRole('treeitem', { name: /^Write two files, Completed/ }).click({ timeout: 90_000 });
      } catch (err) {
        await shotEarly('not-completed');
        throw err;
      }
      await page.getByRole('tab', { name: 'Changes' }).click();
      try {
        await page.getByText('2 files changed, +2 −0').waitFor();
      } catch (err) {
        await shotEarly('changes-missing');
        throw new Error(`${(err as Error).message}\n${await page.locator('.detail').innerText()}`);
      }
      const shot = shotEarly;
      await shot('request');
      // The user's checkout is untouched until Apply.
      expect(git('rev-parse', 'HEAD')).toBe(before);
      expect(git('status', '--porcelain')).toBe('');
      await page.getByRole('button', { name: 'Apply to main' }).first().click();
      await page.getByRole('status').filter({ hasText: /Applied to main .*2 files changed/ }).waitFor();
      await shot('applied');
      expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
      expect(git('rev-parse', 'HEAD')).not.toBe(before);
      expect(fs.readdirSync(workspace).filter((f) => f.startsWith('out-'))).toHaveLength(2);
      expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    } finally {
      await real.stop();
    }
  }, 180_000);
});
