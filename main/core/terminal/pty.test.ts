import { describe, expect, it } from 'vitest';
import { tmpDir, waitFor } from '../../../test/helpers';
import { NodePtyBackend, type PtyExit, type PtyProcess } from './pty';
import { shArgs, testEnv } from './test-support';

const backend = new NodePtyBackend();

interface Run {
  output: string;
  exit: PtyExit;
  dataAfterExit: number;
}

/** Runs a process to its exit, collecting everything onData delivered before onExit. */
function run(p: PtyProcess): Promise<Run> {
  return new Promise((resolve) => {
    let output = '';
    let exit: PtyExit | undefined;
    let dataAfterExit = 0;
    p.onData((d) => {
      if (exit) dataAfterExit += d.length;
      else output += d;
    });
    p.onExit((e) => {
      exit = e;
      // Give a straggler a chance to show up, so the test would see it.
      setTimeout(() => resolve({ output, exit: e, dataAfterExit }), 100);
    });
  });
}

function spawnSh(script: string, ...positional: string[]): PtyProcess {
  return backend.spawn('/bin/sh', shArgs(script, ...positional), { cwd: '/tmp', env: testEnv() });
}

const BIG = 200_000;
const UNIT = 'é✓🙂-';
const UTF8_TEXT = UNIT.repeat(6_000); // 60 000 bytes in UTF-8, characters of 1–4 bytes across chunk edges

describe('NodePtyBackend', () => {
  it('delivers every byte of fast-exiting processes before reporting their exit', async () => {
    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 2
          ? run(spawnSh('printf "%s" "$1"', UTF8_TEXT)).then((r) => ({ r, expected: UTF8_TEXT }))
          : run(spawnSh(`head -c ${BIG} /dev/zero | tr '\\0' x`)).then((r) => ({ r, expected: 'x'.repeat(BIG) })),
      ),
    );
    for (const { r, expected } of runs) {
      expect(r.exit.exitCode).toBe(0);
      expect(r.output.length).toBe(expected.length);
      expect(r.output === expected).toBe(true);
      expect(r.dataAfterExit).toBe(0);
    }
  });

  it('still delivers everything when the process exits while reading is paused', async () => {
    const processes = Array.from({ length: 5 }, () => spawnSh('printf "%s" "$1"', 'ab✓'.repeat(1_000)));
    for (const p of processes) p.pause();
    const runs = await Promise.all(processes.map(run));
    for (const r of runs) expect(r.output).toBe('ab✓'.repeat(1_000));
  });

  it('writes input, resizes and reports the exit code', async () => {
    const p = spawnSh('read line; stty size; echo "got $line"; exit 3');
    const result = run(p);
    p.resize(101, 33);
    p.write('hello\r');
    const r = await result;
    expect(r.output).toContain('33 101');
    expect(r.output).toContain('got hello');
    expect(r.exit).toEqual({ exitCode: 3 });
  });

  it('reports the signal that ended a process', async () => {
    const p = spawnSh('echo ready; sleep 30');
    let seen = '';
    p.onData((d) => (seen += d));
    const result = run(p);
    await waitFor(() => seen.includes('ready'), 'the shell to start');
    p.kill('SIGTERM');
    const r = await result;
    expect(r.exit.signal).toBe(15);
  });

  it('passes the environment exactly, leaving out undefined entries', async () => {
    const env = { ...testEnv(), FOO: 'bar baz', GONE: undefined as unknown as string };
    const p = backend.spawn('/bin/sh', shArgs('printf "%s|%s|%s" "$FOO" "${GONE-unset}" "$TERM"'), { cwd: '/tmp', env });
    expect((await run(p)).output).toBe('bar baz|unset|xterm-256color');
  });

  it('rejects bad input with clear errors', () => {
    const missing = `${tmpDir()}/missing`;
    expect(() => backend.spawn('/bin/sh', [], { cwd: missing, env: testEnv() })).toThrow(/working directory does not exist/);
    expect(() => backend.spawn('', [], { cwd: '/tmp', env: testEnv() })).toThrow(/file must be a non-empty string/);
    expect(() => backend.spawn('/bin/sh', ['-c', 1 as unknown as string], { cwd: '/tmp', env: testEnv() })).toThrow(/args/);
    expect(() => backend.spawn('/bin/sh', [], { cwd: '/tmp', env: testEnv(), cols: 0 })).toThrow(/cols/);
    expect(() => backend.spawn('/bin/sh', [], { cwd: '/tmp', env: { X: 1 as unknown as string } })).toThrow(/env\.X/);
  });

  it('rejects unknown signals and bad sizes on a live process', async () => {
    const p = spawnSh('read x');
    const result = run(p);
    expect(() => p.kill('SIGNOPE')).toThrow(/unknown signal/);
    expect(() => p.resize(0, 10)).toThrow(/cols/);
    p.write('\r');
    expect((await result).exit.exitCode).toBe(0);
  });
});
