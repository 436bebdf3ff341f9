// Exact tail delivery end to end: fast-exiting workers, every byte on the wire before the exit is announced.
import { afterEach, describe, expect, it } from 'vitest';
import { GATE, READY, WireClient, startRig, type Rig } from './rig';

let rig: Rig | undefined;
let client: WireClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await rig?.close();
  rig = undefined;
});

const SESSIONS = 16;
const LINES = 40_000; // ~270 KB: more than the high watermark, so flow control takes part
function expectedOutput(): string {
  let s = READY;
  for (let i = 1; i <= LINES; i++) s += `${i}\r\n`;
  return `${s}done ✓ 🙂\r\n`;
}

describe('exact tail delivery through the WebSocket', () => {
  it(`delivers every byte of ${SESSIONS} workers that exit right after a burst, before their exit is announced`, async () => {
    rig = await startRig({ concurrency: SESSIONS });
    const scripts: Record<string, string> = {};
    for (let i = 0; i < SESSIONS; i++) scripts[`burst${i}`] = `${GATE}; seq 1 ${LINES}; printf 'done ✓ 🙂\\n'`;
    const sessions = await rig.run(scripts);
    client = (await WireClient.connect(rig.wsUrl)).autoAck();
    const replays = new Map<string, string>();
    for (const s of sessions) replays.set(s.id, (await client.call('session.attach', { sessionId: s.id })).data);
    await Promise.all(sessions.map((s) => rig!.release(s.id)));
    await client.until(() => sessions.every((s) => client!.endIndex(s.id) >= 0), 'every session to end');

    const expected = expectedOutput();
    for (const s of sessions) {
      const end = client.endIndex(s.id);
      const streamed = client.events
        .slice(0, end)
        .filter((e) => e.event === 'session.data' && e.payload.sessionId === s.id)
        .map((e) => e.payload.data as string)
        .join('');
      const received = replays.get(s.id)! + streamed;
      expect(received.length).toBe(expected.length);
      expect(received === expected).toBe(true);
      expect(client.received(s.id)).toBe(streamed.length); // nothing after the exit
      expect(rig.logOf(s.id) === expected).toBe(true);
      expect(rig.engine.session(s.id)).toMatchObject({ status: 'exited', exitCode: 0 });
    }
  });
});
