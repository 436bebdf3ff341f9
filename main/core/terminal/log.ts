// Reading session logs (append-only files of raw terminal output).
import fs from 'node:fs/promises';

/**
 * The last `maxBytes` bytes of a session log, decoded as UTF-8 without a broken character at either end
 * (the cut may land inside a character, and the writer may be mid-character at the end). When the log
 * was cut, the text starts at a line start (see `startAtLine`). Returns '' when the log does not exist.
 */
export async function readLogTail(logPath: string, maxBytes: number): Promise<string> {
  if (typeof logPath !== 'string' || logPath.length === 0) throw new TypeError('readLogTail: logPath must be a non-empty string');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`readLogTail: maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(logPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    if (length === 0) return '';
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, size - length + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const cut = size - length > 0;
    const text = utf8Slice(buffer.subarray(0, read), cut);
    return cut ? startAtLine(text) : text;
  } finally {
    await handle.close();
  }
}

/** How far into a cut text a line start is looked for; beyond that the text is kept as it is. */
const LINE_SEARCH_CHARS = 4096;

/**
 * Output cut from a longer stream starts mid-line, maybe inside an escape sequence, which a terminal
 * replaying it would show as garbage: start after the first line break instead, when there is one near
 * the start (a full-screen program may write no line breaks at all; then the text is kept whole).
 */
export function startAtLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline >= 0 && newline < LINE_SEARCH_CHARS ? text.slice(newline + 1) : text;
}

/** Decodes `bytes`, skipping continuation bytes at the start (if it was cut) and an unfinished character at the end. */
export function utf8Slice(bytes: Buffer, cutAtStart: boolean): string {
  let start = 0;
  if (cutAtStart) {
    while (start < bytes.length && start < 3 && isContinuation(bytes[start])) start++;
  }
  let end = bytes.length;
  // Look back at most 3 bytes for the lead byte of the last character and check it is complete.
  for (let i = end - 1; i >= Math.max(start, end - 4); i--) {
    const byte = bytes[i];
    if (isContinuation(byte)) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (end - i < needed) end = i;
    break;
  }
  return bytes.toString('utf8', start, end);
}

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}
