// How the CLI reaches the engine: inside a session through MAESTRO_API with the session's token,
// outside one through the running instance of the data dir (its admin token in instance.json).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { CommandName, CommandParams, CommandResults } from '../../preload/contract';
import { resolveDataDir } from '../core/paths';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
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

/** The endpoint to talk to, or undefined when no session and no running instance is there. */
export function findEndpoint(dataDirOpt?: string): Endpoint | undefined {
  if (process.env.MAESTRO_API && !dataDirOpt) {
    return { url: process.env.MAESTRO_API, token: process.env.MAESTRO_TOKEN ?? '', inSession: true };
  }
  const file = path.join(resolveDataDir(dataDirOpt), 'instance.json');
  let info: { pid?: number; apiUrl?: string; adminToken?: string };
  try {
    info = JSON.parse(fs.readFileSync(file, 'utf8'));
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

export function requireEndpoint(dataDirOpt?: string): Endpoint {
  const ep = findEndpoint(dataDirOpt);
  if (ep) return ep;
  throw new CliError(
    `no running Maestro found: this command works inside a worker session (MAESTRO_API is set there) ` +
      `or with a running instance on ${resolveDataDir(dataDirOpt)} (start one with \`maestro serve\` or the app)`,
  );
}

export async function call<K extends CommandName>(
  ep: Endpoint,
  method: K,
  params: CommandParams<K>,
): Promise<CommandResults[K]> {
  let res: { status: number; text: string };
  try {
    res = await post(new URL(`${ep.url}/api/${method}`), ep.token, JSON.stringify(params));
  } catch (err) {
    const cause = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CliError(`cannot reach Maestro at ${ep.url} (${cause}); is the app or \`maestro serve\` still running?`);
  }
  let body: { result?: unknown; error?: { code: string; message: string } };
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    throw new CliError(`Maestro answered ${res.status} without a JSON body`);
  }
  if (res.status !== 200 || body.error) throw new CliError(body.error?.message ?? `Maestro answered ${res.status}`);
  return body.result as CommandResults[K];
}

/**
 * One POST over node:http, on a connection of its own that closes after the answer. Workers run the CLI
 * for every report, so its start-up counts: fetch() would first load undici (tens of ms), and its
 * kept-alive socket would hold the process open after the answer.
 */
async function post(url: URL, token: string, body: string): Promise<{ status: number; text: string }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
  const transport = url.protocol === 'https:' ? await import('node:https') : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
