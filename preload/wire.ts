// The message shapes of the browser-mode WebSocket (main/server). Electron IPC carries the same
// command names and payloads through ipcRenderer.invoke / webContents.send (preload/index.ts).
import type { ApiErrorCode, CommandName, EngineEvents, EventName } from './contract';

/**
 * A call gets one `result` or `error` answer. An `ack` (the client parsed `chars` more of a session's
 * output: `session.ack` without an answer) gets none: acknowledgements flow at the stream's pace, and an
 * answer per batch would only cost both sides a message (and cut the Worker's batches, which flush
 * before every text frame).
 */
export type ClientMessage = { t: 'call'; id: number; method: CommandName; params: unknown } | AckMessage;
export type AckMessage = { t: 'ack'; sessionId: string; chars: number };

export type ServerMessage =
  | { t: 'result'; id: number; result: unknown }
  | { t: 'error'; id: number; error: { code: ApiErrorCode; message: string } }
  | { [E in EventName]: { t: 'event'; event: E; payload: EngineEvents[E] } }[EventName];

/** The WebSocket path; the token travels as the `token` query parameter, as in the page URL. */
export const WS_PATH = '/ws';
/** IPC channel names in Electron. */
export const IPC_CALL = 'maestro:call';
export const IPC_EVENT = 'maestro:event';
/** The desktop app's folder picker (a native dialog: not an engine command). */
export const IPC_PICK_FOLDER = 'maestro:pick-folder';
/**
 * Electron's terminal stream: the page asks for its MessagePort on this channel; the main process sends
 * the port back on the same channel, and the preload posts it to the page's window as the message
 * TERMINAL_PORT_MESSAGE. The page's first message over the port, TERMINAL_PORT_READY, tells the main
 * process the port works: from then on the sessions the window attaches stream binary terminal frames
 * (below) through it instead of `session.data` IPC events.
 */
export const IPC_TERMINAL_PORT = 'maestro:terminal-port';
export const TERMINAL_PORT_MESSAGE = 'maestro:terminal-port';
export const TERMINAL_PORT_READY = 'maestro:terminal-port-ready';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// ---- terminal data as binary WebSocket frames ------------------------------------------------------
// Commands, results and events stay JSON text frames. A client that opens the WebSocket with
// `?frames=binary` gets each session's output as binary frames instead of `session.data` events:
//   byte 0      TERMINAL_FRAME (1)
//   bytes 1–4   the batch's length in UTF-16 chars (u32, little-endian): the unit of `session.ack`
//   byte 5      n, the length of the session id in bytes
//   bytes 6…    the session id (UTF-8), then the output itself (UTF-8)

/** The query parameter (and its value) that asks the server for binary terminal frames. */
export const BINARY_FRAMES_PARAM = 'frames';
export const BINARY_FRAMES_VALUE = 'binary';
export const TERMINAL_FRAME = 1;
const HEADER = 6;

const encoder = new TextEncoder();

/** One session's batch as a binary frame. */
export function encodeTerminalFrame(sessionId: string, data: string): Uint8Array {
  const id = encoder.encode(sessionId);
  if (id.length > 255) throw new Error('a session id longer than 255 bytes cannot be framed');
  // UTF-8 needs at most 3 bytes per UTF-16 unit.
  const out = new Uint8Array(HEADER + id.length + data.length * 3);
  out[0] = TERMINAL_FRAME;
  new DataView(out.buffer).setUint32(1, data.length, true);
  out[5] = id.length;
  out.set(id, HEADER);
  const { written } = encoder.encodeInto(data, out.subarray(HEADER + id.length));
  return out.subarray(0, HEADER + id.length + written);
}

export interface TerminalFrame {
  sessionId: string;
  /** UTF-16 chars the bytes decode to (what the client acknowledges). */
  chars: number;
  /** The output, UTF-8; a view into the frame. */
  bytes: Uint8Array;
}

const decoder = new TextDecoder();

/** Reads a binary frame, or returns null when it is not a well-formed terminal frame. */
export function decodeTerminalFrame(frame: ArrayBuffer | Uint8Array): TerminalFrame | null {
  const u8 = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (u8.length < HEADER || u8[0] !== TERMINAL_FRAME) return null;
  const idLen = u8[5]!;
  if (u8.length < HEADER + idLen) return null;
  const chars = new DataView(u8.buffer, u8.byteOffset, u8.byteLength).getUint32(1, true);
  const sessionId = decoder.decode(u8.subarray(HEADER, HEADER + idLen));
  return { sessionId, chars, bytes: u8.subarray(HEADER + idLen) };
}
