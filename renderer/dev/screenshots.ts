// Screenshots of the renderer against the dev mock, for looking at the UI.
//   npx vite build && npx vite preview --port 4173 --strictPort &
//   npx tsx renderer/dev/screenshots.ts [http://127.0.0.1:4173/] [out-dir]
// Needs Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:4173/';
const out = process.argv[3] ?? 'dist/screenshots';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const problems: string[] = [];

async function open(query: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && !m.text().includes('GL Driver Message')) problems.push(`[${query}] console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`[${query}] page error: ${e.message}`));
  await page.goto(new URL(query, base).toString());
  return page;
}

const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`saved ${name}.png`);
};

/** The Changes view: the request's files, its diff unified and split, Apply, a group's diff, Redo, the in-place warning. */
async function changes(): Promise<void> {
  const page = await open('?mock=1');
  await page.getByRole('treeitem', { name: /Add billing/ }).click();
  await page.getByRole('tab', { name: 'Changes' }).click();
  await page.getByRole('list', { name: 'Changed files' }).waitFor();
  await shot(page, '11-changes-request');
  await page.getByRole('button', { name: 'View diff' }).click();
  const dialog = page.getByRole('dialog', { name: /Changes:/ });
  await dialog.locator('.diff-line-syntax-raw').first().waitFor();
  await dialog.getByRole('button', { name: /src\/billing\/types\.ts/ }).click();
  await dialog.locator('.unified-diff-view').waitFor();
  await shot(page, '12-changes-unified');
  await dialog.getByRole('button', { name: 'Split' }).click();
  await dialog.locator('.split-diff-view').first().waitFor();
  await shot(page, '13-changes-split');
  await dialog.getByRole('button', { name: /Apply to main/ }).click();
  await dialog.getByText(/Applied/).first().waitFor();
  await shot(page, '14-changes-applied');
  await page.keyboard.press('Escape');
  await page.getByRole('treeitem', { name: /Implement the checkout API/ }).click();
  await page.getByRole('list', { name: 'Changed files' }).waitFor();
  await page.getByRole('button', { name: /src\/api\/routes\.ts/ }).click();
  await dialog.locator('.diff-line-syntax-raw').first().waitFor();
  await shot(page, '15-changes-group-split');
  await page.keyboard.press('Escape');
  await page.getByRole('treeitem', { name: /Design the billing model/ }).click();
  await page.getByRole('button', { name: 'Redo…' }).click();
  await page.getByLabel('What should the agent do differently?').fill('Use integer cents everywhere and add a currency column.');
  await shot(page, '16-redo');
  await page.getByRole('button', { name: 'Discard…' }).count();
  await page.getByRole('treeitem', { name: /Add billing/ }).click();
  await page.getByRole('button', { name: 'Discard…' }).click();
  await page.getByRole('alertdialog').waitFor();
  await shot(page, '17-discard-confirm');
  await page.close();
  const dirty = await open('?mock=1&dirty=1');
  await dirty.getByRole('treeitem', { name: /Add billing/ }).click();
  await dirty.getByRole('tab', { name: 'Changes' }).click();
  await dirty.getByRole('button', { name: /Apply to main/ }).click();
  await dirty.getByRole('alert').filter({ hasText: 'Not applied' }).waitFor();
  await shot(dirty, '18-apply-refused');
  await dirty.getByRole('button', { name: /Fix flaky login/ }).click();
  await dirty.getByRole('note', { name: 'Workers share the workspace' }).waitFor();
  await shot(dirty, '19-isolation-warning');
  await dirty.close();
}

/** Everything else: the overview, the keyboard, tabs and search, retry, settings, a new request, a large tree, first run. */
async function tour(): Promise<void> {
  // 1. The demo plan: tree, detail of the root, streaming terminals in a grid.
  const page = await open('?mock=1');
  await page.getByRole('treeitem').first().waitFor();
  await page.waitForTimeout(2500);
  await shot(page, '01-overview');

  // 2. Keyboard: focus the tree, walk down to the failed subtask, check the ARIA state.
  await page.getByRole('tree', { name: 'Task tree' }).focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  const selected = await page.locator('[role="treeitem"][aria-selected="true"]').getAttribute('aria-label');
  console.log('selected after 3× ArrowDown:', selected);
  await page.keyboard.press('ArrowLeft'); // on a leaf: moves to the parent group
  await page.keyboard.press('ArrowLeft'); // on an expanded group: collapses it
  const group = page.locator('[role="treeitem"][aria-selected="true"]');
  console.log('after ←←:', await group.getAttribute('aria-label'), 'aria-expanded =', await group.getAttribute('aria-expanded'));
  await page.keyboard.press('ArrowRight');
  console.log('after →: aria-expanded =', await group.getAttribute('aria-expanded'));
  await page.getByRole('treeitem', { name: /Add email index/ }).click();
  await page.waitForTimeout(900);
  await shot(page, '02-failed-subtask');

  // 3. Tabs layout with a single pane, and the search box.
  await page.getByRole('treeitem', { name: /Add billing/ }).click();
  await page.getByRole('button', { name: 'Tabs' }).click();
  await page.waitForTimeout(600);
  await page.getByRole('button', { name: 'Search output' }).click();
  await page.getByRole('searchbox', { name: 'Search in terminal' }).fill('handlers');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(400);
  await shot(page, '03-tabs-search');
  const panes = await page.locator('.xterm').count();
  console.log('xterm instances mounted in tabs mode:', panes);

  // 4. Retry the failed group: it goes back to work.
  await page.getByRole('button', { name: 'Grid' }).click();
  const retries = page.getByRole('button', { name: 'Retry', exact: true });
  console.log('Retry buttons:', await retries.count());
  await retries.first().click();
  await page.waitForTimeout(1800);
  await shot(page, '04-after-retry');
  // The first attempt of the retried group, maximized: its outcome, not its exit code.
  await page.locator('button.chip', { hasText: 'Database migrations' }).click();
  await page.waitForTimeout(600);
  await shot(page, '04b-earlier-attempt');
  await page.getByRole('button', { name: '← All panes' }).click();

  // 5. Settings dialog.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.waitForTimeout(300);
  await shot(page, '05-settings');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // 6. New request: the box, then Ctrl+Enter creates and selects the root.
  await page.getByRole('button', { name: 'New request' }).click();
  await page.getByLabel('What should the agents do?').fill('Add CSV export to the orders page');
  await page.getByLabel('Runs with', { exact: true }).selectOption('custom');
  await page.getByLabel('Command', { exact: true }).fill('my-agent --yolo');
  await shot(page, '06-new-request');
  await page.getByLabel('Runs with', { exact: true }).selectOption('claude');
  await page.waitForTimeout(200);
  await shot(page, '06b-new-request-claude-plans');
  await page.getByLabel('Runs with', { exact: true }).selectOption('custom');
  await page.getByLabel('What should the agents do?').press('Control+Enter');
  await page.waitForTimeout(2500);
  await shot(page, '07-new-root-planned');
  await page.close();

  // 7. A 10,000-task tree: only the rows in view are in the DOM.
  const big = await open('?mock=1&big=10000');
  await big.getByRole('button', { name: /Large plan/ }).click();
  await big.getByRole('treeitem').first().waitFor();
  await big.waitForTimeout(500);
  console.log('treeitems in the DOM for the large tree:', await big.getByRole('treeitem').count());
  await big.getByRole('tree').focus();
  await big.keyboard.press('End');
  await big.waitForTimeout(300);
  await shot(big, '08-big-tree-end');
  await big.getByRole('button', { name: /Running only/ }).click();
  await big.waitForTimeout(300);
  await shot(big, '09-big-tree-running');
  await big.close();

  // 8. Many workers at 1280×720: 10 groups, 7 running. Running panes get the grid; maximized (Alt+M) it
  // holds all 7; one pane focused (Alt+Z) with its search (Ctrl+Shift+F); the shortcuts dialog (?).
  const many = await open('?mock=1&many=10', { width: 1280, height: 720 });
  await many.getByRole('button', { name: /Harden the API/ }).click();
  await many.getByRole('treeitem').first().waitFor();
  await many.waitForTimeout(2000);
  await shot(many, '11-many-1280x720');
  await many.keyboard.press('Alt+KeyM');
  await many.waitForTimeout(1200);
  console.log('panes with the terminals maximized:', await many.locator('.term-pane').count());
  await shot(many, '12-many-maximized');
  await many.locator('.term-pane').nth(1).click();
  await many.keyboard.press('Alt+KeyZ');
  await many.keyboard.press('Control+Shift+KeyF');
  await many.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Search in terminal');
  await many.keyboard.type('handles');
  await many.keyboard.press('Enter');
  await many.waitForTimeout(800);
  await shot(many, '13-many-focused-search');
  await many.keyboard.press('Escape');
  await many.keyboard.press('Alt+KeyZ');
  await many.keyboard.press('Alt+KeyM');
  await many.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await many.waitForTimeout(300);
  await shot(many, '14-shortcuts');
  await many.close();

  // 9. First run: no requests yet.
  const empty = await open('?mock=1&empty=1');
  await empty.getByText('What should your agents build?').waitFor();
  await shot(empty, '10-empty');
  await empty.close();
}

/** Control of a request: the approval view (edit, re-plan), a paused request, cancel, the history search. */
async function controls(): Promise<void> {
  const page = await open('?mock=1');
  await page.getByRole('button', { name: 'New request' }).click();
  await page.getByLabel('What should the agents do?').fill('Add CSV export to the orders page');
  await page.getByLabel('Approve the plan before it runs').check();
  await page.getByLabel('What should the agents do?').press('Control+Enter');
  const approval = page.getByRole('region', { name: 'Plan approval' });
  await approval.waitFor();
  await page.waitForTimeout(300);
  await shot(page, '20-approval');
  await approval.getByRole('button', { name: 'Edit…' }).click();
  await page.getByLabel('Title of g2').fill('Make the change, behind a flag');
  await shot(page, '21-plan-edit');
  await page.getByRole('button', { name: 'Save the plan' }).click();
  await approval.getByRole('button', { name: 'Re-plan with feedback…' }).waitFor();
  await approval.getByRole('button', { name: 'Re-plan with feedback…' }).click();
  await page.getByLabel('What should the planner do differently?').fill('Write the tests in a group of their own.');
  await shot(page, '22-replan');
  await page.getByRole('button', { name: 'Plan again' }).click();
  await approval.getByText(/3 groups/).waitFor();
  await shot(page, '23-replanned');
  await approval.getByRole('button', { name: 'Reject…' }).click();
  await shot(page, '23b-reject');
  await page.getByRole('button', { name: 'Back' }).click();

  await page.getByRole('button', { name: /Add billing/ }).click();
  await page.getByRole('toolbar', { name: 'Request actions' }).waitFor();
  await page.waitForTimeout(800);
  await shot(page, '24-request-actions');
  await page.getByRole('button', { name: 'Stop all' }).click();
  await page.getByRole('region', { name: 'Request paused' }).waitFor();
  await page.waitForTimeout(400);
  await shot(page, '25-paused');
  await page.getByRole('button', { name: 'Cancel…' }).click();
  await page.getByRole('alertdialog', { name: 'Cancel the request' }).waitFor();
  await shot(page, '26-cancel-confirm');
  await page.getByRole('button', { name: 'Keep it' }).click();
  await page.getByRole('searchbox', { name: 'Search requests' }).fill('login');
  await shot(page, '27-history-search');
  await page.close();
}

try {
  // SHOTS=controls: only the control of a request.
  if (process.env.SHOTS === 'controls') await controls();
  else {
    // SHOTS=changes: only the Changes view.
    if (process.env.SHOTS !== 'changes') await tour();
    await changes();
    await controls();
  }
} finally {
  await browser.close();
  console.log(problems.length ? `\n${problems.length} console problems:\n${problems.join('\n')}` : '\nno console problems');
}
