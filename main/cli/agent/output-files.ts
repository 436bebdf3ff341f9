// Where the full text of long tool results goes, so the pane can show a part and still say where the
// rest is: `<session dir>/tool-output/NNN-<tool>.txt` inside a Maestro session, a folder of its own
// under the OS temp dir otherwise. Files are made only for results that are cut somewhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class OutputFiles {
  private count = 0;
  private made = false;

  constructor(readonly dir: string) {}

  /** Next free file name for a tool's output; the folder is made on first use. */
  private next(tool: string): string {
    if (!this.made) {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.made = true;
    }
    this.count++;
    const safe = tool.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'tool';
    return path.join(this.dir, `${String(this.count).padStart(3, '0')}-${safe}.txt`);
  }

  /** Writes a whole text; returns its path, or undefined when it cannot be written. */
  write(tool: string, text: string): string | undefined {
    try {
      const file = this.next(tool);
      fs.writeFileSync(file, text, { mode: 0o600 });
      return file;
    } catch {
      return undefined;
    }
  }

  /** A file that grows as output arrives; undefined when it cannot be made. */
  open(tool: string): GrowingFile | undefined {
    try {
      const file = this.next(tool);
      return new GrowingFile(file, fs.openSync(file, 'w', 0o600));
    } catch {
      return undefined;
    }
  }
}

export class GrowingFile {
  private closed = false;

  constructor(
    readonly path: string,
    private fd: number,
  ) {}

  append(text: string): void {
    if (this.closed) return;
    try {
      fs.writeSync(this.fd, text);
    } catch {
      this.close(); // a full disk: what was written stays, the pane says where
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/**
 * The folder for a session's tool output: next to its prompt file when that is the session's own
 * folder (Maestro starts the agent with `--prompt-file <data dir>/sessions/<id>/prompt.md`), else a
 * fresh folder under the temp dir, so a manual run never writes next to the user's files.
 */
export function outputDirFor(promptFile: string | undefined, sessionId: string | undefined): string {
  if (promptFile && sessionId) {
    const dir = path.dirname(path.resolve(promptFile));
    if (path.basename(dir) === sessionId) return path.join(dir, 'tool-output');
  }
  return path.join(os.tmpdir(), `maestro-agent-${process.pid}-${Date.now().toString(36)}`);
}
