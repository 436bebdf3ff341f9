// A client's streams: an attach overtaken by a detach (or a newer attach) while it waited for the
// engine leaves no second stream behind (a pane re-mounted within a millisecond showed every line twice).
import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine';
import type { Attachment } from '../sessions/attach';
import { ClientBridge } from './bridge';

function slowEngine() {
  const pending: Array<() => void> = [];
  const live = new Set<number>();
  let next = 0;
  const engine = {
    attachSession: () =>
      new Promise<Attachment>((resolve) => {
        const id = next++;
        pending.push(() => {
          live.add(id);
          resolve({ data: 'x', restored: true, live: true, ack: () => {}, detach: () => live.delete(id) });
        });
      }),
  } as unknown as Engine;
  return { engine, release: () => pending.shift()!(), live };
}

describe('ClientBridge attachments', () => {
  it('drops an attach that a detach overtook while it waited', async () => {
    const { engine, release, live } = slowEngine();
    const bridge = new ClientBridge(engine, () => {});
    const attaching = bridge.call('session.attach', { sessionId: 's1' });
    await bridge.call('session.detach', { sessionId: 's1' });
    release();
    expect(await attaching).toMatchObject({ live: false });
    expect(live.size).toBe(0);
  });

  it('keeps only the newest of two overlapping attaches', async () => {
    const { engine, release, live } = slowEngine();
    const bridge = new ClientBridge(engine, () => {});
    const first = bridge.call('session.attach', { sessionId: 's1' });
    const second = bridge.call('session.attach', { sessionId: 's1' });
    release();
    release();
    expect(await first).toMatchObject({ live: false });
    expect(await second).toMatchObject({ live: true });
    expect(live.size).toBe(1);
    bridge.dispose();
    expect(live.size).toBe(0);
  });
});
