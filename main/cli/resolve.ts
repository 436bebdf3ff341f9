// Plan ids (`s5`, `g2`) outside a session. Inside one, the engine looks them up in the session's own
// request; outside, the CLI does it here: within the request given with --request, else
// $MAESTRO_ROOT_ID, else the latest request — the one `maestro tree` shows by default.
import type { TreeSnapshot } from '../../preload/model';
import { call, CliError, type Endpoint } from './client';
import { quote } from '../core/text';

/** Where the tree of a request comes from: the running instance, or the data dir read directly. */
export interface TreeSource {
  /** The newest request, or undefined when there is none. */
  latestRoot(): Promise<string | undefined> | string | undefined;
  tree(rootId: string): Promise<TreeSnapshot> | TreeSnapshot;
}

/** A task id as the engine makes them (`task-…`): used as it is. */
export function isTaskId(id: string): boolean {
  return /^task-[a-z0-9]+$/i.test(id);
}

/** True when the CLI must look plan ids up itself: outside a session. */
export function outsideSession(): boolean {
  return !process.env.MAESTRO_SESSION_ID;
}

/** The task id of `id`: a task id as it is, a plan id looked up within the request (see the top). */
export async function resolveTaskId(id: string, source: TreeSource, request?: string): Promise<string> {
  if (isTaskId(id)) return id;
  const given = request?.trim() || process.env.MAESTRO_ROOT_ID || undefined;
  const rootId = given ?? (await source.latestRoot());
  if (!rootId) throw new CliError(`no task ${quote(id)}: there are no requests yet`);
  const tree = await source.tree(rootId);
  if (id === tree.rootId) return id;
  const hit = tree.tasks.find((t) => t.planId === id);
  if (hit) return hit.id;
  const where = request ? `request ${rootId}` : `the latest request (${rootId})`;
  const known = tree.tasks.flatMap((t) => (t.planId ? [t.planId] : []));
  const listed = known.length ? `; its plan ids: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}` : '';
  throw new CliError(`no task ${quote(id)} in ${where}${listed}. Give a task id (task-…), or the request with --request <rootId>`);
}

/** The running instance's API as a tree source. */
export function apiSource(ep: Endpoint): TreeSource {
  return {
    async latestRoot() {
      const roots = await call(ep, 'roots.list', {});
      return roots[0]?.id;
    },
    tree: (rootId) => call(ep, 'tree.get', { rootId }),
  };
}

/** resolveTaskId through the API when it is needed (outside a session); inside one the engine resolves. */
export async function resolveOnline(ep: Endpoint, id: string, request?: string): Promise<string> {
  if (isTaskId(id) || !outsideSession()) return id;
  return resolveTaskId(id, apiSource(ep), request);
}
