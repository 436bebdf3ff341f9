// Batching end to end: a storm of tiny PTY chunks reaches the client as a few large messages.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers';
import { GATE, READY, WireClient, startRig, type Rig } from './rig';

let rig: Rig | undefined;
let client: WireClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await rig?.close();
  rig = undefined;
});

const LINES = 20_000;
function seqOutput(n: number): string {
  let s = '';
  for (let i = 1; i <= n; i++) s += `${i}\r\n`;
  return s;
}

describe('batching through the WebSocket', () => {
  it('never sends one message per PTY chunk, and loses or reorders nothing', async () => {
    // Every chunk the PTY delivers reaches the session as pieces of at most 4 chars.
    rig = await startRig({ split: 4 });
    const [session] = await rig.run({ counter: `${GATE}; seq 1 ${LINES}; exec sleep 60` });
    const proc = rig.backend.processes.find((p) => p.pid === session!.pid)!;
    client = await WireClient.connect(rig.wsUrl);
    const { data: replay } = await client.call('session.attach', { sessionId: session!.id });
    await rig.release(session!.id);
    const expected = READY + seqOutput(LINES);
    await client.until(() => replay.length + client!.received(session!.id) >= expected.length, 'all the output');

    const messages = client.dataOf(session!.id);
    expect(replay + messages.join('') === expected).toBe(true);
    // A batch is sent when its timer fires or it reaches 64 KiB. Split pieces of one PTY chunk arrive in
    // one go, so batches can never outnumber the chunks the PTY delivered (plus the size flushes).
    const sizeFlushes = Math.floor(expected.length / (64 * 1024));
    const counts = `${messages.length} messages, ${proc.realChunks.length} PTY chunks, ${proc.deliveredChunks} pieces`;
    expect(messages.length, counts).toBeLessThanOrEqual(proc.realChunks.length + sizeFlushes + 1);
    // The session itself saw a storm: at least one piece per 4 chars.
    expect(proc.deliveredChunks, counts).toBeGreaterThanOrEqual(Math.ceil(expected.length / 4));
    // The log is written asynchronously, in the same order.
    await waitFor(() => rig!.logOf(session!.id).length >= expected.length, 'the log to catch up');
    expect(rig.logOf(session!.id) === expected).toBe(true);
  });
});
