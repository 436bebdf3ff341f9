// Loaded into a blank page after @xterm/xterm's UMD build: xterm.js parsing and rendering a stream that
// is generated in the page, without Maestro's pipeline. Plain browser JavaScript, untouched by any build.
window.benchXtermAlone = async function benchXtermAlone({ line, bytes, cols, rows, options, asBytes }) {
  const host = document.getElementById('term');
  const term = new window.Terminal({ cols, rows, ...options });
  term.open(host);
  const unit = `${line}\r\n`;
  const text = unit.repeat(Math.max(1, Math.floor((64 * 1024) / unit.length)));
  // As the app's pane gets it (UTF-8 bytes in a Uint8Array), or as a JS string.
  const chunk = asBytes ? new TextEncoder().encode(text) : text;
  const total = Math.floor(bytes / (line.length + 1)) * unit.length;
  const started = performance.now();
  await new Promise((resolve) => {
    let sent = 0;
    let parsed = 0;
    // At most 1 MiB queued, 64 KiB per write: xterm's own advice for feeding it.
    const pump = () => {
      while (sent < total && sent - parsed < 1024 * 1024) {
        const piece = sent + chunk.length <= total ? chunk : chunk.slice(0, total - sent);
        sent += piece.length;
        term.write(piece, () => {
          parsed += piece.length;
          if (parsed >= total) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const ms = performance.now() - started;
  term.dispose();
  return { chars: total, ms };
};
