// The Electron shell's Content-Security-Policy (main/electron/security.ts CSP) in a real Chromium, since
// Electron itself cannot run here: the policy is sent as a header like the app:// protocol does, and the
// page records every `securitypolicyviolation`. It shows (1) xterm.js renders under the app's policy,
// (2) why styles keep 'unsafe-inline' — xterm writes <style> elements and style attributes, which a
// policy without it refuses (if an xterm upgrade stops needing them, that test fails: drop the keyword),
// (3) the whole UI, connected to `maestro serve`, breaks no rule of the Electron policy.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../main/electron/security';
import { REPO_ROOT, tmpDir } from '../test/helpers';
import { ensureRendererBuilt } from './support/build';
import { startServe, type Served } from './support/serve';

const CHROMIUM = process.env.MAESTRO_CHROMIUM ?? '/usr/bin/chromium';
const XTERM = path.join(REPO_ROOT, 'node_modules', '@xterm', 'xterm');
const STRICT = CSP.replace("style-src 'self' 'unsafe-inline'", "style-src 'self'");

interface Violation {
  directive: string;
  blocked: string;
}

/** Runs in every page before its own scripts (init scripts are not subject to the page's CSP). */
function recordViolations(): void {
  const seen: { directive: string; blocked: string }[] = [];
  (window as unknown as { __violations: typeof seen }).__violations = seen;
  document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
}

// A terminal with the DOM renderer (no WebGL addon; the GPU is off), as the app falls back to it.
const TERMINAL_PAGE = `<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="/xterm.css">
<div id="t" style="width:600px;height:200px"></div><script type="module" src="/term.js"></script>`;
const TERMINAL_SCRIPT = `import { Terminal } from '/xterm.mjs';
const term = new Terminal({ cols: 60, rows: 8, theme: { background: '#1e1f22' } });
term.open(document.getElementById('t'));
term.write('plain \\x1b[38;2;255;0;0mtruecolor-red\\x1b[0m done', () => { window.__written = true; });`;

describe('the Electron CSP in Chromium', () => {
  let browser: Browser;
  let site: http.Server;
  let origin: string;
  let policy = CSP;
  let served: Served | undefined;

  beforeAll(async () => {
    site = http.createServer((req, res) => {
      const files: Record<string, [string, string]> = {
        '/': ['text/html', TERMINAL_PAGE],
        '/term.js': ['text/javascript', TERMINAL_SCRIPT],
        '/xterm.mjs': ['text/javascript', fs.readFileSync(path.join(XTERM, 'lib', 'xterm.mjs'), 'utf8')],
        '/xterm.css': ['text/css', fs.readFileSync(path.join(XTERM, 'css', 'xterm.css'), 'utf8')],
      };
      const file = files[req.url ?? ''];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file[0], 'content-security-policy': policy }).end(file[1]);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // A response fulfilled by page.route counts as from an unknown address space, and Chromium's Local
    // Network Access checks would then block the page's WebSocket to 127.0.0.1: not what is tested here.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-features=LocalNetworkAccessChecks'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
    await served?.stop();
  });

  async function openTerminal(withPolicy: string): Promise<{ page: Page; violations: Violation[] }> {
    policy = withPolicy;
    const page = await browser.newPage();
    await page.addInitScript(recordViolations);
    await page.goto(origin);
    await page.waitForFunction(() => (window as unknown as { __written?: boolean }).__written === true);
    await page.getByText('truecolor-red').waitFor({ state: 'visible' });
    const violations = await page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
    return { page, violations };
  }

  it('xterm.js renders, in colour, under the app’s policy with no violation', async () => {
    const { page, violations } = await openTerminal(CSP);
    expect(violations).toEqual([]);
    const color = await page.getByText('truecolor-red').evaluate((el) => getComputedStyle(el).color);
    expect(color).toBe('rgb(255, 0, 0)');
    await page.close();
  });

  it('without style-src \'unsafe-inline\', xterm’s <style> elements and style attributes are refused', async () => {
    const { page, violations } = await openTerminal(STRICT);
    const directives = new Set(violations.map((v) => v.directive));
    expect([...directives].sort()).toEqual(['style-src-attr', 'style-src-elem']);
    // The visible damage: the refused style attribute was the cell's colour.
    const color = await page.getByText('truecolor-red').evaluate((el) => getComputedStyle(el).color);
    expect(color).not.toBe('rgb(255, 0, 0)');
    await page.close();
  });

  it('the whole UI, connected to maestro serve, breaks no rule of the Electron policy', async () => {
    ensureRendererBuilt();
    served = await startServe({ dataDir: tmpDir('maestro-csp-data-'), workspace: tmpDir('maestro-csp-ws-'), env: { ANTHROPIC_API_KEY: undefined } });
    const page = await browser.newPage();
    await page.addInitScript(recordViolations);
    // The Electron header on every response from the server, as protocol.handle adds it.
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
    });
    const loaded = await page.goto(served.url);
    expect((await loaded!.allHeaders())['content-security-policy']).toBe(CSP);
    await page.getByText('No Anthropic API key').waitFor({ state: 'visible' });
    // More of the UI on screen: the settings dialog.
    await page.getByRole('button', { name: 'Open settings' }).first().click();
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    const violations = await page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
    expect(violations).toEqual([]);
    // The policy is in force on this page (not a silent no-op): an injected inline script does not run.
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.head.append(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    // (Reported once per policy that refuses it: the header, and index.html's meta tag.)
    const refusedBy = () => page.evaluate(() => [...new Set((window as unknown as { __violations: Violation[] }).__violations.map((v) => v.directive))]);
    await expect.poll(refusedBy).toEqual(['script-src-elem']);
    await page.close();
  }, 120_000);
});
