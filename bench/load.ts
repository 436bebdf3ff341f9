// 9. Load: many workers reporting at once. N real sessions (idle workers of one request, concurrency N)
// each send R `task.log` reports one after another, all N at the same time, each with its session's own
// scoped token, over HTTP the way the CLI sends them (a connection per report, the CLI's own client).
// Then every task's timeline is read back through the API: each report must be there exactly once, in
// the order it was sent.
import { post } from '../main/cli/http-post';
import { createRequest, makeWorkspace, planOf, RECORD_SESSION_ENV, runningSessions, sessionEnvs, type SessionEnv } from './lib/scenario';
import { startServe } from './lib/serve';
import { nowMs, percentile, round } from './lib/util';

export interface LoadResult {
  workers: number;
  reportsPerWorker: number;
  /** Reports the API answered with ok. */
  answered: number;
  /** Reports sent but absent from their task's timeline. */
  lost: number;
  /** Reports found more than once. */
  duplicated: number;
  /** Tasks whose reports are not in the order they were sent. */
  tasksOutOfOrder: number;
  /** Reports refused or failed (the first error is kept). */
  failed: number;
  firstError?: string;
  /** Per report, from the send to the answer (ms). */
  latency: { p50: number; p95: number; p99: number; max: number };
  /** Reports per second over the whole burst. */
  perSecond: number;
  seconds: number;
}

const MARK = 'load-report';

async function report(s: SessionEnv, message: string): Promise<void> {
  const answer = await post(
    new URL(`${s.apiUrl}/api/task.log`),
    { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
    JSON.stringify({ id: s.taskId, message }),
  );
  if (answer.status !== 200) throw new Error(`task.log answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  const body = JSON.parse(answer.text) as { result?: { ok?: boolean } };
  if (!body.result?.ok) throw new Error(`task.log answered ${answer.text.slice(0, 200)}`);
}

export async function benchLoad(workers: number, reportsPerWorker: number, log: (s: string) => void): Promise<LoadResult> {
  const serve = await startServe({ settings: { concurrency: Math.min(64, workers) } });
  try {
    const ws = makeWorkspace({ worker: RECORD_SESSION_ENV });
    const tree = await createRequest(serve, ws, planOf(Array.from({ length: workers }, () => 'worker')));
    await runningSessions(serve, tree.rootId, workers);
    const sessions = await sessionEnvs(ws, workers);
    if (new Set(sessions.map((s) => s.token)).size !== workers || new Set(sessions.map((s) => s.taskId)).size !== workers) {
      throw new Error('the sessions do not have a token and a task each');
    }
    log(`  ${workers} sessions × ${reportsPerWorker} task.log reports each, all sessions at once, each with its own token…`);
    const latencies: number[] = [];
    let answered = 0;
    let failed = 0;
    let firstError: string | undefined;
    const t0 = nowMs();
    await Promise.all(
      sessions.map(async (s, w) => {
        for (let i = 0; i < reportsPerWorker; i++) {
          const start = nowMs();
          try {
            await report(s, `${MARK} w${w} #${i}`);
            answered++;
          } catch (err) {
            failed++;
            firstError ??= (err as Error).message;
          }
          latencies.push(nowMs() - start);
        }
      }),
    );
    const seconds = (nowMs() - t0) / 1000;

    log('  reading every task back through the API…');
    let lost = 0;
    let duplicated = 0;
    let tasksOutOfOrder = 0;
    for (const [w, s] of sessions.entries()) {
      const detail = await serve.call<{ timeline: { type: string; message: string; taskId: string }[] }>('task.show', { id: s.taskId, timelineLimit: 10_000 });
      const prefix = `${MARK} w${w} #`;
      const seen = detail.timeline.filter((e) => e.taskId === s.taskId && e.message.startsWith(prefix)).map((e) => Number(e.message.slice(prefix.length)));
      const counts = new Map<number, number>();
      for (const n of seen) counts.set(n, (counts.get(n) ?? 0) + 1);
      for (let i = 0; i < reportsPerWorker; i++) {
        const c = counts.get(i) ?? 0;
        if (c === 0) lost++;
        if (c > 1) duplicated += c - 1;
      }
      if (seen.some((n, i) => i > 0 && n <= seen[i - 1]!)) tasksOutOfOrder++;
    }
    return {
      workers,
      reportsPerWorker,
      answered,
      lost,
      duplicated,
      tasksOutOfOrder,
      failed,
      ...(firstError ? { firstError } : {}),
      latency: {
        p50: round(percentile(latencies, 50), 2),
        p95: round(percentile(latencies, 95), 2),
        p99: round(percentile(latencies, 99), 2),
        max: round(Math.max(...latencies), 2),
      },
      perSecond: round((workers * reportsPerWorker) / seconds, 0),
      seconds: round(seconds, 2),
    };
  } finally {
    await serve.stop();
  }
}
