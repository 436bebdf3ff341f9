// The same end-to-end flow in the Electron shell (Playwright's _electron), where the Electron binary
// exists: `node scripts/e2e-electron.mjs` builds the app and runs this file (vitest's default run does
// not match it: the binary cannot be downloaded everywhere). ELECTRON_PATH names the binary.
import { createRequire } from 'node:module';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tmpDir } from '../test/helpers';
import { runUserFlow } from './support/flow';
import { createScenario, type Scenario } from './support/scenario';
import { childEnv } from './support/serve';
import { screenshotter } from './support/shots';

function electronBinary(): string {
  if (process.env.ELECTRON_PATH) return process.env.ELECTRON_PATH;
  return createRequire(import.meta.url)('electron') as string; // throws when the binary was not downloaded
}

describe('Electron end to end', () => {
  let scenario: Scenario;
  let app: ElectronApplication;
  let page: Page;
  const problems: string[] = [];
  let mainOutput = '';

  beforeAll(async () => {
    scenario = await createScenario();
    app = await electron.launch({
      executablePath: electronBinary(),
      // Chromium refuses to run as root with its sandbox (CI containers).
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO_ROOT],
      cwd: scenario.workspace,
      env: childEnv({
        ...scenario.env,
        MAESTRO_DATA_DIR: scenario.dataDir,
        // A fresh profile: no window state, storage or single-instance lock of a Maestro the developer runs.
        MAESTRO_USER_DATA_DIR: tmpDir('maestro-e2e-profile-'),
        ELECTRON_RUN_AS_NODE: undefined,
      }),
      timeout: 60_000,
    });
    app.process().stdout?.on('data', (d: Buffer) => (mainOutput += d.toString()));
    app.process().stderr?.on('data', (d: Buffer) => (mainOutput += d.toString()));
    page = await app.firstWindow();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await scenario?.close();
  });

  it('request → tree → live workers → failure → one-click Retry → completed; output survives a reload', async () => {
    // The preload exposes the contract and nothing else; the page has no Node.
    expect(await page.evaluate(() => typeof (window as unknown as { maestro?: { call?: unknown } }).maestro?.call)).toBe('function');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    const shot = screenshotter(page, 'electron');
    try {
      await runUserFlow({
        page,
        scenario,
        shot,
        reload: async () => {
          await page.reload();
        },
        // The main process notifies (main/electron/main.ts); the page must not do it a second time.
        notifications: false,
      });
    } catch (error) {
      await shot('failure').catch(() => {});
      throw new Error(`${(error as Error).message}\n\nElectron main process output:\n${mainOutput}`, { cause: error });
    }
    expect(await page.getByRole('button', { name: 'Desktop notifications' }).count()).toBe(0);
    expect(problems).toEqual([]);
  }, 300_000);
});
