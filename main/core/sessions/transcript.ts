// Token usage from a Claude Code transcript (JSON lines; each assistant message carries `message.usage`
// and `message.model`). A cursor reads what was appended since its last read, so nothing counts twice.
import fs from 'node:fs';

export interface TranscriptUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

interface Usage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/** The largest read at once (a transcript grows by a turn between reads). */
const MAX_READ = 64 * 1024 * 1024;

export class TranscriptCursor {
  private offset = 0;
  /** Message ids already counted: one reply is written as several lines (one per content block). */
  private readonly counted = new Set<string>();

  constructor(readonly path: string) {}

  /**
   * The usage of the assistant messages completed since the last read, summed per model. Only whole
   * lines are read; a line still being written waits for the next read.
   */
  read(): TranscriptUsage[] {
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch {
      return [];
    }
    let text: string;
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) this.offset = 0; // rewritten: start over (ids already counted stay counted)
      const length = Math.min(size - this.offset, MAX_READ);
      if (length <= 0) return [];
      const buf = Buffer.alloc(length);
      const n = fs.readSync(fd, buf, 0, length, this.offset);
      const end = buf.subarray(0, n).lastIndexOf(0x0a);
      if (end < 0) return [];
      text = buf.subarray(0, end).toString('utf8');
      this.offset += end + 1;
    } finally {
      fs.closeSync(fd);
    }
    // Per message id the largest figures (a streamed reply's later lines carry its final output count).
    const byMessage = new Map<string, TranscriptUsage>();
    let anonymous = 0;
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry) continue;
      const key = entry.id ?? `#${this.offset}:${anonymous++}`;
      if (this.counted.has(key)) continue;
      const prev = byMessage.get(key);
      byMessage.set(key, prev ? maxOf(prev, entry.usage) : entry.usage);
    }
    const perModel = new Map<string, TranscriptUsage>();
    for (const [key, u] of byMessage) {
      this.counted.add(key);
      const sum = perModel.get(u.model);
      perModel.set(u.model, sum ? addTo(sum, u) : { ...u });
    }
    return [...perModel.values()].filter((u) => u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens > 0);
  }
}

function parseLine(line: string): { id?: string; usage: TranscriptUsage } | undefined {
  if (!line.includes('"usage"')) return undefined;
  let entry: { type?: unknown; message?: { id?: unknown; model?: unknown; usage?: Usage } };
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  const m = entry?.message;
  if (entry?.type !== 'assistant' || !m || typeof m !== 'object' || !m.usage || typeof m.model !== 'string') return undefined;
  // Claude Code writes `<synthetic>` messages of its own (errors, interruptions): no API call behind them.
  if (!m.model || m.model.startsWith('<')) return undefined;
  const u = m.usage;
  return {
    id: typeof m.id === 'string' ? m.id : undefined,
    usage: {
      model: m.model,
      inputTokens: count(u.input_tokens),
      outputTokens: count(u.output_tokens),
      cacheReadTokens: count(u.cache_read_input_tokens),
      cacheWriteTokens: count(u.cache_creation_input_tokens),
    },
  };
}

function maxOf(a: TranscriptUsage, b: TranscriptUsage): TranscriptUsage {
  return {
    model: a.model,
    inputTokens: Math.max(a.inputTokens, b.inputTokens),
    outputTokens: Math.max(a.outputTokens, b.outputTokens),
    cacheReadTokens: Math.max(a.cacheReadTokens, b.cacheReadTokens),
    cacheWriteTokens: Math.max(a.cacheWriteTokens, b.cacheWriteTokens),
  };
}

function addTo(sum: TranscriptUsage, u: TranscriptUsage): TranscriptUsage {
  sum.inputTokens += u.inputTokens;
  sum.outputTokens += u.outputTokens;
  sum.cacheReadTokens += u.cacheReadTokens;
  sum.cacheWriteTokens += u.cacheWriteTokens;
  return sum;
}
