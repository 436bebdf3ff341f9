// Loaded into the measured `maestro serve` process with `node --import`: every PROBE_MS it appends one
// JSON line to $MAESTRO_BENCH_PROBE with the process's memory and the event-loop delay of that interval.
// Plain JavaScript on purpose: the serve process runs the built bundle, without tsx.
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.MAESTRO_BENCH_PROBE;
const PROBE_MS = Number(process.env.MAESTRO_BENCH_PROBE_MS) || 500;

if (file) {
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // The histogram holds whole timer intervals; the lag is what exceeds the resolution.
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const sample = {
      at: Date.now(),
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      lagP50: ms(histogram.percentile(50)),
      lagP99: ms(histogram.percentile(99)),
      lagMax: ms(histogram.max),
    };
    histogram.reset();
    fs.appendFileSync(file, `${JSON.stringify(sample)}\n`);
  }, PROBE_MS);
  timer.unref();
}
