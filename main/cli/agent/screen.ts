// What the built-in agent prints in its terminal pane: the model's text as it streams, one header line
// per tool call, the output of a command as it runs, dimmed short results, and notices. Colour on a
// TTY unless NO_COLOR is set. A result cut for the pane is written whole to a file whose path is shown.

import { paint, type Style } from '../format';
import { stripControls } from '../terminal-safe';
import type { GrowingFile, OutputFiles } from './output-files';

/** Lines of a tool result shown under its header. */
export const RESULT_LINES = 6;
/** Characters of a command's output shown live in the pane; the rest goes to its file only. */
export const LIVE_MAX_CHARS = 2_000_000;
/** A command's output longer than this is also written to a file (the model sees a shortened form). */
export const SPILL_AFTER_CHARS = 30_000;

export class Screen {
  private atLineStart = true;
  private readonly color: boolean;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = process.stdout,
    color?: boolean,
    /** Where cut results are written whole; without it the pane only says how much was cut. */
    readonly files?: OutputFiles,
  ) {
    this.color = color ?? (!!out.isTTY && !process.env.NO_COLOR);
  }

  private paint(style: Style, s: string): string {
    return paint(style, s, this.color);
  }

  private get width(): number {
    return Math.max(40, (this.out.columns ?? 100) - 1);
  }

  private clip(s: string, width = this.width): string {
    return s.length > width ? `${s.slice(0, width - 1)}…` : s;
  }

  private write(s: string): void {
    if (!s) return;
    this.out.write(s);
    this.atLineStart = s.endsWith('\n');
  }

  /** Ends a line of streamed text, if one is open. */
  private newline(): void {
    if (!this.atLineStart) this.write('\n');
  }

  private line(s: string): void {
    this.newline();
    this.write(`${s}\n`);
  }

  banner(role: string, model: string, detail: string): void {
    this.line(`${this.paint('bold', `Maestro built-in agent · ${role}`)} ${this.paint('dim', `· ${model} · ${detail}`)}`);
  }

  /** A piece of the model's answer, as it arrives. */
  text(delta: string): void {
    this.write(delta);
  }

  /** The model finished a reply. */
  endReply(): void {
    this.newline();
  }

  toolCall(name: string, summary: string): void {
    const head = `${this.paint('cyan', '●')} ${this.paint('bold', name)}`;
    const rest = summary ? ` ${this.clip(summary.replace(/\s*\n\s*/g, ' ⏎ '), this.width - name.length - 3)}` : '';
    this.line(`${head}${rest}`);
  }

  /** The result of a call: its first lines, and where the whole text is when it is longer (`tool` names the file). */
  toolResult(text: string, isError: boolean, tool = 'result'): void {
    const lines = stripControls(text).replace(/\s+$/, '').split('\n');
    const style: Style = isError ? 'red' : 'dim';
    let shown = lines;
    if (lines.length > RESULT_LINES) {
      const more = lines.length - RESULT_LINES + 1;
      const file = this.files?.write(tool, text);
      shown = [...lines.slice(0, RESULT_LINES - 1), `… ${more} more lines${file ? ` · all of it: ${file}` : ''}`];
    }
    for (const [i, l] of shown.entries()) {
      // The path stays whole (a person copies it); other lines are clipped to the pane.
      this.line(this.paint(style, `  ${i === shown.length - 1 && shown !== lines ? l : this.clip(l, this.width - 2)}`));
    }
  }

  /** A piece of a running command's output, as it arrives: dimmed and indented under its call. */
  live(chunk: string): void {
    // Lone carriage returns (progress bars) start a new line: the pane keeps every state, not overwrites.
    const clean = stripControls(chunk.replace(/\r\n/g, '\n').replace(/\r/g, '\n'));
    const parts = clean.split('\n');
    parts.forEach((part, i) => {
      if (part) this.write(`${this.atLineStart ? '  ' : ''}${this.paint('dim', part)}`);
      if (i < parts.length - 1) this.write('\n');
    });
  }

  /** Shows a command's output as it runs, keeps all of it in a file when it is long (see LiveOutput). */
  liveOutput(tool: string): LiveOutput {
    return new LiveOutput(this, tool);
  }

  notice(message: string): void {
    this.line(this.paint('yellow', `! ${message}`));
  }

  error(message: string): void {
    this.line(this.paint('red', `✗ ${message}`));
  }

  success(message: string): void {
    this.line(this.paint('green', `✓ ${message}`));
  }

  info(message: string): void {
    this.line(this.paint('dim', message));
  }

  /** Plain lines (a plan summary, …), not clipped. */
  block(text: string): void {
    this.line(text);
  }
}

/**
 * A running command's output: shown live (up to LIVE_MAX_CHARS), and, once longer than
 * SPILL_AFTER_CHARS, written whole to a file of the session so nothing is out of reach.
 */
export class LiveOutput {
  private kept: string[] = [];
  private keptChars = 0;
  private shownChars = 0;
  private file?: GrowingFile;
  private spillFailed = false;
  /** Characters received in all. */
  total = 0;

  constructor(
    private readonly screen: Screen,
    private readonly tool: string,
  ) {}

  push(chunk: string): void {
    this.total += chunk.length;
    if (this.shownChars < LIVE_MAX_CHARS) {
      const part = chunk.slice(0, LIVE_MAX_CHARS - this.shownChars);
      this.screen.live(part);
      this.shownChars += part.length;
      if (this.shownChars >= LIVE_MAX_CHARS) this.screen.notice('the output goes on; the pane shows no more of it (all of it is in the file named below)');
    }
    if (this.file) this.file.append(chunk);
    else if (this.screen.files && !this.spillFailed) {
      this.kept.push(chunk);
      this.keptChars += chunk.length;
      if (this.keptChars > SPILL_AFTER_CHARS) {
        this.file = this.screen.files.open(this.tool);
        this.file?.append(this.kept.join(''));
        this.spillFailed = !this.file;
        this.kept = [];
        this.keptChars = 0;
      }
    }
  }

  /** Ends the output; returns the file that holds all of it, if one was needed. */
  finish(): string | undefined {
    this.kept = [];
    this.file?.close();
    return this.file?.path;
  }
}
