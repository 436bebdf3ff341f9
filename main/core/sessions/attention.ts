// "Needs input" from the terminal, for agents that give no signal of their own: a running session
// that went quiet right after output whose last line reads like a question to a person.

/** How long a session must stay quiet after a prompt-like line before it is flagged. */
export const PROMPT_QUIET_MS = 3_000;

/** How each agent tells Maestro it waits for a person. */
export type AttentionMode =
  /** The agent signals it itself (Claude Code's hooks call `maestro session attention`). */
  | 'agent'
  /** Maestro guesses from the terminal: quiet after a prompt-like last line. */
  | 'terminal'
  /** The agent never waits for a person (the built-in agent). */
  | 'none';

const PROMPT_ENDINGS: RegExp[] = [
  /\[\s*y(?:es)?\s*\/\s*n(?:o)?\s*\]\s*[:?]?$/i, // [y/N], [Y/n], [yes/no]
  /\(\s*y(?:es)?\s*\/\s*n(?:o)?\s*\)\s*[:?]?$/i, // (y/n)
  /press (?:enter|return|any key)\b.*$/i,
  /\b(?:password|passphrase|username|login)\b[^\n]*:$/i,
  /[?:>]$/, // "Continue?", "Name:", "> "
];

/** Whether a terminal line (escape sequences already stripped) reads like a prompt waiting for an answer. */
export function looksLikePrompt(line: string | undefined): boolean {
  const text = (line ?? '').trim();
  if (!text || text.length > 300) return false;
  // A drive letter or a bare scheme is no question ("C:", "http:").
  if (/^(?:[a-z]|https?|file):$/i.test(text)) return false;
  return PROMPT_ENDINGS.some((re) => re.test(text));
}

/** Whether input typed into a pane is a person's answer (not only the terminal's own replies: focus, cursor reports). */
export function isTypedInput(data: string): boolean {
  const withoutReplies = data.replace(/\x1b\[(?:I|O|\??[\d;]*[Rcn]|<[\d;]*[mM])/g, '');
  return withoutReplies.length > 0;
}
