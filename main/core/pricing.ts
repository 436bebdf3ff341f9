// Estimated cost of tokens, per model family, in US dollars per million tokens (Anthropic list prices).
export interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const PRICES: Array<[RegExp, Price]> = [
  [/opus-4-[5-9]|opus-[5-9]/, { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 }],
  [/opus/, { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 }],
  [/sonnet/, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
  [/haiku-4|haiku-[5-9]/, { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 }],
  [/haiku/, { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 }],
];

export function priceOf(model: string): Price | undefined {
  return PRICES.find(([re]) => re.test(model))?.[1];
}

/** The estimated cost, or undefined when the model's price is unknown. */
export function costOf(
  model: string,
  u: { inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number },
): number | undefined {
  const p = priceOf(model);
  if (!p) return undefined;
  return (
    (u.inputTokens * p.input + u.outputTokens * p.output + (u.cacheReadTokens ?? 0) * p.cacheRead + (u.cacheWriteTokens ?? 0) * p.cacheWrite) /
    1_000_000
  );
}
