// How the CLI reaches the engine: inside a session through MAESTRO_API with the session's token,
// outside one through the running instance of the data dir (its admin token in instance.json).
import fs from 'node:fs';
import path from 'node:path';
import type { CommandName, CommandParams, CommandResults } from '../../preload/contract';

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

export function dataDirFrom(opt?: string): string {
  if (opt) return path.resolve(opt);
  if (process.env.MAESTRO_DATA_DIR) return path.resolve(process.env.MAESTRO_DATA_DIR);
  // Lazy: only commands that need the default data dir pay for computing it.
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '.';
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'maestro');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'maestro');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'maestro');
}

/** The endpoint to talk to, or undefined when no session and no running instance is there. */
export function findEndpoint(dataDirOpt?: string): Endpoint | undefined {
  if (process.env.MAESTRO_API && !dataDirOpt) {
    return { url: process.env.MAESTRO_API, token: process.env.MAESTRO_TOKEN ?? '', inSession: true };
  }
  const file = path.join(dataDirFrom(dataDirOpt), 'instance.json');
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
      `or with a running instance on ${dataDirFrom(dataDirOpt)} (start one with \`maestro serve\` or the app)`,
  );
}

export async function call<K extends CommandName>(
  ep: Endpoint,
  method: K,
  params: CommandParams<K>,
): Promise<CommandResults[K]> {
  let res: Response;
  try {
    res = await fetch(`${ep.url}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ep.token}` },
      body: JSON.stringify(params),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliError(`cannot reach Maestro at ${ep.url} (${cause}); is the app or \`maestro serve\` still running?`);
  }
  let body: { result?: unknown; error?: { code: string; message: string } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new CliError(`Maestro answered ${res.status} without a JSON body`);
  }
  if (!res.ok || body.error) throw new CliError(body.error?.message ?? `Maestro answered ${res.status}`);
  return body.result as CommandResults[K];
}
