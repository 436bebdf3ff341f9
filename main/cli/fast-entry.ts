// `dist/cli/maestro.cjs`: the entry the session launcher runs. One CommonJS file (no ESM loader, no
// chunks to resolve) holding only the report commands workers call most (fast.ts) and their HTTP client
// over node:net (http-post.ts); it exits as soon as the answer is printed (stdout to a pipe or a file is
// written synchronously on Linux and macOS). Any other command loads the full CLI (`maestro.js`, ESM),
// which parses it with its help and its errors. Keep what this file imports small: every module it
// loads is paid by every report a worker sends.
import { runFast } from './fast';

async function start(): Promise<void> {
  if (await runFast(process.argv.slice(2))) {
    process.exit();
  }
  const { pathToFileURL } = await import('node:url');
  const { join } = await import('node:path');
  await import(pathToFileURL(join(__dirname, 'maestro.js')).href);
}

void start();
