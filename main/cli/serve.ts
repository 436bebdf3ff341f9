// `maestro serve`: the app in a browser — the engine, its local API, the built renderer and the WebSocket.
import path from 'node:path';
import { DataDirInUseError, startInstance } from '../core/instance';
import { appRoot, resolveDataDir } from '../core/paths';
import { isLoopbackHost } from '../core/api/guard';
import { startUiServer } from '../server/server';
import { CliError } from './client';
import { stripControls } from './terminal-safe';

export interface ServeOptions {
  host: string;
  port: string;
  dataDir?: string;
  workspace?: string;
  /** `--allow-remote` alone (true) or with a comma-separated list of hostnames. */
  allowRemote?: boolean | string;
}

export async function serveCommand(o: ServeOptions): Promise<void> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port takes a port number (0 for any free one), not "${o.port}"`, 2);
  if (!isLoopbackHost(o.host) && !o.allowRemote) {
    throw new CliError(`refusing to serve on ${o.host}, which is not a loopback address: add --allow-remote if you mean it`, 2);
  }
  if (o.workspace) process.chdir(path.resolve(o.workspace));
  let instance;
  try {
    instance = await startInstance({ dataDir: resolveDataDir(o.dataDir) });
  } catch (err) {
    if (err instanceof DataDirInUseError) throw new CliError(`${err.message}; pass another --data-dir`);
    throw err;
  }
  for (const n of instance.engine.notices) process.stderr.write(`maestro: ${stripControls(n)}\n`);
  let ui;
  try {
    ui = await startUiServer({
      engine: instance.engine,
      token: instance.adminToken,
      staticDir: path.join(appRoot(), 'dist', 'renderer'),
      host: o.host,
      port,
      allowRemote: !!o.allowRemote,
      allowHosts: typeof o.allowRemote === 'string' ? o.allowRemote.split(',').map((h) => h.trim()).filter(Boolean) : [],
      onError: (err) => process.stderr.write(`maestro: a request failed: ${(err as Error)?.stack ?? String(err)}\n`),
    });
  } catch (err) {
    await instance.close();
    throw new CliError((err as Error).message);
  }
  // Last line of defence: every handler catches its own errors, but a bug that slips through must not
  // end the process and with it every running session. It is reported and the server carries on.
  const survive = (err: unknown) => process.stderr.write(`maestro: internal error (serve keeps running): ${(err as Error)?.stack ?? String(err)}\n`);
  process.on('uncaughtException', survive);
  process.on('unhandledRejection', survive);
  process.stdout.write(`Maestro UI: ${ui.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('maestro: stopping…\n');
  await ui.close();
  await instance.close();
}
