// `dist/cli/maestro.cjs`: the entry the session launcher runs. One CommonJS file (no ESM loader, no
// chunks to resolve) holding only the report commands workers call most (fast.ts); it exits as soon as
// the answer is printed (stdout to a pipe or a file is written synchronously on Linux and macOS). Any
// other command loads the full CLI (`maestro.js`, ESM), which parses it with its help and its errors.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runFast } from './fast';

async function start(): Promise<void> {
  if (await runFast(process.argv.slice(2))) {
    process.exit();
  }
  await import(pathToFileURL(path.join(__dirname, 'maestro.js')).href);
}

void start();
