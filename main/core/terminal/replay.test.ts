import headless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { HISTORY_RESTORED_MARKER, ScreenMirror } from './replay';

type Term = InstanceType<typeof headless.Terminal>;

function freshTerminal(cols: number, rows: number, scrollback: number): Term {
  return new headless.Terminal({ cols, rows, scrollback, allowProposedApi: true });
}

function write(term: Term, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

function lines(term: Term): string[] {
  const buffer = term.buffer.active;
  const out: string[] = [];
  for (let i = 0; i < buffer.length; i++) out.push(buffer.getLine(i)?.translateToString(true) ?? '');
  return out;
}

const ESC = '\x1b';

describe('ScreenMirror', () => {
  it('serializes screen and scrollback so that a fresh terminal shows the same lines and colours', async () => {
    const mirror = new ScreenMirror({ cols: 40, rows: 10, scrollback: 100 });
    const original = freshTerminal(40, 10, 100);
    let output = '';
    for (let i = 0; i < 30; i++) {
      output += `${ESC}[3${i % 8}mline ${i}${ESC}[0m plain ${ESC}[1mbold${ESC}[22m\r\n`;
    }
    output += `${ESC}[44mprompt>${ESC}[0m `;
    mirror.write(output);
    await write(original, output);

    const serialized = await mirror.serialize();
    const restored = freshTerminal(40, 10, 100);
    await write(restored, serialized);

    expect(lines(restored)).toEqual(lines(original));
    expect(lines(restored)).toContain('line 0 plain bold');
    const cell = (t: Term, y: number, x: number) => t.buffer.active.getLine(y)?.getCell(x);
    for (const y of [3, 29]) {
      expect(cell(restored, y, 0)?.getFgColor()).toBe(cell(original, y, 0)?.getFgColor());
      expect(cell(restored, y, 0)?.isFgPalette()).toBe(cell(original, y, 0)?.isFgPalette());
    }
    const promptRow = restored.buffer.active.baseY + restored.buffer.active.cursorY;
    expect(cell(restored, promptRow, 0)?.getBgColor()).toBe(4);
    expect(restored.buffer.active.cursorX).toBe(original.buffer.active.cursorX);
    mirror.dispose();
    original.dispose();
    restored.dispose();
  });

  it('keeps the scrollback bounded', async () => {
    const mirror = new ScreenMirror({ cols: 20, rows: 5, scrollback: 10 });
    for (let i = 0; i < 200; i++) mirror.write(`row ${i}\r\n`);
    const serialized = await mirror.serialize();
    const restored = freshTerminal(20, 5, 1_000);
    await write(restored, serialized);
    const shown = lines(restored).filter((l) => l.length > 0);
    expect(shown.length).toBeLessThanOrEqual(15);
    expect(shown).toContain('row 199');
    expect(shown).not.toContain('row 0');
    mirror.dispose();
    restored.dispose();
  });

  it('follows resizes', async () => {
    const mirror = new ScreenMirror({ cols: 20, rows: 5, scrollback: 10 });
    mirror.resize(60, 5);
    mirror.write('x'.repeat(50));
    const restored = freshTerminal(60, 5, 10);
    await write(restored, await mirror.serialize());
    expect(lines(restored)[0]).toBe('x'.repeat(50));
    mirror.dispose();
    restored.dispose();
  });

  it('releases a pending serialize() on dispose and rejects use after dispose', async () => {
    const mirror = new ScreenMirror({ cols: 20, rows: 5, scrollback: 10 });
    mirror.write('y'.repeat(100_000));
    const pending = mirror.serialize();
    mirror.dispose();
    await expect(pending).rejects.toThrow(/disposed/);
    await expect(mirror.serialize()).rejects.toThrow(/dispose/);
    mirror.write('ignored');
  });

  it('rejects bad dimensions', () => {
    expect(() => new ScreenMirror({ cols: 0, rows: 5, scrollback: 10 })).toThrow(/cols/);
    expect(() => new ScreenMirror({ cols: 10, rows: 5, scrollback: -1 })).toThrow(/scrollback/);
  });

  it('has a dim, visible history marker', async () => {
    const term = freshTerminal(40, 5, 0);
    await write(term, HISTORY_RESTORED_MARKER);
    expect(lines(term).join('\n')).toContain('history restored');
    expect(HISTORY_RESTORED_MARKER).toContain(`${ESC}[2m`);
    term.dispose();
  });
});
