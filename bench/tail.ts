// 3. Tail integrity: many workers that exit right after a burst of output; every byte they wrote must
// reach the client (a WebSocket client of `maestro serve` that acknowledges like a pane) before the exit
// is announced, and the session log must hold exactly the same.
import fs from 'node:fs';
import { GATE, READY_LINE, createRequest, logPathOf, makeWorkspace, planOf, release, whenReady } from './lib/scenario';
import { startServe } from './lib/serve';
import { round, waitFor } from './lib/util';
import { Wire } from './lib/wire';

export interface TailResult {
  sessions: number;
  /** Sessions whose client stream (replay + live, before the exit event) equals what they wrote. */
  exactStream: number;
  /** Sessions whose log equals what they wrote. */
  exactLog: number;
  charsPerSession: number;
  seconds: number;
  problems: string[];
}

const LINES = 20_000;
const LAST = 'done ✓ 🙂';

function expected(): string {
  const parts = [READY_LINE];
  for (let i = 1; i <= LINES; i++) parts.push(`${i}\r\n`);
  parts.push(`${LAST}\r\n`);
  return parts.join('');
}

export async function benchTail(count: number, log: (s: string) => void): Promise<TailResult> {
  const serve = await startServe({ settings: { concurrency: Math.min(50, count) } });
  const wire = (await Wire.connect(serve.uiUrl)).autoAck();
  try {
    const ws = makeWorkspace({ burst: `${GATE}; seq 1 ${LINES}; printf '${LAST}\\n'` });
    const replays = new Map<string, string>();
    const ended = new Set<string>();
    const failures: string[] = [];
    // Attach to every worker as it starts, then let it write and exit.
    const started = performance.now();
    wire.on((e) => {
      if (e.event !== 'session.changed') return;
      const s = e.payload as { id: string; status: string; role: string };
      if (s.role !== 'worker') return;
      if (s.status === 'running' && !replays.has(s.id)) {
        replays.set(s.id, '');
        void (async () => {
          const attached = await wire.call<{ data: string }>('session.attach', { sessionId: s.id });
          replays.set(s.id, attached.data);
          await whenReady(serve, s.id);
          await release(serve, s.id);
        })().catch((err: Error) => failures.push(`${s.id}: ${err.message}`));
      } else if (s.status !== 'running' && s.status !== 'starting') {
        ended.add(s.id);
      }
    });
    log(`  ${count} workers, ${LINES} lines each, exiting right after…`);
    await createRequest(serve, ws, planOf(Array.from({ length: count }, () => 'burst')));
    await waitFor(() => ended.size >= count || failures.length > 0, `${count} sessions to end`, 300_000, 50);
    const seconds = (performance.now() - started) / 1000;

    const want = expected();
    const problems = [...failures];
    let exactStream = 0;
    let exactLog = 0;
    for (const id of ended) {
      const end = wire.events.findIndex((e) => e.event === 'session.changed' && e.payload.id === id && e.payload.status !== 'running' && e.payload.status !== 'starting');
      const streamed = wire.events
        .slice(0, end)
        .filter((e) => e.event === 'session.data' && e.payload.sessionId === id)
        .map((e) => e.payload.data as string)
        .join('');
      const got = (replays.get(id) ?? '') + streamed;
      if (got === want) exactStream++;
      else problems.push(`${id}: the client got ${got.length} chars, the worker wrote ${want.length}`);
      const logged = fs.readFileSync(logPathOf(serve, id), 'utf8');
      if (logged === want) exactLog++;
      else problems.push(`${id}: the log holds ${logged.length} chars, the worker wrote ${want.length}`);
    }
    return { sessions: ended.size, exactStream, exactLog, charsPerSession: want.length, seconds: round(seconds), problems: problems.slice(0, 10) };
  } finally {
    wire.close();
    await serve.stop();
  }
}
