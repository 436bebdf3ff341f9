#!/usr/bin/env node
// The `maestro` entry. It loads only what a command needs: the report commands workers call most go
// through fast.ts (an HTTP client, no argument parser); everything else loads the full CLI, and `run`,
// `serve` and the data-dir fallbacks load the engine on top.
import { runFast } from './fast';

if (!(await runFast(process.argv.slice(2)))) {
  const { main } = await import('./program');
  await main();
}
