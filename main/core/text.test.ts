import { describe, expect, it } from 'vitest';
import { quote, shorten } from './text';

describe('shorten and quote', () => {
  it('keeps short values whole', () => {
    expect(shorten('abc')).toBe('abc');
    expect(quote('g1')).toBe('"g1"');
    expect(quote('x'.repeat(80))).toBe(`"${'x'.repeat(80)}"`);
  });

  it('cuts long values and says how much is left out', () => {
    expect(quote('x'.repeat(10_000_000))).toBe(`"${'x'.repeat(80)}…(9999920 more)"`);
    expect(shorten('abcdef', 4)).toBe('abcd…(2 more)');
  });

  it('does not split a character outside the BMP', () => {
    const s = `${'x'.repeat(79)}😀yz`;
    expect(shorten(s)).toBe(`${'x'.repeat(79)}…(4 more)`);
  });
});
