// Diagnostic (not part of `npm run bench`): the engine's CPU per MiB of terminal output with a consumer
// that acknowledges every frame on arrival (no browser), and the frames it sent.
// Usage: node --import tsx bench/engine-cpu.ts [MB] [rounds]
import { WebSocket } from 'ws';
import { buildApp } from './lib/build';
import { GATE, createRequest, makeWorkspace, planOf, release, runningSessions, whenReady } from './lib/scenario';
import { startServe } from './lib/serve';
import { cpuMsOf, nowMs } from './lib/util';
import { decodeTerminalFrame } from '../preload/wire';

const mb = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 3);
if (!process.env.NO_BUILD) buildApp();
for (let r = 0; r < rounds; r++) {
  const serve = await startServe({});
  try {
    const END = '@@END@@';
    const ws = makeWorkspace({ tp: `${GATE}; yes '${'x'.repeat(79)}' | head -c ${mb * 1e6}; printf '\\n${END}\\n'; exec sleep 600` });
    const tree = await createRequest(serve, ws, planOf(['tp']));
    const [session] = await runningSessions(serve, tree.rootId, 1);
    await whenReady(serve, session!.id);
    const u = new URL(serve.uiUrl);
    const sock = new WebSocket(`ws://${u.host}/ws?frames=binary&token=${encodeURIComponent(u.searchParams.get('token') ?? '')}`, { origin: u.origin });
    await new Promise((res, rej) => (sock.once('open', res), sock.once('error', rej)));
    let frames = 0;
    let bytes = 0;
    let tail = '';
    let done: () => void = () => {};
    const finished = new Promise<void>((res) => (done = res));
    sock.on('message', (raw, isBinary) => {
      if (!isBinary) return;
      const f = decodeTerminalFrame(new Uint8Array(raw as Buffer));
      if (!f) return;
      frames++;
      bytes += f.bytes.length;
      if (process.env.OLD_ACK) sock.send(JSON.stringify({ t: 'call', id: 2 + frames, method: 'session.ack', params: { sessionId: f.sessionId, chars: f.chars } }));
      else sock.send(JSON.stringify({ t: 'ack', sessionId: f.sessionId, chars: f.chars }));
      tail = (tail + Buffer.from(f.bytes).toString('latin1')).slice(-200);
      if (tail.includes(END)) done();
    });
    sock.send(JSON.stringify({ t: 'call', id: 1, method: 'session.attach', params: { sessionId: session!.id } }));
    await new Promise((r2) => setTimeout(r2, 300)); // diagnostic only
    const c0 = cpuMsOf(serve.pid);
    const t0 = nowMs();
    await release(serve, session!.id);
    await finished;
    const ms = nowMs() - t0;
    const cpu = cpuMsOf(serve.pid) - c0;
    const mib = bytes / 1048576;
    console.log(`${(mib / (ms / 1000)).toFixed(1)} MiB/s; engine ${(cpu / mib).toFixed(1)} ms CPU per MiB; ${frames} frames of ${Math.round(bytes / frames)} bytes`);
    sock.close();
  } finally {
    await serve.stop();
  }
}
