// `maestro tree` when no instance runs: read the data dir directly.
import type { TreeSnapshot } from '../../preload/model';
import { Engine } from '../core/engine';
import { resolveDataDir } from '../core/paths';
import { CliError } from './client';

export function offlineTree(dataDirOpt: string | undefined, rootId: string | undefined): TreeSnapshot {
  const engine = new Engine({ dataDir: resolveDataDir(dataDirOpt) });
  for (const n of engine.notices) process.stderr.write(`maestro: ${n}\n`);
  const id = rootId ?? process.env.MAESTRO_ROOT_ID ?? engine.listRoots()[0]?.id;
  if (!id) throw new CliError(`there are no requests in ${engine.dataDir}`);
  try {
    return engine.tree(id);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
