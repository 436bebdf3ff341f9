// Builds the renderer (React) into dist/renderer. `base: './'` keeps every asset URL relative, so the
// same build loads from Electron's custom protocol, from file:// and from the browser-mode server.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The dev server injects inline scripts (React Fast Refresh), which the production CSP forbids.
 * In `vite` (serve) only, drop the CSP meta; builds keep it.
 */
function relaxCspInDev(): Plugin {
  return {
    name: 'maestro:relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

// `MAESTRO_DEV_SERVER=http://127.0.0.1:PORT npx vite` proxies /ws to a running browser-mode server.
const devServer = process.env.MAESTRO_DEV_SERVER;

export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react(), relaxCspInDev()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: devServer ? { '/ws': { target: devServer, ws: true } } : undefined,
  },
});
