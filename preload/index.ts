// The Electron preload (sandboxed, bundled to one CommonJS file): exposes the MaestroApi contract to the
// renderer as `window.maestro`. Listeners are wrapped so the renderer never sees the IPC event object.
import { contextBridge, ipcRenderer } from 'electron';
import type { CommandName, CommandParams, CommandResults, EngineEvents, EventName, MaestroApi } from './contract';
import { IPC_CALL, IPC_EVENT, IPC_PICK_FOLDER, IPC_TERMINAL_PORT, TERMINAL_PORT_MESSAGE } from './wire';

type Envelope = { result: unknown } | { error: { code: string; message: string } };

const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on(IPC_EVENT, (_event, msg: { event: string; payload: unknown }) => {
  for (const fn of listeners.get(msg.event) ?? []) fn(msg.payload);
});

// The window's terminal MessagePort, handed to the page's own window: contextBridge cannot carry a port,
// window.postMessage can. The page listens before it asks (renderer/api/terminal-port.ts).
ipcRenderer.on(IPC_TERMINAL_PORT, (event) => {
  window.postMessage(TERMINAL_PORT_MESSAGE, '*', event.ports);
});

const api = {
  async call<K extends CommandName>(method: K, params: CommandParams<K>): Promise<CommandResults[K]> {
    const r = (await ipcRenderer.invoke(IPC_CALL, method, params)) as Envelope;
    if ('error' in r) {
      // Only an Error's message crosses the context bridge: keep the code in front of it.
      throw new Error(`[${r.error.code}] ${r.error.message}`);
    }
    return r.result as CommandResults[K];
  },
  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const fn = listener as (p: unknown) => void;
    set.add(fn);
    return () => set!.delete(fn);
  },
  async pickFolder(): Promise<string | null> {
    const r = (await ipcRenderer.invoke(IPC_PICK_FOLDER)) as string | null;
    return typeof r === 'string' ? r : null;
  },
  requestTerminalPort(): void {
    // Without the port, output keeps coming as events: nothing to report.
    ipcRenderer.invoke(IPC_TERMINAL_PORT).catch(() => {});
  },
} satisfies MaestroApi;

/** What the renderer finds on `window.maestro` (electron-react-boilerplate's `typeof` contract). */
export type PreloadApi = typeof api;

contextBridge.exposeInMainWorld('maestro', api);
