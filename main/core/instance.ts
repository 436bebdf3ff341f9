// A running Maestro instance on a data dir: the engine, its local API and <dataDir>/instance.json,
// which lets the CLI outside a session find the instance (and keeps two engines off one data dir).
import fs from 'node:fs';
import path from 'node:path';
import { startApiServer, type ApiServer } from './api/http';
import { Engine, type EngineOptions } from './engine';
import { newToken } from './ids';
import { processAlive } from './sessions/orphans';
import { assertWritable, DataDirError } from './data-dir';

export interface InstanceInfo {
  pid: number;
  apiUrl: string;
  adminToken: string;
  startedAt: number;
}

export class DataDirInUseError extends Error {
  constructor(readonly instance: InstanceInfo, dataDir: string) {
    super(`the data dir ${dataDir} is in use by Maestro (pid ${instance.pid}, ${instance.apiUrl})`);
    this.name = 'DataDirInUseError';
  }
}

export function instanceFile(dataDir: string): string {
  return path.join(dataDir, 'instance.json');
}


/** The live instance on a data dir, if one is running (a stale file from a crash is ignored). */
export function findInstance(dataDir: string): InstanceInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(instanceFile(dataDir), 'utf8')) as InstanceInfo;
    if (typeof info.pid === 'number' && typeof info.apiUrl === 'string' && info.pid !== process.pid && processAlive(info.pid)) return info;
  } catch {
    // no instance
  }
  return undefined;
}

export interface Instance {
  engine: Engine;
  api: ApiServer;
  adminToken: string;
  close(): Promise<void>;
}

export async function startInstance(opts: EngineOptions & { port?: number }): Promise<Instance> {
  const running = findInstance(opts.dataDir);
  if (running) throw new DataDirInUseError(running, opts.dataDir);
  // A data dir that cannot be written is said at once, before anything starts (a read-only folder, a full disk).
  assertWritable(opts.dataDir);
  const engine = new Engine(opts);
  const adminToken = newToken();
  let api: ApiServer;
  try {
    api = await startApiServer(engine, { adminToken, port: opts.port });
  } catch (err) {
    await engine.close();
    throw err;
  }
  engine.apiUrl = api.url;
  const info: InstanceInfo = { pid: process.pid, apiUrl: api.url, adminToken, startedAt: Date.now() };
  const file = instanceFile(opts.dataDir);
  try {
    fs.writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
  } catch (err) {
    await api.close();
    await engine.close();
    throw new DataDirError(opts.dataDir, 'instance.json', err);
  }
  let closed = false;
  return {
    engine,
    api,
    adminToken,
    async close() {
      if (closed) return;
      closed = true;
      await engine.close();
      await api.close();
      try {
        const cur = JSON.parse(fs.readFileSync(file, 'utf8')) as InstanceInfo;
        if (cur.pid === process.pid) fs.unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}
