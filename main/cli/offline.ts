// `maestro tree` when no instance runs: read the data dir directly.
import type { TreeSnapshot } from '../core/types';
import { Engine } from '../core/engine';
import { CliError, dataDirFrom } from './client';
import { stripControls } from './terminal-safe';

export function offlineTree(dataDirOpt: string | undefined, rootId: string | undefined): TreeSnapshot {
  const engine = new Engine({ dataDir: dataDirFrom(dataDirOpt) });
  for (const n of engine.notices) process.stderr.write(`maestro: ${stripControls(n)}\n`);
  const id = rootId ?? (process.env.MAESTRO_ROOT_ID || engine.listRoots()[0]?.id);
  if (!id) throw new CliError(`there are no requests in ${engine.dataDir}`);
  try {
    return engine.tree(id);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
