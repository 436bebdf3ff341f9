// Quoting values that come from outside (plans, agents, command-line arguments) in error messages:
// a value is shown, but never more than a line of it.

/** The first `max` characters of `s`, then "…(N more)" when it is longer. */
export function shorten(s: string, max = 80): string {
  if (s.length <= max) return s;
  let cut = max;
  // Do not split a surrogate pair.
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…(${s.length - cut} more)`;
}

/** `"value"`, shortened as `shorten` does: for values quoted in errors. */
export function quote(value: unknown, max = 80): string {
  return `"${shorten(String(value), max)}"`;
}
