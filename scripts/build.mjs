// Builds the Node-side bundles with esbuild: the CLI (the launcher's CommonJS entry for the report
// commands, then the ESM entry with lazy chunks), the Electron
// main process and the preload. The renderer is built by Vite (`vite build`).
// Usage: node scripts/build.mjs [cli] [electron]   (no argument: all)
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const targets = new Set(process.argv.slice(2));
const all = targets.size === 0;
// CJS packages inside an ESM bundle need `require`.
const banner = { js: "import { createRequire as __maestroCreateRequire } from 'node:module'; const require = __maestroCreateRequire(import.meta.url);" };
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  define: { __MAESTRO_VERSION__: JSON.stringify(version) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['node-pty', 'electron', 'bufferutil', 'utf-8-validate'],
};

if (all || targets.has('cli')) {
  const result = await build({
    ...common,
    entryPoints: { maestro: 'main/cli/index.ts' },
    outdir: 'dist/cli',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.js' },
    banner,
    metafile: true,
  });
  // The launcher's entry: the report commands as one CommonJS file, falling back to maestro.js (fast-entry.ts).
  const fast = await build({
    ...common,
    entryPoints: { maestro: 'main/cli/fast-entry.ts' },
    outfile: 'dist/cli/maestro.cjs',
    format: 'cjs',
    sourcemap: false,
    metafile: true,
  });
  // Remove chunks of earlier builds only after the new ones are written: a CLI running meanwhile keeps working.
  const keep = new Set([...Object.keys(result.metafile.outputs), ...Object.keys(fast.metafile.outputs)].map((f) => path.resolve(f)));
  for (const dir of ['dist/cli', 'dist/cli/chunks']) {
    for (const name of readdirSync(dir)) {
      const f = path.resolve(dir, name);
      if (name !== 'chunks' && !keep.has(f)) rmSync(f, { force: true });
    }
  }
}

if (all || targets.has('electron')) {
  await build({ ...common, entryPoints: { main: 'main/electron/main.ts' }, outdir: 'dist/electron', format: 'esm', banner });
  // A sandboxed preload must be one CommonJS file.
  await build({ ...common, entryPoints: { preload: 'preload/index.ts' }, outfile: 'dist/preload/preload.cjs', format: 'cjs', platform: 'node' });
}
