// What a user does, as the issue describes it, for both shells (browser mode and Electron): set the
// agent up in the settings, type a request, watch the orchestrator plan and approve its plan, watch the
// workers stream, answer one in its terminal, retry the subtask that failed, see the request complete,
// reload and read a finished session's output again. Terminal text is read the way a user finds it:
// with the pane's search box (it works with the WebGL and the DOM renderer alike).
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REQUEST, type Scenario } from './scenario';

export interface FlowOptions {
  page: Page;
  scenario: Scenario;
  /** Saves a screenshot under test-results/screenshots/. */
  shot(name: string): Promise<void>;
  /** Reloads the app's page (a browser reload, or the Electron window's). */
  reload(): Promise<void>;
  /** Browser mode: turn desktop notifications on with the bell and check what was notified. */
  notifications: boolean;
  /** Checks how the key saved in the settings is kept (e.g. the 0600 file of browser mode). */
  checkStoredKey?(secret: string): void;
}

const WAIT = 60_000;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The pane of a session, by its title (a group's title, or "Orchestrator"). */
export function pane(page: Page, title: string): Locator {
  return page.getByRole('region', { name: `Terminal: ${title}`, exact: true });
}

/** Waits until the pane's terminal holds `needle` (the search box counts the matches, live). */
export async function waitForPaneText(p: Locator, needle: string, timeout = WAIT): Promise<void> {
  const box = p.getByRole('searchbox', { name: 'Search in terminal' });
  if (!(await box.isVisible())) await p.getByRole('button', { name: 'Search output' }).click();
  await box.fill(needle);
  await box.press('Enter');
  try {
    await p.getByRole('status').filter({ hasText: /^\d+\/\d+$|^\d+ match/ }).waitFor({ timeout });
  } catch (error) {
    throw new Error(`the terminal "${await p.getAttribute('aria-label')}" never showed "${needle}": ${(error as Error).message}`);
  }
  await p.getByRole('button', { name: 'Close search' }).click();
}

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForCount(what: string, count: () => Promise<number>, want: number): Promise<void> {
  const end = Date.now() + WAIT;
  let n = await count();
  while (n !== want) {
    if (Date.now() > end) throw new Error(`expected ${want} ${what}, found ${n}`);
    await new Promise((r) => setTimeout(r, 100));
    n = await count();
  }
}

export async function runUserFlow(o: FlowOptions): Promise<void> {
  const { page, scenario, shot } = o;
  const rootRow = (status: string) => page.getByRole('treeitem', { name: new RegExp(`^${escapeRe(REQUEST)}, ${status}$`) });

  // ── first start: the empty state ───────────────────────────────────────────────────────────
  await page.getByRole('heading', { name: 'What should your agents build?' }).waitFor({ timeout: WAIT });
  if (o.notifications) {
    const bell = page.getByRole('button', { name: 'Desktop notifications' });
    expect(await bell.getAttribute('aria-pressed')).toBe('false');
    await bell.click();
    await page.locator('button[aria-label="Desktop notifications"][aria-pressed="true"]').waitFor();
  }
  await shot('01-empty');

  // ── settings: the API key (write-only), then the agent that runs the workers ─────────────────
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByText('Using ANTHROPIC_API_KEY from the environment').waitFor();
  const secret = 'sk-ant-e2e-never-shown-again';
  const keyInput = dialog.getByLabel('API key', { exact: true });
  expect(await keyInput.getAttribute('type')).toBe('password');
  await keyInput.fill(secret);
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await dialog.getByText('A key is stored').waitFor();
  expect(await dialog.getByLabel('Replace the key').inputValue()).toBe('');
  expect(await page.content()).not.toContain(secret);
  o.checkStoredKey?.(secret);
  await dialog.getByRole('button', { name: 'Remove key' }).click();
  await dialog.getByText('Using ANTHROPIC_API_KEY from the environment').waitFor();

  await dialog.getByLabel('New requests run with').selectOption('custom');
  await dialog.getByLabel('Custom agent command').fill(scenario.agentCommand);
  await shot('02-settings');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  // ── the request: the box took the new defaults ─────────────────────────────────────────────
  const box = page.getByRole('form', { name: 'New request' });
  expect(await box.getByLabel('Runs with', { exact: true }).inputValue()).toBe('custom');
  expect(await box.getByLabel('Command', { exact: true }).inputValue()).toBe(scenario.agentCommand);
  await box.getByLabel('Workspace').fill(scenario.workspace);
  await box.getByLabel('Approve the plan before it runs').check();
  await box.getByLabel('What should the agents do?').fill(REQUEST);
  await shot('03-request');
  await box.getByLabel('What should the agents do?').press('Control+Enter');

  // The root is there at once, and the orchestrator plans in its own pane.
  await rootRow('In progress').waitFor({ timeout: WAIT });
  const orchestrator = pane(page, 'Orchestrator');
  await orchestrator.waitFor({ timeout: WAIT });
  await within(scenario.plannerWaiting, 'the orchestrator to ask the model for its first reply');
  await waitForPaneText(orchestrator, 'built-in agent · orchestrator');
  expect(await orchestrator.locator('.term-status').innerText()).toBe('running');
  await shot('04-orchestrator-planning');
  scenario.releasePlanner();

  // ── the plan waits for approval; the tree has filled ───────────────────────────────────────
  const approve = page.getByRole('button', { name: 'Approve plan' });
  await approve.waitFor({ timeout: WAIT });
  await waitForCount('rows in the tree', () => page.getByRole('treeitem').count(), 1 + 3 + 5);
  await waitForPaneText(orchestrator, 'plan accepted');
  expect(await pane(page, 'Group one').count()).toBe(0); // nothing runs before the approval
  await shot('05-plan-awaiting-approval');
  await approve.click();
  await approve.waitFor({ state: 'hidden' });

  // ── workers stream live; g2 fails one subtask ──────────────────────────────────────────────
  const g1 = pane(page, 'Group one');
  await g1.waitFor({ timeout: WAIT });
  await waitForPaneText(g1, 'tick 3/3');
  await waitForPaneText(g1, 'press Enter to continue');
  expect(['running', 'needs input']).toContain(await g1.locator('.term-status').innerText());
  const failedRow = page.getByRole('treeitem', { name: 'fourth, Failed', exact: true });
  await failedRow.waitFor({ timeout: WAIT });
  await waitForPaneText(pane(page, 'Group two').first(), 'giving up on s4');
  // Retry on each failed subtask and group, nowhere else.
  const retries = page.getByRole('tree').getByRole('button', { name: 'Retry', exact: true });
  expect(await retries.count()).toBe(2);
  await shot('06-worker-failed');

  // Quiet after "press Enter to continue": g1 needs input — on its pane, in the tree, in the window title.
  const waitingRow = page.getByRole('treeitem', { name: /^Group one, .*, needs input$/ });
  await g1.locator('.term-status', { hasText: 'needs input' }).waitFor({ timeout: WAIT });
  await waitingRow.waitFor({ timeout: WAIT });
  await page.waitForFunction(() => document.title === '(1) Maestro', undefined, { timeout: WAIT });
  await shot('06a-needs-input');

  // The user answers g1 in its terminal: what follows streams into the same, still open pane.
  const term = await g1.locator('.xterm').elementHandle();
  await g1.locator('.xterm-screen').click();
  await page.keyboard.press('Enter');
  // Typing into the pane answered it: the flag is gone at once.
  await waitingRow.waitFor({ state: 'detached', timeout: WAIT });
  await page.waitForFunction(() => document.title === 'Maestro', undefined, { timeout: WAIT });
  expect(await g1.locator('.term-status').innerText()).not.toBe('needs input');
  await waitForPaneText(g1, 'continuing');
  await shot('06b-needs-input-answered');
  await waitForPaneText(g1, 's2 second');
  expect(await term!.evaluate((el) => el.isConnected)).toBe(true);

  // ── one click on Retry: the group runs again, then g3, and the request completes ───────────
  await failedRow.getByRole('button', { name: 'Retry', exact: true }).click();
  await rootRow('Completed').waitFor({ timeout: WAIT });
  expect(await rootRow('Completed').getByRole('progressbar').getAttribute('aria-valuetext')).toBe('5 of 5 done');
  expect(await retries.count()).toBe(0);
  for (const f of ['s1', 's2', 's3', 's4', 's5']) expect(fs.existsSync(path.join(scenario.workspace, `${f}.txt`))).toBe(true);
  await shot('07-completed');

  if (o.notifications) {
    await waitForCount(
      'desktop notifications ("Failed: fourth", "Request completed", "Needs input: g1 Group one")',
      async () => {
        const titles = await page.evaluate(() => (window as unknown as { __notifications: { title: string }[] }).__notifications.map((n) => n.title));
        return Number(titles.includes('Failed: fourth')) + Number(titles.includes('Request completed')) + Number(titles.includes('Needs input: g1 Group one'));
      },
      3,
    );
  }

  // ── after a reload, finished sessions still show their output ──────────────────────────────
  await o.reload();
  await rootRow('Completed').waitFor({ timeout: WAIT });
  await page.getByRole('treeitem', { name: 'Group one, Completed', exact: true }).click();
  const g1Again = pane(page, 'Group one');
  await g1Again.waitFor({ timeout: WAIT });
  // The outcome, from what the session reported; the exit code is a detail.
  expect(await g1Again.locator('.term-status').innerText()).toBe('work reported');
  expect(await g1Again.locator('.term-status-detail').innerText()).toBe('exit 0');
  await waitForPaneText(g1Again, 'continuing');
  await waitForPaneText(g1Again, 's2 second');
  await page.getByRole('treeitem', { name: 'Group two, Completed', exact: true }).click();
  await waitForCount('panes of Group two (the failed attempt and the retry)', () => pane(page, 'Group two').count(), 2);
  await waitForPaneText(pane(page, 'Group two').nth(0), 's4 fourth'); // newest first: the retry
  await waitForPaneText(pane(page, 'Group two').nth(1), 'giving up on s4');
  // The first attempt failed s4 (whatever its exit code); the retry, attempt 2, reported it.
  expect(await pane(page, 'Group two').nth(1).locator('.term-status').innerText()).toBe('failed');
  expect(await pane(page, 'Group two').nth(1).locator('.badge-attempt').innerText()).toBe('attempt 1');
  expect(await pane(page, 'Group two').nth(0).locator('.term-status').innerText()).toBe('work reported');
  expect(await pane(page, 'Group two').nth(0).locator('.badge-attempt').innerText()).toBe('attempt 2');
  await shot('08-after-reload');
}
