// 7. Durable writes: sequential worker reports through the local HTTP API, each made durable (fdatasync)
// before it is answered, with the answer's size as the task's timeline grows.
import http from 'node:http';
import { createRequest, makeWorkspace, planOf, runningSessions, type TreeSnapshot } from './lib/scenario';
import { startServe } from './lib/serve';
import { nowMs, percentile, round } from './lib/util';

export interface DurableResult {
  reports: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  /** Bytes of the first and the last answer: constant, however long the timeline gets. */
  firstAnswerBytes: number;
  lastAnswerBytes: number;
  /** The same with status reports (task.start/complete: the root document is rewritten too). */
  statusReports: number;
  statusPerSecond: number;
}

export async function benchDurable(reports: number, statusReports: number, log: (s: string) => void): Promise<DurableResult> {
  const serve = await startServe({ settings: { concurrency: 1 } });
  try {
    const ws = makeWorkspace({ idle: 'exec sleep 600' });
    const tree = await createRequest(serve, ws, planOf(['idle'], { subtasks: statusReports }));
    await runningSessions(serve, tree.rootId, 1);
    const snapshot = await serve.call<TreeSnapshot>('tree.get', { rootId: tree.rootId });
    const subtasks = snapshot.tasks.filter((t) => t.kind === 'subtask');
    const target = subtasks[0]!.id;

    log(`  ${reports} progress reports (task.log)…`);
    // node:http with one kept-alive connection: the client's own cost stays out of the figure.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(serve.apiUrl);
    const post = (method: string, params: unknown) =>
      new Promise<string>((resolve, reject) => {
        const body = JSON.stringify(params);
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: `/api/${method}`,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${serve.adminToken}` },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${method}: ${text}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    await post('task.log', { id: target, message: 'warm-up' });
    const times: number[] = [];
    let first = 0;
    let last = 0;
    const t0 = nowMs();
    for (let i = 0; i < reports; i++) {
      const s = nowMs();
      const answer = await post('task.log', { id: target, message: `step ${i}: compiled the module and ran its tests` });
      times.push(nowMs() - s);
      if (i === 0) first = Buffer.byteLength(answer);
      last = Buffer.byteLength(answer);
    }
    const seconds = (nowMs() - t0) / 1000;

    log(`  ${statusReports} status reports (task.start / task.complete)…`);
    const s0 = nowMs();
    for (const [i, t] of subtasks.entries()) await post(i % 2 === 0 ? 'task.start' : 'task.complete', { id: t.id });
    const statusSeconds = (nowMs() - s0) / 1000;
    agent.destroy();
    return {
      reports,
      perSecond: round(reports / seconds, 0),
      p50ms: round(percentile(times, 50), 2),
      p99ms: round(percentile(times, 99), 2),
      firstAnswerBytes: first,
      lastAnswerBytes: last,
      statusReports: subtasks.length,
      statusPerSecond: round(subtasks.length / statusSeconds, 0),
    };
  } finally {
    await serve.stop();
  }
}
