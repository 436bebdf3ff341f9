// End to end in browser mode: Debian Chromium (playwright-core) against `maestro serve`, the fake
// Anthropic API as the built-in orchestrator's model, the scripted agent as the workers.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from './support/build';
import { runUserFlow } from './support/flow';
import { createScenario, type Scenario } from './support/scenario';
import { startServe, type Served } from './support/serve';
import { screenshotter } from './support/shots';

const CHROMIUM = process.env.MAESTRO_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Records the desktop notifications the page shows (the real constructor still runs). */
function recordNotifications(): void {
  const Real = window.Notification;
  const shown: { title: string; body?: string }[] = [];
  (window as unknown as { __notifications: typeof shown }).__notifications = shown;
  class Recording extends Real {
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body });
      super(title, options);
    }
    static get permission(): NotificationPermission {
      return Real.permission;
    }
    static requestPermission(): Promise<NotificationPermission> {
      return Real.requestPermission();
    }
  }
  window.Notification = Recording;
}

describe('browser mode end to end', () => {
  let scenario: Scenario;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    scenario = await createScenario();
    served = await startServe({ dataDir: scenario.dataDir, workspace: scenario.workspace, env: scenario.env });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['notifications'], { origin: new URL(served.url).origin });
    await context.addInitScript(recordNotifications);
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await scenario?.close();
  });

  it('request → tree → live workers → failure → one-click Retry → completed; output survives a reload', async () => {
    await page.goto(served.url);
    // The token leaves the address bar; the page keeps working on reloads without it.
    expect(page.url()).not.toContain('token=');
    const shot = screenshotter(page, 'browser');
    try {
      await runUserFlow({
        page,
        scenario,
        shot,
        reload: async () => {
          await page.reload();
        },
        notifications: true,
        checkStoredKey: (secret) => {
          const file = path.join(scenario.dataDir, 'secrets.json');
          expect(fs.statSync(file).mode & 0o777).toBe(0o600);
          expect(fs.readFileSync(file, 'utf8')).toContain(secret);
        },
      });
    } catch (error) {
      await shot('failure').catch(() => {});
      throw new Error(`${(error as Error).message}\n\nmaestro serve output:\n${served.output()}`, { cause: error });
    }
    expect(problems).toEqual([]);
  }, 240_000);
});
