import { describe, expect, it } from 'vitest';
import { lastPlainLines, stripAnsi } from './ansi';

const ESC = '\x1b';

describe('stripAnsi', () => {
  it('removes CSI, OSC, DCS and two-byte escapes but keeps text, tabs and line breaks', () => {
    expect(stripAnsi(`${ESC}[1;31mred${ESC}[0m\tok\r\n`)).toBe('red\tok\r\n');
    expect(stripAnsi(`${ESC}]0;title\x07a${ESC}]8;;https://x.test${ESC}\\link${ESC}]8;;${ESC}\\b`)).toBe('alinkb');
    expect(stripAnsi(`${ESC}P1$r0m${ESC}\\x`)).toBe('x');
    expect(stripAnsi(`${ESC}(B${ESC}7${ESC}=y${ESC}[?1049h${ESC}[38;2;1;2;3mz`)).toBe('yz');
    expect(stripAnsi(`bell\x07 back\b nul\x00 c1\x9b2Jend`)).toBe('bell back nul c1end');
  });

  it('removes an escape sequence cut off at the end', () => {
    expect(stripAnsi(`text${ESC}[38;5`)).toBe('text');
    expect(stripAnsi(`text${ESC}`)).toBe('text');
    expect(stripAnsi(`text${ESC}]0;unfinished title`)).toBe('text');
  });
});

describe('lastPlainLines', () => {
  it('returns the last n non-empty lines, trimmed at the end', () => {
    expect(lastPlainLines('a\r\n\r\n  b  \r\n\n   \nc\n', 2)).toEqual(['  b', 'c']);
    expect(lastPlainLines('a\nb', 5)).toEqual(['a', 'b']);
    expect(lastPlainLines('', 3)).toEqual([]);
  });

  it('keeps what was written after a carriage return', () => {
    expect(lastPlainLines('step 1%\rstep 50%\rstep 100%\r\nnext\r', 2)).toEqual(['step 100%', 'next']);
  });

  it('rejects a bad count', () => {
    expect(() => lastPlainLines('x', -1)).toThrow(RangeError);
    expect(() => lastPlainLines('x', 1.5)).toThrow(RangeError);
  });
});
