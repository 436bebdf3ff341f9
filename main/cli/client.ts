// How the CLI reaches the engine: inside a session through MAESTRO_API with the session's token,
// outside one through the running instance of the data dir (its admin token in instance.json).
// Inside a session (MAESTRO_SESSION_ID set) nothing else is used: a worker that unsets its token must
// not reach the admin token of a data dir, nor read the data dir directly.
// Named imports only: in the CommonJS report entry a default import costs esbuild's interop copy of the module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandName, CommandParams, CommandResults } from '../../preload/contract';
import { resolveDataDir } from '../core/data-dir-location';
import { MalformedAnswer, post } from './http-post';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The API's error code when the engine refused the command (bad-request, forbidden, …). */
    readonly apiCode?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Endpoint {
  url: string;
  token: string;
  /** Inside a worker or orchestrator session. */
  inSession: boolean;
}

/**
 * The endpoint to talk to, or undefined when no session and no running instance is there. Inside a
 * session it is MAESTRO_API with MAESTRO_TOKEN or an error: never the data dir (see the top).
 */
export function findEndpoint(dataDirOpt?: string): Endpoint | undefined {
  if (process.env.MAESTRO_SESSION_ID) return sessionEndpoint(dataDirOpt);
  if (process.env.MAESTRO_API && !dataDirOpt) {
    return { url: process.env.MAESTRO_API, token: process.env.MAESTRO_TOKEN ?? '', inSession: true };
  }
  const file = join(resolveDataDir(dataDirOpt), 'instance.json');
  let info: { pid?: number; apiUrl?: string; adminToken?: string };
  try {
    info = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!info.apiUrl || !info.adminToken || !info.pid) return undefined;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return { url: info.apiUrl, token: info.adminToken, inSession: false };
}

function sessionEndpoint(dataDirOpt: string | undefined): Endpoint {
  const rule = 'inside a session (MAESTRO_SESSION_ID is set) the CLI uses only MAESTRO_API and MAESTRO_TOKEN';
  if (dataDirOpt) throw new CliError(`${rule}; --data-dir is refused`);
  const url = process.env.MAESTRO_API;
  const token = process.env.MAESTRO_TOKEN;
  const missing = [url ? '' : 'MAESTRO_API', token ? '' : 'MAESTRO_TOKEN'].filter(Boolean);
  if (!url || !token) {
    throw new CliError(`${rule}, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set (the data dir's instance is never used from a session)`);
  }
  return { url, token, inSession: true };
}

export function requireEndpoint(dataDirOpt?: string): Endpoint {
  const ep = findEndpoint(dataDirOpt);
  if (ep) return ep;
  throw new CliError(
    `no running Maestro found: this command works inside a worker session (MAESTRO_API is set there) ` +
      `or with a running instance on ${resolveDataDir(dataDirOpt)} (start one with \`maestro serve\` or the app)`,
  );
}

/** The largest request body the API reads (MAX_BODY_BYTES in main/core/api/http.ts; a test keeps them equal). */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

export async function call<K extends CommandName>(
  ep: Endpoint,
  method: K,
  params: CommandParams<K>,
): Promise<CommandResults[K]> {
  const payload = JSON.stringify(params);
  const size = Buffer.byteLength(payload);
  if (size > MAX_REQUEST_BYTES) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new CliError(`this ${method} request is ${mb(size)}; Maestro takes at most ${mb(MAX_REQUEST_BYTES)} a request`, 2);
  }
  if (/[^\x21-\x7e]/.test(ep.token)) throw new CliError('the token (MAESTRO_TOKEN inside a session) holds characters an HTTP header cannot carry');
  let res: { status: number; text: string };
  try {
    res = await post(new URL(`${ep.url}/api/${method}`), { 'content-type': 'application/json', authorization: `Bearer ${ep.token}` }, payload);
  } catch (err) {
    if (err instanceof MalformedAnswer) throw new CliError(`Maestro at ${ep.url} sent an answer the CLI cannot read: ${err.message}`);
    const cause = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CliError(`cannot reach Maestro at ${ep.url} (${cause}); is the app or \`maestro serve\` still running?`);
  }
  let body: { result?: unknown; error?: { code: string; message: string } };
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    throw new CliError(`Maestro answered ${res.status} without a JSON body`);
  }
  if (res.status !== 200 || body.error) throw new CliError(body.error?.message ?? `Maestro answered ${res.status}`, 1, body.error?.code);
  return body.result as CommandResults[K];
}
