// Text that others wrote (agents' titles, log messages, summaries, reasons, plans; server errors that
// quote them) is printed to the user's terminal only without control sequences. An agent could
// otherwise set the window title (OSC 0), write the clipboard (OSC 52), move the cursor or clear the
// screen (CSI), or hide text. The CLI's own colours are added after cleaning, so they stay.

// String sequences: OSC, DCS, SOS, PM, APC (ESC form or 8-bit form) up to BEL or ST. The body stops at
// any other introducer too, which keeps the scan linear on hostile input.
const STRING_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9b\x9c\x9d\x9e\x9f]*(?:\x07|\x1b\\|\x9c)/g;
// CSI: parameters, intermediates, one final byte (ESC [ or the 8-bit 0x9b).
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;
// Any other escape: ESC, intermediates, one final byte (e.g. ESC c resets the terminal).
const ESCAPE = /\x1b[\x20-\x2f]*[\x30-\x7e]/g;
// What is left: C0 controls but tab and newline, DEL, C1 controls (a lone ESC among them).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** `s` without terminal control sequences or control characters; newlines and tabs stay. */
export function stripControls(s: string): string {
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(s)) return s;
  return s.replace(STRING_SEQUENCE, '').replace(CSI, '').replace(ESCAPE, '').replace(CONTROL, '');
}

/** `stripControls` for one-line places (a tree line, a progress line): newlines and tabs become spaces. */
export function cleanLine(s: string): string {
  return stripControls(s).replace(/[\n\t]/g, ' ');
}

/**
 * JSON for the terminal: exactly JSON.stringify's value, with DEL and the C1 controls (which
 * JSON.stringify leaves raw, and some terminals obey) written as \u escapes. Below 0x20 JSON.stringify
 * escapes already.
 */
export function terminalJson(v: unknown): string {
  return (JSON.stringify(v, null, 2) ?? 'null').replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
