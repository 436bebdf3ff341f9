import { describe, expect, it } from 'vitest';
import { cleanLine, stripControls, terminalJson } from './terminal-safe';

// Anything a terminal could act on: C0 but \n and \t, DEL, C1 (ESC among the C0 controls).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('stripControls', () => {
  it.each([
    ['OSC 0 (window title) ended by BEL', 'a\x1b]0;pwned\x07b', 'ab'],
    ['OSC 52 (clipboard) ended by ST', 'a\x1b]52;c;cHduZWQ=\x1b\\b', 'ab'],
    ['OSC 8 hyperlink around text', '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['8-bit OSC ended by 8-bit ST', 'a\x9d0;pwned\x9cb', 'ab'],
    ['CSI colours', '\x1b[1;31mred\x1b[0m', 'red'],
    ['CSI clear screen and home', 'a\x1b[2J\x1b[Hb', 'ab'],
    ['CSI private mode (alternate screen)', 'a\x1b[?1049hb', 'ab'],
    ['CSI with intermediates', 'a\x1b[0 qb', 'ab'],
    ['8-bit CSI', 'a\x9b2Jb', 'ab'],
    ['DCS (sixel)', 'a\x1bPq#0;2;0;0;0#0~~\x1b\\b', 'ab'],
    ['8-bit DCS', 'a\x90$qm\x9cb', 'ab'],
    ['APC (kitty graphics)', 'a\x1b_Gf=100;AAAA\x1b\\b', 'ab'],
    ['PM', 'a\x1b^private\x1b\\b', 'ab'],
    ['SOS', 'a\x1bXstring\x1b\\b', 'ab'],
    ['ESC c (full reset)', 'a\x1bcb', 'ab'],
    ['ESC ( B (charset)', 'a\x1b(Bb', 'ab'],
    ['ESC 7 / ESC 8 (save and restore the cursor)', 'a\x1b7b\x1b8', 'ab'],
    ['a lone ESC at the end', 'ab\x1b', 'ab'],
    ['an unterminated OSC: its introducer goes, its text stays harmless', 'a\x1b]0;title', 'a0;title'],
    ['an unterminated CSI', 'a\x1b[12', 'a12'],
    ['BEL, backspace, carriage return, NUL, vertical tab, form feed', 'a\x07\x08\r\x00\x0b\x0cb', 'ab'],
    ['DEL and a C1 control (NEL)', 'a\x7f\x85b', 'ab'],
    ['newlines and tabs stay', 'line 1\n\tline 2', 'line 1\n\tline 2'],
    ['text without controls is unchanged', 'plain ✓ ü 日本 😀 — "quoted"', 'plain ✓ ü 日本 😀 — "quoted"'],
    ['a sequence hidden inside another', 'a\x1b]0;\x1b[31mx\x07b', 'a0;xb'],
  ])('%s', (_what, input, expected) => {
    expect(stripControls(input)).toBe(expected);
  });

  it('leaves no control character in any mix of sequences and text', () => {
    // A fixed pseudo-random sequence (same every run) over an alphabet of sequence pieces.
    const pieces = ['\x1b', '[', ']', 'P', '_', '^', 'X', '\\', '\x07', '\x9b', '\x9c', '\x9d', '\x90', '0', ';', 'm', '?', ' ', 'a', '\n', '\r', '\x85', 'ü'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const len = next() % 40;
      for (let i = 0; i < len; i++) s += pieces[next() % pieces.length];
      const out = stripControls(s);
      expect(out, JSON.stringify(s)).not.toMatch(CONTROL);
    }
  });

  it('cleans megabytes of hostile text (many introducers, no terminators)', () => {
    for (const unit of ['x\x90', '\x1b]0;', '\x1b[1', '\x9d;']) {
      const s = unit.repeat(500_000);
      expect(stripControls(s)).not.toMatch(CONTROL);
    }
  });
});

describe('cleanLine', () => {
  it('also turns newlines and tabs into spaces', () => {
    expect(cleanLine('one\ntwo\tthree\x1b[2K\r')).toBe('one two three');
  });
});

describe('terminalJson', () => {
  it('is the same JSON value, with C1 controls and DEL escaped', () => {
    const v = { message: 'a\x9b2J\x1b]0;x\x07\x7f ü', n: [1, null] };
    const text = terminalJson(v);
    expect(JSON.parse(text)).toEqual(v);
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain('\\u009b2J');
    expect(text).toContain('\\u001b]0;x\\u0007');
    expect(text).toBe(JSON.stringify(v, null, 2).replace('\x9b', '\\u009b').replace('\x7f', '\\u007f'));
  });
});
