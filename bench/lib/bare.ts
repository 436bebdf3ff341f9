// Chromium started by the bench itself, with no DevTools client at all: no remote-debugging port or
// pipe, so nothing attached to the measured page can copy its WebSocket frames (Playwright enables
// DevTools' network monitoring on every page it drives, which copies each frame's payload). The page
// gets its orders in its URL (`?bench=`, read by page-probe.js) and reports over the one channel left:
// `console.log` lines, which `--enable-logging=stderr` prints on Chromium's stderr.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM } from './browser';
import { tmpDir } from './util';

/** A message the page reported (page-probe.js `report()`), with the bench's clock at its arrival. */
export interface ProbeMessage {
  ev: string;
  [k: string]: any;
}

export interface BarePage {
  pid: number;
  /** Resolves with the first report named `ev` (or rejects after `timeoutMs`, or when Chromium ends). */
  next(ev: string, timeoutMs?: number): Promise<ProbeMessage>;
  close(): Promise<void>;
}

/** Options for the page probe (page-probe.js): which measurement, and its parameters. */
export type ProbeConfig = { mode: string; prefs?: Record<string, unknown> } & Record<string, unknown>;

/** Adds the probe's orders to an app URL (and the request to show, as the app's URL hash). */
export function probeUrl(uiUrl: string, config: ProbeConfig, rootId?: string): string {
  const url = new URL(uiUrl);
  url.searchParams.set('bench', JSON.stringify(config));
  if (rootId) url.hash = `#/root/${encodeURIComponent(rootId)}`;
  return url.toString();
}

const REPORT = /INFO:CONSOLE[^\]]*\] "MAESTRO-BENCH (\{.*\})", source:/;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Opens `url` in a fresh headless Chromium (its own profile), without any DevTools client. */
export function openBare(url: string, viewport = { width: 1600, height: 1000 }): BarePage {
  const profile = tmpDir('maestro-bench-chromium-');
  const args = [
    ...CHROMIUM_ARGS,
    '--headless',
    `--user-data-dir=${profile}`,
    `--window-size=${viewport.width},${viewport.height}`,
    '--enable-logging=stderr',
    '--v=0',
    url,
  ];
  const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  const messages: ProbeMessage[] = [];
  const waiters: { ev: string; resolve(m: ProbeMessage): void; reject(e: Error): void }[] = [];
  let ended: Error | null = null;
  let rest = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    const lines = (rest + d).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const m = REPORT.exec(line);
      if (!m) {
        if (process.env.MAESTRO_BENCH_DEBUG && line.includes('CONSOLE')) console.error(`  [page] ${line}`);
        else if (/INFO:CONSOLE.*(Uncaught|Error)/.test(line)) console.error(`  [page] ${line.slice(line.indexOf('"'))}`);
        continue;
      }
      let msg: ProbeMessage;
      try {
        msg = JSON.parse(m[1]!) as ProbeMessage;
      } catch {
        continue;
      }
      if (process.env.MAESTRO_BENCH_DEBUG) console.error('  [probe]', JSON.stringify(msg));
      messages.push(msg);
      for (const w of waiters.splice(0)) {
        if (w.ev === msg.ev) w.resolve(msg);
        else waiters.push(w);
      }
    }
  });
  child.once('exit', (code, signal) => {
    live.delete(child);
    ended = new Error(`Chromium ended (${code ?? signal}) before the page reported`);
    for (const w of waiters.splice(0)) w.reject(ended);
  });
  return {
    pid: child.pid!,
    next(ev, timeoutMs = 120_000) {
      const seen = messages.findIndex((m) => m.ev === ev);
      if (seen >= 0) return Promise.resolve(messages.splice(seen, 1)[0]!);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the page did not report "${ev}" within ${timeoutMs / 1000} s`)), timeoutMs);
        waiters.push({
          ev,
          resolve: (m) => {
            clearTimeout(timer);
            const i = messages.indexOf(m);
            if (i >= 0) messages.splice(i, 1);
            resolve(m);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    close() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** Chromium's version (`chromium --version`), without starting a browser session. */
export function chromiumVersion(): string {
  try {
    return /([\d.]+)/.exec(execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
