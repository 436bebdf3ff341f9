// What the built-in agent prints in its terminal pane: the model's text as it streams, one header line
// per tool call, dimmed short results, and notices. Colour on a TTY unless NO_COLOR is set.

import { paint, type Style } from '../format';

/** Lines of a tool result shown under its header. */
const RESULT_LINES = 6;

export class Screen {
  private atLineStart = true;
  private readonly color: boolean;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = process.stdout,
    color?: boolean,
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

  toolResult(text: string, isError: boolean): void {
    const lines = text.replace(/\s+$/, '').split('\n');
    const shown = lines.length > RESULT_LINES ? [...lines.slice(0, RESULT_LINES - 1), `… ${lines.length - RESULT_LINES + 1} more lines`] : lines;
    const style: Style = isError ? 'red' : 'dim';
    for (const l of shown) this.line(this.paint(style, `  ${this.clip(l, this.width - 2)}`));
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
