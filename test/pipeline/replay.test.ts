// Replay end to end, through the renderer's own transport and terminal code into headless xterms:
// a pane opened later, a reload while the worker floods, and a restart of the engine.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readLogTail } from '../../main/core/terminal/log';
import { waitFor } from '../helpers';
import { GATE, READY, RendererClient, WireClient, startRig, type Pane, type Rig } from './rig';

const MARKER = '── history restored ──';
const REPLAY_CHARS = 256 * 1024; // what the engine keeps per live session for a pane opened later

const rigs: Rig[] = [];
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(opts: Parameters<typeof startRig>[0] = {}): Promise<Rig> {
  const r = await startRig(opts);
  rigs.push(r);
  return r;
}

function renderer(r: Rig): RendererClient {
  const c = new RendererClient(r.wsUrl);
  closers.push(() => c.close());
  return c;
}

async function wire(r: Rig): Promise<WireClient> {
  const c = await WireClient.connect(r.wsUrl);
  closers.push(() => c.close());
  return c;
}

/** Waits until the pane has parsed a line equal to `line`. */
async function until(pane: Pane, line: string): Promise<void> {
  await waitFor(async () => {
    await pane.parsed();
    return pane.lines().includes(line);
  }, `the pane to show "${line}"`);
}

function lines(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
}

/** The log as the lines a terminal shows (every line here ends with CR LF). */
function logLines(text: string): string[] {
  return text.split('\r\n').slice(0, -1);
}

describe('replay through the renderer stack', () => {
  it('a pane opened later replays the output so far with the marker, then follows live output', async () => {
    const r = await rig();
    const [session] = await r.run({ talk: `${GATE}; seq 1 3000 | sed 's/^/line /'; IFS= read -r _; seq 3001 3100 | sed 's/^/line /'; exec sleep 60` });
    await r.release(session!.id);
    await waitFor(() => r.logOf(session!.id).endsWith('line 3000\r\n'), 'the first output in the log');

    // The replay is exactly the output so far (here all of it, from the log's point of view).
    const probe = await wire(r);
    const attached = await probe.call('session.attach', { sessionId: session!.id });
    expect(attached).toMatchObject({ live: true, restored: true });
    expect(attached.data === r.logOf(session!.id)).toBe(true);
    await probe.call('session.detach', { sessionId: session!.id });

    const pane = renderer(r).open(session!.id, { cols: 80, rows: 10 });
    await pane.connection.ready;
    await pane.parsed();
    expect(pane.lines()).toEqual(['#ready', ...lines(1, 3000), '', MARKER]);

    r.engine.writeSession(session!.id, '\r');
    await until(pane, 'line 3100');
    expect(pane.lines()).toEqual(['#ready', ...lines(1, 3000), '', MARKER, ...lines(3001, 3100)]);
  });

  it('after a reload mid-flood, the worker ran on unwatched and the new page replays the tail of its log', async () => {
    const r = await rig();
    const last = 100_000; // ~1.2 MB: far more than the replay and the flow-control window
    const [session] = await r.run({
      flood: `${GATE}; seq 1 ${last} | sed 's/^/line /'; IFS= read -r _; printf 'after the reload\\n'; exec sleep 60`,
    });
    // The first page stopped parsing (its pane acknowledges nothing): the PTY is held at the watermark.
    const first = await wire(r);
    await first.call('session.attach', { sessionId: session!.id });
    await r.release(session!.id);
    const proc = r.backend.processes.find((p) => p.pid === session!.pid)!;
    await waitFor(() => proc.count('pause') > 0, 'the PTY to pause');
    expect(r.logOf(session!.id).endsWith(`line ${last}\r\n`)).toBe(false);
    first.close(); // the reload: that page and its connection are gone mid-stream

    // Nobody watches any more: the worker is not held back and finishes its flood into the log.
    await waitFor(() => r.logOf(session!.id).endsWith(`line ${last}\r\n`), 'the whole flood in the log');
    expect(proc.count('resume')).toBeGreaterThan(0);

    const probe = await wire(r);
    const attached = await probe.call('session.attach', { sessionId: session!.id });
    await probe.call('session.detach', { sessionId: session!.id });
    const log = r.logOf(session!.id);
    expect(attached.restored).toBe(true);
    expect(attached.data.length).toBeLessThanOrEqual(REPLAY_CHARS);
    expect(attached.data.length).toBeGreaterThan(REPLAY_CHARS - 100);
    expect(log.endsWith(attached.data)).toBe(true);
    expect(attached.data).toMatch(/^line \d+\r\n/); // starts at a line start

    const second = renderer(r);
    const pane2 = second.open(session!.id, { cols: 80, rows: 10 });
    await pane2.connection.ready;
    r.engine.writeSession(session!.id, '\r');
    await until(pane2, 'after the reload');
    const shown = pane2.lines();
    // The pane keeps its scrollback (10 000 lines) of the replay, then the marker, then live output.
    expect(shown.slice(-3)).toEqual(['', MARKER, 'after the reload']);
    const replayed = shown.slice(0, -3);
    expect(replayed).toEqual(logLines(attached.data).slice(-replayed.length));
    expect(replayed.at(-1)).toBe(`line ${last}`);
  });

  it('after an engine restart, a pane replays the session from its log with the marker', async () => {
    const a = await rig();
    const [session] = await a.run({ quiet: `${GATE}; seq 1 500 | sed 's/^/line /'; exec sleep 60` });
    await a.release(session!.id);
    await waitFor(() => a.logOf(session!.id).endsWith('line 500\r\n'), 'the output in the log');
    await a.close(); // stops the worker, as quitting Maestro does
    rigs.splice(rigs.indexOf(a), 1);
    const logged = fs.readFileSync(a.engine.store.sessionLogPath(session!.id), 'utf8');
    expect(logged.startsWith(`${READY}line 1\r\n`)).toBe(true);

    const b = await rig({ dataDir: a.dataDir });
    expect(b.engine.session(session!.id).status).not.toBe('running');
    const probe = await wire(b);
    const attached = await probe.call('session.attach', { sessionId: session!.id });
    expect(attached).toMatchObject({ live: false, restored: true });
    expect(attached.data).toBe(await readLogTail(b.engine.store.sessionLogPath(session!.id), REPLAY_CHARS));
    expect(attached.data).toBe(logged);

    const pane = renderer(b).open(session!.id, { cols: 80, rows: 10 });
    await pane.connection.ready;
    await pane.parsed();
    expect(pane.lines()).toEqual([...logLines(logged), '', MARKER]);
    expect(pane.lines().slice(0, 2)).toEqual(['#ready', 'line 1']);
  });
});
