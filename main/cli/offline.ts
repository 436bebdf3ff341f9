// `maestro tree` and `maestro task show` when no instance runs: read the data dir directly, changing
// nothing on disk (main/core/engine/readonly.ts).
import type { DiffResult, TaskDetail } from '../../preload/contract';
import type { TreeSnapshot } from '../../preload/model';
import { readDataDir } from '../core/engine/readonly';
import { diffOf } from '../core/engine/review';
import { listRoots, taskDetail, treeSnapshot } from '../core/engine/views';
import { resolveDataDir } from '../core/paths';
import { CliError } from './client';
import type { TreeSource } from './resolve';
import { stripControls } from './terminal-safe';

function open(dataDirOpt: string | undefined) {
  const dataDir = resolveDataDir(dataDirOpt);
  const view = readDataDir(dataDir);
  for (const n of view.notices) process.stderr.write(`maestro: ${stripControls(n)}\n`);
  return { dataDir, ...view };
}

export function offlineTree(dataDirOpt: string | undefined, rootId: string | undefined): TreeSnapshot {
  const { dataDir, requests } = open(dataDirOpt);
  const id = rootId || process.env.MAESTRO_ROOT_ID || listRoots(requests.all())[0]?.id;
  if (!id) throw new CliError(`there are no requests in ${dataDir}`);
  const state = requests.maybe(id);
  if (!state) throw new CliError(`no request with id "${id}" in ${dataDir}`);
  return treeSnapshot(state);
}

/** A task by id, or by plan id within `rootId` (default: the latest request). */
export function offlineShow(dataDirOpt: string | undefined, id: string, rootId: string | undefined, timelineLimit: number): TaskDetail {
  const { dataDir, requests } = open(dataDirOpt);
  const within = rootId || listRoots(requests.all())[0]?.id;
  const hit = requests.find(id, within);
  if (!hit) throw new CliError(`no task "${id}" in ${dataDir}${within ? ` (plan ids are looked up in request ${within})` : ''}`);
  return taskDetail(hit.state, hit.task, timelineLimit);
}

/** `maestro diff` without an instance: reads the request and asks git (nothing of Maestro's changes). */
export async function offlineDiff(dataDirOpt: string | undefined, id: string, rootId: string | undefined, stat: boolean): Promise<DiffResult> {
  const { dataDir, requests } = open(dataDirOpt);
  const within = rootId || process.env.MAESTRO_ROOT_ID || listRoots(requests.all())[0]?.id;
  const hit = requests.find(id, within);
  if (!hit) throw new CliError(`no task "${id}" in ${dataDir}${within ? ` (plan ids are looked up in request ${within})` : ''}`);
  try {
    return await diffOf(hit.state, hit.task, stat);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** The data dir read directly, as a tree source for plan ids (resolve.ts); read once, on first use. */
export function offlineSource(dataDirOpt: string | undefined): TreeSource {
  let view: ReturnType<typeof open> | undefined;
  const get = () => (view ??= open(dataDirOpt));
  return {
    latestRoot: () => listRoots(get().requests.all())[0]?.id,
    tree: (rootId) => {
      const { dataDir, requests } = get();
      const state = requests.maybe(rootId);
      if (!state) throw new CliError(`no request with id "${rootId}" in ${dataDir}`);
      return treeSnapshot(state);
    },
  };
}
