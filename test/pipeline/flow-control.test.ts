// Flow control end to end: PTY → engine → browser-mode WebSocket → a client that acknowledges (or not).
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers';
import { GATE, READY, WireClient, startRig, type Rig } from './rig';

const TOTAL = 3_000_000; // far beyond the high watermark plus what the kernel buffers for a blocked child
const FLOOD = `${GATE}; head -c ${TOTAL} /dev/zero | tr '\\0' x; printf '#END'`;
const EXPECTED = `${READY}${'x'.repeat(TOTAL)}#END`;

let rig: Rig | undefined;
const clients: WireClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await rig?.close();
  rig = undefined;
});

async function connect(): Promise<WireClient> {
  const c = await WireClient.connect(rig!.wsUrl);
  clients.push(c);
  return c;
}

function processOf(pid: number | undefined) {
  const p = rig!.backend.processes.find((x) => x.pid === pid);
  if (!p) throw new Error(`no recorded process with pid ${pid}`);
  return p;
}

describe('flow control through the WebSocket', () => {
  it('pauses the PTY while the pane does not acknowledge, resumes on acknowledgements, and delivers every byte', async () => {
    rig = await startRig();
    const [session] = await rig.run({ flood: FLOOD });
    const proc = processOf(session!.pid);
    const client = await connect();
    const attached = await client.call('session.attach', { sessionId: session!.id });
    expect(attached.live).toBe(true);
    // The gate's READY line, in the replay or the stream: together they are the output so far, exactly.
    const before = attached.data;

    await rig.release(session!.id);
    await waitFor(() => proc.count('pause') > 0, 'the PTY to pause');
    // Paused with most of the output still unread: the worker is held back, not racing ahead.
    const atPause = client.received(session!.id);
    expect(atPause).toBeLessThan(TOTAL / 2);
    expect(rig.engine.session(session!.id).status).toBe('running');
    expect(proc.count('resume')).toBe(0);

    // Acknowledge what arrived (as xterm's write callback would): the PTY resumes; keep acknowledging.
    let acked = 0;
    const ackAll = async () => {
      const n = client.received(session!.id) - acked;
      if (n <= 0) return;
      acked += n;
      await client.call('session.ack', { sessionId: session!.id, chars: n });
    };
    await ackAll();
    await waitFor(() => proc.count('resume') > 0, 'the PTY to resume');
    await waitFor(async () => {
      await ackAll();
      return client.endIndex(session!.id) >= 0;
    }, 'the session to end');

    expect(proc.count('pause')).toBeGreaterThan(1); // it kept being held at the watermark, batch after batch
    expect(before + client.dataOf(session!.id).join('') === EXPECTED).toBe(true);
    expect(rig.logOf(session!.id) === EXPECTED).toBe(true);
  });

  it('lets the worker run free into its log once the pane detaches (a hidden pane)', async () => {
    rig = await startRig();
    const [session] = await rig.run({ flood: FLOOD });
    const proc = processOf(session!.pid);
    const client = await connect();
    await client.call('session.attach', { sessionId: session!.id });
    await rig.release(session!.id);
    await waitFor(() => proc.count('pause') > 0, 'the PTY to pause');

    await client.call('session.detach', { sessionId: session!.id });
    expect(proc.count('resume')).toBe(1);
    await client.until(() => client.endIndex(session!.id) >= 0, 'the session to end without any acknowledgement');
    const received = client.received(session!.id);
    expect(received).toBeLessThan(TOTAL); // nothing more was streamed after the detach
    expect(rig.logOf(session!.id) === EXPECTED).toBe(true);
    expect(rig.engine.session(session!.id)).toMatchObject({ status: 'exited', exitCode: 0 });
  });

  it('never pauses a worker nobody watches, and streams nothing to clients that did not attach', async () => {
    rig = await startRig();
    const client = await connect();
    const [session] = await rig.run({ flood: FLOOD });
    await rig.release(session!.id);
    await client.until(() => client.endIndex(session!.id) >= 0, 'the session to end');
    expect(processOf(session!.pid).count('pause')).toBe(0);
    expect(client.received(session!.id)).toBe(0);
    expect(rig.logOf(session!.id) === EXPECTED).toBe(true);
  });

  it('follows the slowest of two panes, and lets go when that one disconnects (a reload)', async () => {
    rig = await startRig();
    const [session] = await rig.run({ flood: FLOOD });
    const proc = processOf(session!.pid);
    const fast = await connect();
    const slow = await connect();
    const fastReplay = (await fast.call('session.attach', { sessionId: session!.id })).data;
    const slowReplay = (await slow.call('session.attach', { sessionId: session!.id })).data;
    let acked = 0;
    const ackFast = async () => {
      const n = fast.received(session!.id) - acked;
      if (n > 0) {
        acked += n;
        await fast.call('session.ack', { sessionId: session!.id, chars: n });
      }
    };
    await rig.release(session!.id);
    await waitFor(() => proc.count('pause') > 0, 'the PTY to pause');
    await ackFast();
    // The fast pane parsed everything it got; the slow one nothing: the PTY stays paused.
    expect(proc.count('resume')).toBe(0);
    expect(fastReplay.length + fast.received(session!.id)).toBe(slowReplay.length + slow.received(session!.id));

    slow.close();
    await waitFor(() => proc.count('resume') > 0, 'the PTY to resume after the slow pane left');
    await waitFor(async () => {
      await ackFast();
      return fast.endIndex(session!.id) >= 0;
    }, 'the session to end');
    expect(fastReplay + fast.dataOf(session!.id).join('') === EXPECTED).toBe(true);
  });
});
