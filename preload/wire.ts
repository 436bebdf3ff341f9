// The message shapes of the browser-mode WebSocket (main/server). Electron IPC carries the same
// command names and payloads through ipcRenderer.invoke / webContents.send (preload/index.ts).
import type { ApiErrorCode, CommandName, EngineEvents, EventName } from './contract';

export type ClientMessage = { t: 'call'; id: number; method: CommandName; params: unknown };

export type ServerMessage =
  | { t: 'result'; id: number; result: unknown }
  | { t: 'error'; id: number; error: { code: ApiErrorCode; message: string } }
  | { [E in EventName]: { t: 'event'; event: E; payload: EngineEvents[E] } }[EventName];

/** The WebSocket path; the token travels as the `token` query parameter, as in the page URL. */
export const WS_PATH = '/ws';
/** IPC channel names in Electron. */
export const IPC_CALL = 'maestro:call';
export const IPC_EVENT = 'maestro:event';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
