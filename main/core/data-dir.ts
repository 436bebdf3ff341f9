// A data dir that cannot be written (read-only, full, not ours): one error that says where and why in
// words a person acts on, and a check that a write works before anything starts.
import fs from 'node:fs';
import path from 'node:path';

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
};

/** A write to the data dir failed: the message says where and why, for people (no stack needed). */
export class DataDirError extends Error {
  readonly code: string | undefined;
  constructor(dataDir: string, what: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const why = code ? `${ERRNO_TEXT[code] ?? (cause as Error).message} (${code})` : (cause as Error)?.message ?? String(cause);
    super(`cannot write to the data dir ${dataDir} (${what}): ${why}`);
    this.name = 'DataDirError';
    this.code = code;
  }
}

/** Throws a DataDirError unless a file can be created, written, synced and removed in `dataDir`. */
export function assertWritable(dataDir: string): void {
  const probe = path.join(dataDir, `.write-probe-${process.pid}`);
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const fd = fs.openSync(probe, 'w', 0o600);
    try {
      fs.writeSync(fd, 'maestro');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.unlinkSync(probe);
  } catch (err) {
    try {
      fs.unlinkSync(probe);
    } catch {
      // never created
    }
    throw new DataDirError(dataDir, 'checking it is writable', err);
  }
}
