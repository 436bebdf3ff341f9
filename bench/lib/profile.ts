// Where the time goes (`npm run bench -- --only throughput --profile`): the engine's V8 CPU profile
// (`node --cpu-prof`, read as self time per function) and a Chromium trace of the page recorded from
// startup (`--trace-startup`, no DevTools client), read as busy time per thread and per event.
import fs from 'node:fs';
import path from 'node:path';


export interface Hotspot {
  name: string;
  ms: number;
}

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time per function (top `n`) of the newest .cpuprofile in `dir`, and the total sampled time. */
export function summarizeCpuProfile(dir: string, n = 15): { totalMs: number; top: Hotspot[] } | null {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (files.length === 0) return null;
  const newest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]!;
  const prof = JSON.parse(fs.readFileSync(newest, 'utf8')) as { nodes: CpuNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') return;
    total += dt;
    const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, ms]) => ({ name, ms: Math.round(ms) }));
  return { totalMs: Math.round(total), top };
}

interface TraceEvent {
  ph: string;
  name: string;
  cat: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * Busy time per thread of the renderer processes (top-level tasks), and per event name on each
 * (devtools.timeline's FunctionCall, EventDispatch, Paint, …, nested events counted in their parent too).
 */
export function summarizeTrace(file: string, n = 12): { threads: { thread: string; busyMs: number; top: Hotspot[] }[] } | null {
  if (!fs.existsSync(file)) return null;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : (raw.traceEvents ?? []);
  const threadNames = new Map<string, string>();
  const processNames = new Map<number, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
    if (e.ph === 'M' && e.name === 'process_name') processNames.set(e.pid, e.args?.name ?? '');
  }
  const busy = new Map<string, number>();
  const names = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    const key = `${e.pid}:${e.tid}`;
    const thread = `${processNames.get(e.pid) ?? e.pid} / ${threadNames.get(key) ?? e.tid}`;
    if (!/Renderer/.test(thread)) continue;
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') busy.set(thread, (busy.get(thread) ?? 0) + e.dur / 1000);
    else if (e.cat.includes('devtools.timeline')) {
      const m = names.get(thread) ?? new Map<string, number>();
      names.set(thread, m);
      m.set(e.name, (m.get(e.name) ?? 0) + e.dur / 1000);
    }
  }
  const threads = [...busy.entries()]
    .filter(([, ms]) => ms > 50)
    .sort((a, b) => b[1] - a[1])
    .map(([thread, ms]) => ({
      thread,
      busyMs: Math.round(ms),
      top: [...(names.get(thread) ?? new Map<string, number>()).entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, t]) => ({ name, ms: Math.round(t) })),
    }));
  return { threads };
}
