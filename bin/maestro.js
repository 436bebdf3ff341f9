#!/usr/bin/env node
// `npx maestro` from the repo: runs the bundled CLI (built by `npm install` / `npm run build:cli`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/maestro.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('maestro: the CLI is not built yet; run `npm run build:cli` (npm install does it too)\n');
  process.exit(1);
}
await import(bundle);
