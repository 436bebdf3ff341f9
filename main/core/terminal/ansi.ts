// Turning raw terminal output into plain text for logs and error reports.

// One alternation, applied left to right:
//  - OSC  ESC ] … (BEL | ESC \)            window titles, hyperlinks, shell integration
//  - DCS/SOS/PM/APC  ESC P|X|^|_ … ESC \   device control strings
//  - CSI  ESC [ or 0x9B, params, intermediates, final byte
//  - a CSI or lone ESC cut off at the end of the text
//  - charset designation ESC ( B and friends, other two-byte escapes (ESC 7, ESC =, ESC M, …)
const ANSI_PATTERN = new RegExp(
  [
    '\\x1b\\][^\\x07\\x1b]*(?:\\x07|\\x1b\\\\|$)',
    '\\x1b[PX^_][\\s\\S]*?(?:\\x1b\\\\|$)',
    '(?:\\x1b\\[|\\x9b)[0-?]*[ -/]*[@-~]',
    '\\x1b(?:\\[[0-?]*[ -/]*)?$',
    '\\x1b[ -/]+[0-~]',
    '\\x1b[0-~]',
  ].join('|'),
  'g',
);

// C0 controls other than \t \n \r, DEL, and C1 controls.
const CONTROL_PATTERN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

/** Removes escape sequences and control characters (keeps tabs, newlines and carriage returns). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '').replace(CONTROL_PATTERN, '');
}

/**
 * The last `n` non-empty lines of `text` as a reader would see them: escape sequences removed, and
 * a carriage return inside a line (progress bars, spinners) keeps only what was written after it.
 */
export function lastPlainLines(text: string, n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`line count must be a non-negative integer, got ${String(n)}`);
  if (n === 0) return [];
  const lines: string[] = [];
  const raw = stripAnsi(text).split(/\r*\n/);
  for (let i = raw.length - 1; i >= 0 && lines.length < n; i--) {
    const segments = raw[i].split('\r');
    // "50%\r100%" shows "100%"; a trailing "\r" alone does not blank the line.
    let visible = '';
    for (let j = segments.length - 1; j >= 0; j--) {
      if (segments[j].trim()) {
        visible = segments[j];
        break;
      }
    }
    visible = visible.trimEnd();
    if (visible.trim()) lines.push(visible);
  }
  return lines.reverse();
}
