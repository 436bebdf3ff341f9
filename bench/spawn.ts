// 8. Plan accepted → first wave of worker sessions spawned, from the engine's own timeline (plan event
// to the last session-start of the wave) and from the API call that submits the plan.
import { createRequest, makeWorkspace, planOf, runningSessions } from './lib/scenario';
import { startServe } from './lib/serve';
import { percentile, round } from './lib/util';

export interface SpawnResult {
  rounds: number;
  wave: number;
  /** Timeline: the plan accepted → the wave's last session started (p50 / max over rounds). */
  engineMs: { p50: number; max: number };
  /** The roots.create call with the plan → the wave's last session started (p50 / max). */
  callMs: { p50: number; max: number };
}

interface TimelineEvent {
  at: number;
  type: string;
}

export async function benchSpawn(rounds: number, wave: number, log: (s: string) => void): Promise<SpawnResult> {
  const serve = await startServe({ settings: { concurrency: wave } });
  try {
    const ws = makeWorkspace({ idle: 'exec sleep 600' });
    log(`  ${rounds} plans of ${wave} independent groups (concurrency ${wave})…`);
    const engine: number[] = [];
    const call: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = Date.now();
      const tree = await createRequest(serve, ws, planOf(Array.from({ length: wave }, () => 'idle')));
      const sessions = await runningSessions(serve, tree.rootId, wave);
      const detail = await serve.call<{ timeline: TimelineEvent[] }>('task.show', { id: tree.rootId, timelineLimit: 1000 });
      const plan = detail.timeline.find((e) => e.type === 'plan')!;
      const starts = detail.timeline.filter((e) => e.type === 'session-start').map((e) => e.at);
      if (starts.length !== wave) throw new Error(`expected ${wave} session starts, found ${starts.length}`);
      engine.push(Math.max(...starts) - plan.at);
      call.push(Math.max(...starts) - t0);
      // Free the slots for the next round.
      await Promise.all(sessions.map((s) => serve.call('session.stop', { sessionId: s.id })));
    }
    const stats = (v: number[]) => ({ p50: round(percentile(v, 50)), max: round(Math.max(...v)) });
    return { rounds, wave, engineMs: stats(engine), callMs: stats(call) };
  } finally {
    await serve.stop();
  }
}
