// The browser attacks of the security audit (issue 11, F1), in a real Chromium against `maestro serve`:
// a page on another port of 127.0.0.1, open in the same browser as the Maestro tab, tries to drive the
// engine over the WebSocket (with and without the token); a foreign name resolving to 127.0.0.1 (DNS
// rebinding) tries to load Maestro. Each is refused, and the Maestro tab itself keeps working.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../test/helpers';
import { ensureRendererBuilt } from './support/build';
import { startServe, type Served } from './support/serve';

const CHROMIUM = process.env.MAESTRO_CHROMIUM ?? '/usr/bin/chromium';

/** The attacker's page: opens Maestro's WebSocket and asks it to run a command; reports what happened. */
function attackerPage(wsUrl: string, marker: string): string {
  return `<!doctype html><title>attacker</title><script>
  window.outcome = new Promise((resolve) => {
    const ws = new WebSocket(${JSON.stringify(wsUrl)});
    let opened = false;
    ws.onopen = () => {
      opened = true;
      ws.send(JSON.stringify({ t: 'call', id: 1, method: 'roots.create',
        params: { request: 'pwn', agentCommand: ${JSON.stringify(`id > ${marker}`)} } }));
    };
    ws.onmessage = (e) => resolve({ opened, message: String(e.data).slice(0, 200) });
    ws.onclose = (e) => resolve({ opened, closeCode: e.code });
  });
</script>`;
}

describe('browser mode refuses other pages and foreign names (F1)', () => {
  let served: Served;
  let browser: Browser;
  let attacker: http.Server;
  let attackerPort: number;
  let pages: Record<string, string> = {};
  const workspace = tmpDir('maestro-sec-ws-');
  const dataDir = tmpDir('maestro-sec-data-');
  const markerDir = tmpDir('maestro-sec-marker-');

  beforeAll(async () => {
    ensureRendererBuilt();
    served = await startServe({ dataDir, workspace, env: { ANTHROPIC_API_KEY: undefined } });
    attacker = http.createServer((req, res) => {
      const body = pages[req.url ?? ''] ?? 'not found';
      res.writeHead(pages[req.url ?? ''] ? 200 : 404, { 'content-type': 'text/html' });
      res.end(body);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    attackerPort = (attacker.address() as AddressInfo).port;
    const maestroPort = new URL(served.url).port;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', `--host-resolver-rules=MAP evil.example 127.0.0.1`],
    });
    const token = new URL(served.url).searchParams.get('token')!;
    pages = {
      '/with-token': attackerPage(`ws://127.0.0.1:${maestroPort}/ws?token=${token}`, path.join(markerDir, 'with-token')),
      '/without-token': attackerPage(`ws://127.0.0.1:${maestroPort}/ws`, path.join(markerDir, 'without-token')),
    };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
    await served?.stop();
  });

  /** The page talks to the engine: it shows what only the engine knows (no API key is set up here). */
  async function connected(page: Page): Promise<void> {
    await page.getByText('No Anthropic API key').waitFor({ state: 'visible' });
  }

  async function openMaestro(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(served.url);
    await connected(page);
    return page;
  }

  it('a page on another port of 127.0.0.1 cannot drive the engine, even knowing the token', async () => {
    const maestro = await openMaestro(); // the user's Maestro tab, open in the same browser
    for (const which of ['with-token', 'without-token']) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${attackerPort}/${which}`);
      const outcome = (await page.evaluate(() => (window as unknown as { outcome: Promise<unknown> }).outcome)) as { opened: boolean; closeCode?: number };
      expect({ which, opened: outcome.opened }).toEqual({ which, opened: false });
      await page.close();
    }
    // Nothing was created: the Maestro tab (which does get in) lists no request.
    const roots = await maestro.evaluate(async () => {
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws?token=${sessionStorage.getItem('maestro.token')}`);
      return new Promise<unknown>((resolve) => {
        ws.onopen = () => ws.send(JSON.stringify({ t: 'call', id: 7, method: 'roots.list', params: {} }));
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data));
          if (m.id === 7) resolve(m.result);
        };
      });
    });
    expect(roots).toEqual([]);
    expect(fs.readdirSync(markerDir)).toEqual([]);
    await maestro.close();
  });

  it('a foreign name that resolves to 127.0.0.1 (DNS rebinding) gets nothing, even with the token', async () => {
    const page = await browser.newPage();
    const port = new URL(served.url).port;
    const token = new URL(served.url).searchParams.get('token')!;
    const res = await page.goto(`http://evil.example:${port}/?token=${token}`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('body')).toMatch(/not one this server answers to/);
    await page.close();
  });

  it('the served page reloads without the token in its address and stays connected; a bare URL is refused', async () => {
    const page = await openMaestro();
    expect(page.url()).not.toContain('token=');
    await page.reload();
    await connected(page);
    await page.close();
    // A new tab (new sessionStorage) without the printed link: the page says what to do.
    const bare = await browser.newPage();
    await bare.goto(new URL(served.url).origin);
    await bare.getByText("Maestro refused this page's access token").waitFor({ state: 'visible' });
    await bare.close();
  });
});
