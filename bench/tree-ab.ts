// Development aid for figure 5 (not part of `npm run bench`): one 10,000-task request, then page loads
// of several renderer builds alternating in the same server, each opened bare (no DevTools client) and
// through Playwright, with the probe's breakdown of where the first paint's time went.
// Usage: node --import tsx bench/tree-ab.ts <rounds> <renderer-dir>… (each a vite build with bench-probe.js)
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { appBuild } from './lib/build';
import { probeUrl } from './lib/bare';
import { launchBrowser } from './lib/browser';
import { createRequest, makeWorkspace, runningSessions, type TreeSnapshot } from './lib/scenario';
import { startServe } from './lib/serve';
import { cleanupTmpDirs, nowMs, percentile, round } from './lib/util';
import { openProbePage, type Harness } from './throughput';

const [roundsArg, ...variants] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 3);
const modes = (process.env.MODES ?? 'bare,playwright').split(',') as Harness[];
const changesWanted = Number(process.env.CHANGES ?? 10);

async function main() {
  const app = appBuild();
  const staticDir = path.join(app.root, 'dist', 'renderer');
  const serve = await startServe({ settings: { concurrency: 1 } });
  let browser: Browser | null = null;
  const getBrowser = async () => (browser ??= await launchBrowser());
  try {
    const ws = makeWorkspace({ idle: 'exec sleep 600' });
    const plan = {
      summary: 'a big plan',
      groups: Array.from({ length: 100 }, (_, g) => ({ id: `g${g + 1}`, title: 'idle', subtasks: Array.from({ length: 10 }, (_, i) => ({ id: `s${g * 99 + i + 1}`, title: `step ${g * 99 + i + 1}: a subtask with a title of ordinary length`, description: '' })) })),
    };
    let tree = await createRequest(serve, ws, plan);
    for (const g of plan.groups) {
      const parentId = tree.tasks.find((t) => t.planId === g.id)!.id;
      const base = Number(g.subtasks[0]!.id.slice(1)) + 10;
      for (let k = 0; k < 89; k++) await serve.call('subtask.add', { parentId, title: `step ${base + k}: a subtask with a title of ordinary length`, description: '' });
    }
    tree = await serve.call<TreeSnapshot>('tree.get', { rootId: tree.rootId });
    await runningSessions(serve, tree.rootId, 1);
    console.log(`${tree.tasks.length - 1} tasks; a subtask: ${JSON.stringify(tree.tasks.find((t) => t.kind === "subtask"))}`);
    const g1 = tree.tasks.find((t) => t.planId === 'g1')!;
    const subtasks = tree.tasks.filter((t) => t.kind === 'subtask' && (t as { parentId?: string }).parentId === g1.id);
    if (process.env.PROFILE) {
      // A CPU profile of one page load per variant (Playwright: the Profiler domain), top self times.
      for (const v of variants) {
        fs.rmSync(staticDir, { recursive: true, force: true });
        fs.cpSync(v, staticDir, { recursive: true });
        const context = await (await getBrowser()).newContext({ viewport: { width: 1600, height: 1000 } });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        if (process.env.TRACE) await (await getBrowser()).startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing', 'toplevel'] });
        // NOCPU=1: the trace alone (the sampling profiler slows the page down).
        const cpu = !process.env.NOCPU;
        if (cpu) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Profiler.start');
        }
        const got = new Promise<any>((resolve) => page.on('console', (m) => m.text().startsWith('MAESTRO-BENCH {"ev":"first-paint"') && resolve(JSON.parse(m.text().slice(14)))));
        const changes = subtasks.slice(20, 26).map((t) => ({ id: t.id, label: 'In progress' }));
        const msgs: any[] = [];
        page.on('console', (m) => m.text().startsWith('MAESTRO-BENCH') && msgs.push(JSON.parse(m.text().slice(14))));
        await page.goto(probeUrl(serve.uiUrl, { mode: 'tree', prefs: { terminalsCollapsed: true }, changes, rows: tree.tasks.length }, tree.rootId));
        const fp = await got;
        for (const [i, c] of changes.entries()) {
          while (!msgs.some((m) => m.ev === 'armed' && m.i === i)) await new Promise((r) => setTimeout(r, 5));
          await serve.call('task.start', { id: c.id });
          while (!msgs.some((m) => m.ev === 'changed' && m.i === i)) await new Promise((r) => setTimeout(r, 5));
        }
        if (process.env.SHOT) {
          await page.screenshot({ path: `/tmp/s3v/${path.basename(v)}-tree.png` });
          // The terminals open: the pane's chunk (xterm.js) loads on demand.
          await page.getByRole('button', { name: 'Show terminals' }).click();
          await page.locator('.xterm-rows').first().waitFor({ timeout: 20_000 });
          await page.waitForTimeout(500);
          await page.screenshot({ path: `/tmp/s3v/${path.basename(v)}-terminals.png` });
        }
        console.log('changes', msgs.filter((m) => m.ev === 'changed').map((m) => round(m.painted - m.arrived)).join(' '), 'arrived at', msgs.filter((m) => m.ev === 'changed').map((m) => round(m.arrived - performance.timeOrigin)).join(' '));
        const { profile } = cpu ? ((await cdp.send('Profiler.stop')) as { profile: any }) : { profile: { nodes: [], samples: [], timeDeltas: [] } };
        if (process.env.TRACE) {
          const buf = await (await getBrowser()).stopTracing();
          fs.writeFileSync(`/tmp/s3v/${path.basename(v)}.trace.json`, buf);
        }
        fs.writeFileSync(`/tmp/s3v/${path.basename(v)}.cpuprofile`, JSON.stringify(profile));
        const self = new Map<string, number>();
        const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
        const dt = profile.timeDeltas as number[];
        profile.samples.forEach((id: number, i: number) => {
          const n = byId.get(id);
          const key = `${n.callFrame.functionName || '(anon)'} ${path.basename(n.callFrame.url || '')}:${n.callFrame.lineNumber}`;
          self.set(key, (self.get(key) ?? 0) + (dt[i + 1] ?? 0) / 1000);
        });
        console.log(`\n${path.basename(v)} profile, first paint ${round(fp.painted)} ms ${JSON.stringify(fp.phases)}`);
        for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${round(ms)} ms  ${k}`);
        await context.close();
      }
      if (rounds === 0) return;
    }
    let flip = 0;
    const rows: Record<string, { paint: number[]; e2p: number[]; c2p: number[]; detail: string[] }> = {};
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        fs.rmSync(staticDir, { recursive: true, force: true });
        fs.cpSync(v, staticDir, { recursive: true });
        for (const mode of modes) {
          const label = `${path.basename(v)} ${mode}`;
          const row = (rows[label] ??= { paint: [], e2p: [], c2p: [], detail: [] });
          // Alternate start/complete so each change is a real one.
          const changes = subtasks.slice(1, 1 + changesWanted).map((t) => ({ id: t.id, method: flip % 2 === 0 ? 'task.start' : 'task.block' }));
          const orders = { mode: 'tree', prefs: { terminalsCollapsed: true }, changes: changes.map((c) => ({ id: c.id, label: c.method === 'task.start' ? 'In progress' : 'Blocked' })), rows: tree.tasks.length };
          const page = await openProbePage(probeUrl(serve.uiUrl, orders, tree.rootId), mode, getBrowser);
          try {
            const fp = await page.next('first-paint');
            row.paint.push(round(fp.painted));
            row.detail.push(`${round(fp.painted)} ${JSON.stringify(fp.phases)} scripts=${JSON.stringify(fp.scripts.map((s: any) => [s.name.slice(-24), s.end, s.bytes]))} long=${JSON.stringify(fp.longTasks)}`);
            for (const c of changes) {
              await page.next('armed');
              const t0 = nowMs();
              await serve.call(c.method, c.method === 'task.block' ? { id: c.id, reason: 'bench' } : { id: c.id });
              const m = await page.next('changed');
              row.e2p.push(round(m.painted - m.arrived));
              row.c2p.push(round(m.painted - t0));
            }
            flip++;
            await page.next('done');
          } finally {
            await page.close();
          }
          console.log(`round ${r + 1} ${label}: first paint ${row.paint.at(-1)} ms`);
        }
      }
    }
    for (const [label, row] of Object.entries(rows)) {
      const p = (v: number[], q: number) => round(percentile(v, q));
      console.log(`\n${label}: first paint p50 ${p(row.paint, 50)} [${row.paint.join(', ')}]; event→paint p50 ${p(row.e2p, 50)} max ${p(row.e2p, 100)}; call→paint p50 ${p(row.c2p, 50)}`);
      for (const d of row.detail) console.log(`   ${d}`);
    }
  } finally {
    if (browser) await (browser as Browser).close();
    await serve.stop();
    cleanupTmpDirs();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
