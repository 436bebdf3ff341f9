// Errors of API calls, whatever the transport: an ApiError (WebSocket), or an Error whose message the
// Electron preload prefixed with the code (`[conflict] …`: only the message crosses the context bridge).
import type { ApiErrorCode } from '../../preload/contract';

const CODES: ReadonlySet<string> = new Set<ApiErrorCode>(['bad-request', 'unauthorized', 'forbidden', 'not-found', 'conflict', 'internal']);
const PREFIXED = /^\[([a-z-]+)\]\s*([\s\S]*)$/;

function rawMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** The API error code of a failed call, if it carries one. */
export function errorCode(error: unknown): ApiErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CODES.has(code)) return code as ApiErrorCode;
  const m = PREFIXED.exec(rawMessage(error));
  return m && CODES.has(m[1]) ? (m[1] as ApiErrorCode) : undefined;
}

/** A readable one-line message for anything a call can throw: the engine's message, without the code prefix. */
export function errorMessage(error: unknown): string {
  const raw = rawMessage(error);
  const m = PREFIXED.exec(raw);
  return m && CODES.has(m[1]) ? m[2] : raw;
}
