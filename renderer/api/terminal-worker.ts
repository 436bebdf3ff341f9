// The dedicated Worker that holds browser mode's WebSocket (worker-core.ts does the work).
import { WorkerCore, urlFromWorkerName, type FromWorker, type ToWorker, type WorkerSocketLike } from './worker-core';

/** The parts of DedicatedWorkerGlobalScope used here (the project compiles against the DOM lib). */
const scope = self as unknown as {
  name: string;
  postMessage(message: FromWorker | string, transfer: ArrayBuffer[]): void;
  onmessage: ((ev: MessageEvent<ToWorker | string>) => void) | null;
};
const core = new WorkerCore({
  createSocket: (url) => new WebSocket(url) as unknown as WorkerSocketLike,
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
});
scope.onmessage = (ev) => core.receive(ev.data);
// Connect now, without waiting for the page's 'open' (see workerName).
const url = urlFromWorkerName(scope.name);
if (url) core.receive({ t: 'open', url });
