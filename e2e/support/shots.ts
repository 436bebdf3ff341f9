// Screenshots of the end-to-end runs, for people to look at: test-results/screenshots/<prefix>-<name>.png.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../test/helpers';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

export function screenshotter(page: Page, prefix: string): (name: string) => Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return async (name) => {
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${prefix}-${name}.png`) });
  };
}
