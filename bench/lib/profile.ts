// Where the engine's time goes (`npm run bench -- --only throughput --profile DIR`): its V8 CPU profile
// (`node --cpu-prof`), read as self time per function. (The page's side: CPU per renderer thread, which
// every throughput run records from /proc.)
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
