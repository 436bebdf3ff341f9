// The dedicated Worker that holds browser mode's WebSocket (worker-core.ts does the work).
import { WorkerCore, type FromWorker, type ToWorker, type WorkerSocketLike } from './worker-core';

/** The parts of DedicatedWorkerGlobalScope used here (the project compiles against the DOM lib). */
const scope = self as unknown as {
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
