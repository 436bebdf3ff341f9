import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tmpDir, waitFor } from '../../../test/helpers';
import type { PtyExit } from './pty';
import { TerminalProcess, batchWindowMs, type TerminalProcessOptions } from './terminal-process';
import { RecordingBackend, shArgs, testEnv } from './test-support';

const live: TerminalProcess[] = [];
afterEach(async () => {
  for (const s of live.splice(0)) {
    if (!s.exited) {
      s.kill('SIGKILL');
      await exitOf(s);
    }
  }
});

function exitOf(s: TerminalProcess): Promise<PtyExit> {
  return new Promise((resolve) => s.onExit(resolve));
}

interface Started {
  session: TerminalProcess;
  backend: RecordingBackend;
  batches: string[];
  exit: Promise<PtyExit>;
  output(): string;
}

function start(script: string, opts: Partial<TerminalProcessOptions> & { positional?: string[]; split?: number } = {}): Started {
  const { positional = [], split = 0, ...rest } = opts;
  const backend = (rest.backend as RecordingBackend | undefined) ?? new RecordingBackend(undefined, split);
  const session = new TerminalProcess({
    file: '/bin/sh',
    args: shArgs(script, ...positional),
    spawn: { cwd: '/tmp', env: testEnv() },
    logPath: path.join(tmpDir('maestro-term-'), 'session.log'),
    ...rest,
    backend,
  });
  live.push(session);
  const batches: string[] = [];
  session.onData((b) => batches.push(b));
  return { session, backend, batches, exit: exitOf(session), output: () => batches.join('') };
}

// 2 000 separate write(2) calls of a 100-char line (printf is a shell builtin).
const LINE = 'abcdefghij'.repeat(10);
const MANY_WRITES = `i=0; while [ $i -lt 2000 ]; do printf '%s\\n' "${LINE}"; i=$((i+1)); done`;
const MANY_WRITES_OUTPUT = `${LINE}\r\n`.repeat(2000);

describe('TerminalProcess batching', () => {
  it('coalesces a storm of small chunks into far fewer batches, losing and reordering nothing', async () => {
    // Every real chunk is handed to the session one char at a time: 204 000 synchronous chunks.
    const t = start(MANY_WRITES, { split: 1, flowControl: false });
    await t.exit;
    const proc = t.backend.last;
    expect(t.output()).toBe(MANY_WRITES_OUTPUT);
    expect(proc.deliveredChunks).toBe(MANY_WRITES_OUTPUT.length);
    // The pieces of one real chunk arrive in one tick, so only a size flush (every 64 KiB) can put them into
    // two batches: there are at most that many more batches than real reads, and far fewer than chunks.
    const sizeFlushes = Math.ceil(MANY_WRITES_OUTPUT.length / (64 * 1024));
    expect(t.batches.length).toBeLessThanOrEqual(proc.realChunks.length + sizeFlushes);
    expect(t.batches.length * 10).toBeLessThan(proc.deliveredChunks);
  });

  it('waits a frame between batches while output streams, and batchMs after small output', () => {
    const t = { batchMs: 5, streamBatchMs: 16, streamChars: 16_384 };
    expect(batchWindowMs(0, t)).toBe(5); // nothing sent yet
    expect(batchWindowMs(3, t)).toBe(5); // a keystroke's echo
    expect(batchWindowMs(16_383, t)).toBe(5);
    expect(batchWindowMs(16_384, t)).toBe(16); // a stream
    expect(batchWindowMs(262_144, t)).toBe(16);
    expect(batchWindowMs(262_144, { ...t, streamBatchMs: 1 })).toBe(5); // never shorter than batchMs
  });

  it('flushes early once a batch reaches batchBytes', async () => {
    const t = start(MANY_WRITES, { split: 16, flowControl: false, batchBytes: 1_000, batchMs: 1_000 });
    await t.exit;
    expect(t.output()).toBe(MANY_WRITES_OUTPUT);
    expect(t.batches.length).toBeGreaterThanOrEqual(MANY_WRITES_OUTPUT.length / (1_000 + 16));
    for (const b of t.batches) expect(b.length).toBeLessThan(1_000 + 16);
  });

  it('emits pending output before a resize reaches the pty', async () => {
    const t = start('stty -echo; printf first; read x; printf before; read y; stty size', { batchMs: 60_000 });
    // Output after a quiet spell goes out at once...
    await waitFor(() => t.batches.length === 1, 'the first batch');
    expect(t.batches).toEqual(['first']);
    // ... output right after a batch waits for the rest of its (here long) window ...
    t.session.write('\r');
    await waitFor(() => t.session.bytesWritten >= 'firstbefore'.length, 'the second output');
    expect(t.batches).toEqual(['first']);
    // ... unless the size changes: output produced at the old size goes out first.
    t.session.resize(90, 20);
    expect(t.batches).toEqual(['first', 'before']);
    t.session.write('\r');
    await t.exit;
    expect(t.output()).toContain('20 90');
  });
});

describe('TerminalProcess flow control', () => {
  const TOTAL = 300_000; // far more than the kernel buffers between a paused reader and the child
  const FLOOD = `head -c ${TOTAL} /dev/zero | tr '\\0' x`;

  it('pauses the pty above the high watermark and resumes once the consumer acknowledges', async () => {
    const t = start(FLOOD, { highWatermark: 2_000, lowWatermark: 500 });
    t.session.setFlowControl(true); // a consumer attached
    const proc = t.backend.last;
    await waitFor(() => t.session.paused, 'the pty to pause');
    expect(proc.count('pause')).toBe(1);
    expect(t.session.unacknowledged).toBeGreaterThan(2_000);
    // Nothing acknowledged: the child stays blocked and cannot finish.
    await new Promise((r) => setTimeout(r, 300));
    expect(t.session.exited).toBe(false);
    expect(t.session.bytesWritten).toBeLessThan(TOTAL);

    // Now act as a consumer that parses everything it gets.
    t.session.onData((b) => t.session.acknowledge(b.length));
    t.session.acknowledge(t.session.unacknowledged);
    expect(t.session.paused).toBe(false);
    expect(proc.count('resume')).toBeGreaterThanOrEqual(1);
    await t.exit;
    expect(t.output()).toBe('x'.repeat(TOTAL));
  });

  it('sends the held batch as soon as it pauses: the consumer needs it to acknowledge', async () => {
    // The batch timer and size would hold this output for a minute; pausing must not wait for either.
    const t = start(FLOOD, { highWatermark: 2_000, lowWatermark: 500, batchMs: 60_000, batchBytes: 1_000_000, flowControl: true });
    await waitFor(() => t.session.paused, 'the pty to pause');
    expect(t.output().length).toBeGreaterThan(2_000);
    expect(t.output()).toBe('x'.repeat(t.output().length));
    t.session.setFlowControl(false);
  });

  it('keeps output flowing without acknowledgements when flow control is off (the default)', async () => {
    const t = start(FLOOD, { highWatermark: 2_000, lowWatermark: 500 });
    await t.exit;
    expect(t.backend.last.count('pause')).toBe(0);
    expect(t.output()).toBe('x'.repeat(TOTAL));
    expect(t.session.unacknowledged).toBe(0);
  });

  it('resumes a paused pty when flow control is switched off (the pane was hidden)', async () => {
    const t = start(FLOOD, { highWatermark: 2_000, lowWatermark: 500, flowControl: true });
    await waitFor(() => t.session.paused, 'the pty to pause');
    t.session.setFlowControl(false);
    expect(t.session.paused).toBe(false);
    await t.exit;
    expect(t.output()).toBe('x'.repeat(TOTAL));
    expect(fs.readFileSync(t.session.logPath, 'utf8')).toBe('x'.repeat(TOTAL));
  });

  it('never lets the unacknowledged count go below zero', async () => {
    const t = start('printf abc; read x; printf defgh', { highWatermark: 10, lowWatermark: 2, flowControl: true });
    await waitFor(() => t.session.bytesWritten === 3, 'the first output');
    t.session.acknowledge(1_000_000);
    expect(t.session.unacknowledged).toBe(0);
    t.session.write('\r');
    await t.exit;
    expect(t.session.unacknowledged).toBeGreaterThanOrEqual(5); // counted afresh from zero (plus the echoed newline)
    expect(() => t.session.acknowledge(-1)).toThrow(RangeError);
    expect(() => t.session.acknowledge(Number.NaN)).toThrow(RangeError);
  });
});

describe('TerminalProcess exit', () => {
  it('delivers exactly every byte of 30 fast-exiting sessions, in the batches and in the log', async () => {
    const text = 'héllo wörld ✓ 🙂 '.repeat(2_000);
    const runs = Array.from({ length: 30 }, (_, i) => {
      const printfCase = i % 3 === 2;
      const t = printfCase
        ? start('printf "%s" "$1"', { positional: [text], flowControl: i % 2 === 0 })
        : start(`head -c 200000 /dev/zero | tr '\\0' x`, { flowControl: i % 2 === 0 });
      // An attached consumer acknowledges what it parsed; the others run with flow control off.
      if (i % 2 === 0) t.session.onData((b) => t.session.acknowledge(b.length));
      return { t, expected: printfCase ? text : 'x'.repeat(200_000) };
    });
    for (const { t, expected } of runs) {
      const exit = await t.exit;
      expect(exit.exitCode).toBe(0);
      expect(t.output().length).toBe(expected.length);
      expect(t.output() === expected).toBe(true);
      expect(t.session.bytesWritten).toBe(expected.length);
      const logged = fs.readFileSync(t.session.logPath, 'utf8');
      expect(logged.length).toBe(expected.length);
      expect(logged === expected).toBe(true);
    }
  });

  it('reports the exit once, with exited/exitInfo set, also to late subscribers', async () => {
    const t = start('printf done; exit 7');
    let calls = 0;
    t.session.onExit(() => calls++);
    const exit = await t.exit;
    expect(exit).toEqual({ exitCode: 7 });
    expect(t.session.exited).toBe(true);
    expect(t.session.exitInfo).toEqual({ exitCode: 7 });
    expect(await exitOf(t.session)).toEqual({ exitCode: 7 });
    expect(calls).toBe(1);
    expect(t.output()).toBe('done');
    t.session.write('ignored after exit');
    t.session.resize(10, 10);
  });

  it('appends to an existing log and creates missing folders', async () => {
    const dir = tmpDir('maestro-term-');
    const logPath = path.join(dir, 'nested', 'deeper', 'run.log');
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    fs.writeFileSync(logPath, 'earlier\n');
    const t = start('printf later', { logPath });
    await t.exit;
    expect(fs.readFileSync(logPath, 'utf8')).toBe('earlier\nlater');
    const fresh = start('printf new', { logPath: path.join(dir, 'a', 'b', 'c.log') });
    await fresh.exit;
    expect(fs.readFileSync(path.join(dir, 'a', 'b', 'c.log'), 'utf8')).toBe('new');
  });
});

describe('TerminalProcess kill', () => {
  it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const t = start(`trap '' TERM; echo ready; while :; do sleep 1; done`, { killGraceMs: 300 });
    await waitFor(() => t.output().includes('ready'), 'the trap to be installed');
    t.session.kill();
    const exit = await t.exit;
    expect(exit.signal).toBe(9);
    const kills = t.backend.last.calls.filter((c) => c.method === 'kill').map((c) => c.arg);
    expect(kills).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('stops at the graceful signal when the process honours it', async () => {
    const t = start('echo ready; sleep 30', { killGraceMs: 200 });
    await waitFor(() => t.output().includes('ready'), 'the shell to start');
    t.session.kill('SIGHUP');
    const exit = await t.exit;
    expect(exit.signal).toBe(1);
    await new Promise((r) => setTimeout(r, 300)); // past the grace period: no SIGKILL follows an exit
    expect(t.backend.last.calls.filter((c) => c.method === 'kill').map((c) => c.arg)).toEqual(['SIGHUP']);
    expect(() => t.session.kill('SIGBOGUS')).toThrow(/unknown signal/);
  });
});

describe('TerminalProcess tail and lastLines', () => {
  it('keeps the last tailBytes of output', async () => {
    const t = start(`head -c 50000 /dev/zero | tr '\\0' y; printf END`, { tailBytes: 1_000 });
    await t.exit;
    const tail = t.session.tail();
    expect(tail.length).toBe(1_000);
    expect(tail).toBe(t.output().slice(-1_000));
    expect(tail.endsWith('yyyEND')).toBe(true);
  });

  it('starts the tail at a line start once earlier output was dropped', async () => {
    const t = start(`seq 1 2000`, { tailBytes: 1_000 });
    await t.exit;
    const tail = t.session.tail();
    expect(t.output().endsWith(tail)).toBe(true);
    expect(tail.length).toBeLessThanOrEqual(1_000);
    expect(tail).toMatch(/^\d+\r\n/);
    expect(t.output().slice(0, -tail.length).endsWith('\n')).toBe(true); // nothing of its first line is missing
    expect(tail.endsWith('2000\r\n')).toBe(true);
  });

  it('returns the last non-empty lines with escape sequences stripped', async () => {
    const esc = '\x1b';
    const text = [
      `${esc}[1;31merror:${esc}[0m something ${esc}[4mbroke${esc}[24m`,
      `${esc}]0;window title\x07plain line`,
      '',
      '   ',
      `progress 10%\rprogress 100%`,
      `${esc}[?25l${esc}[2K${esc}[38;2;10;20;30mlast${esc}[0m  `,
      '',
    ].join('\n');
    const t = start('printf "%s" "$1"', { positional: [text] });
    await t.exit;
    expect(t.session.lastLines(2)).toEqual(['progress 100%', 'last']);
    expect(t.session.lastLines(10)).toEqual(['error: something broke', 'plain line', 'progress 100%', 'last']);
    expect(t.session.lastLines(0)).toEqual([]);
  });

  it('drops the cut first line once the tail overflowed', async () => {
    const t = start(`i=0; while [ $i -lt 100 ]; do printf '\\033[32mline %03d\\033[0m\\n' $i; i=$((i+1)); done`, {
      tailBytes: 200,
    });
    await t.exit;
    const lines = t.session.lastLines(100);
    expect(lines.at(-1)).toBe('line 099');
    for (const line of lines) expect(line).toMatch(/^line \d{3}$/);
  });
});

describe('TerminalProcess options', () => {
  it('rejects bad options with clear errors', () => {
    const base = {
      backend: new RecordingBackend(),
      file: '/bin/sh',
      args: [],
      spawn: { cwd: '/tmp', env: testEnv() },
      logPath: path.join(tmpDir('maestro-term-'), 'x.log'),
    };
    expect(() => new TerminalProcess({ ...base, lowWatermark: 200, highWatermark: 100 })).toThrow(/lowWatermark/);
    expect(() => new TerminalProcess({ ...base, batchMs: -1 })).toThrow(/batchMs/);
    expect(() => new TerminalProcess({ ...base, tailBytes: 0 })).toThrow(/tailBytes/);
    expect(() => new TerminalProcess({ ...base, logPath: '' })).toThrow(/logPath/);
    expect(() => new TerminalProcess({ ...base, spawn: { cwd: '/does/not/exist', env: testEnv() } })).toThrow(
      /working directory does not exist/,
    );
    expect(base.backend.processes).toHaveLength(0);
  });
});
