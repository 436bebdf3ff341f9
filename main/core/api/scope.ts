// What a token may do: one table, consulted for every command before it reaches the engine.
//
// The admin token (the app, the CLI outside sessions) may call anything. A session token is valid only
// while its session runs, and reaches only its own request: it may read the request, change only its
// own group's subtree, and (the orchestrator) submit the request's plan. Task ids given as plan ids
// (`s2`, `g1`) are resolved here, within the caller's request.
import type { CommandName } from '../../../preload/contract';
import { isWithin } from '../../../preload/tree';
import { ApiError } from '../../../preload/wire';
import type { Engine } from '../engine';
import { label } from '../engine/state';

/** Who is calling: the app and the CLI outside sessions are `admin`; a session is scoped to its task. */
export type Caller = { kind: 'admin' } | { kind: 'session'; sessionId: string; rootId: string; scopeTaskId: string };

/**
 * - `app`: the admin token only.
 * - `read <param>`: a session may name a task (or its request) of its own request.
 * - `write <param>`: a session may name a task of its own group's subtree.
 * - `plan`: only the orchestrator session of the request (its scope is the root).
 * - `self`: a session may name only itself (`sessionId`).
 */
type Access = 'app' | { read: 'id' | 'rootId' } | { write: 'id' | 'parentId' } | 'plan' | 'self';

export const SCOPE: { readonly [K in CommandName]: Access } = {
  'roots.list': 'app',
  'roots.create': 'app',
  'tree.get': { read: 'rootId' },
  'task.show': { read: 'id' },
  'task.start': { write: 'id' },
  'task.log': { write: 'id' },
  'task.complete': { write: 'id' },
  'task.fail': { write: 'id' },
  'task.block': { write: 'id' },
  'subtask.add': { write: 'parentId' },
  'usage.record': { write: 'id' },
  'task.retry': 'app',
  'task.diff': { read: 'id' },
  'task.redo': 'app',
  'roots.apply': 'app',
  'roots.discard': 'app',
  'plan.submit': 'plan',
  'plan.approve': 'app',
  'plan.reject': 'app',
  'plan.edit': 'app',
  'plan.replan': 'app',
  'roots.pause': 'app',
  'roots.resume': 'app',
  'roots.cancel': 'app',
  'roots.delete': 'app',
  'roots.rename': 'app',
  'roots.archive': 'app',
  'secrets.status': 'app',
  'secrets.setApiKey': 'app',
  'session.stop': 'app',
  'session.attention': 'self',
  'session.write': 'app',
  'session.resize': 'app',
  'session.replay': 'app',
  'session.attach': 'app',
  'session.detach': 'app',
  'session.ack': 'app',
  'app.info': 'app',
  'settings.get': 'app',
  'settings.set': 'app',
};

/**
 * Checks the caller against the table and returns the parameters with the task id resolved (plan ids
 * become task ids within the caller's request). Throws `forbidden` or `not-found`.
 */
export function authorize<P extends Record<string, unknown>>(engine: Engine, method: CommandName, params: P, caller: Caller): P {
  if (caller.kind === 'admin') return params;
  const access = SCOPE[method];
  if (access === 'app') throw new ApiError('forbidden', `a session token may not call ${method}`);
  if (access === 'plan') {
    if (caller.scopeTaskId !== params.rootId) throw new ApiError('forbidden', 'only the orchestrator session of this request may submit its plan');
    return params;
  }
  if (access === 'self') {
    if (params.sessionId !== caller.sessionId) throw new ApiError('forbidden', `a session may only set its own state, not that of session ${String(params.sessionId)}`);
    return params;
  }
  if ('read' in access && access.read === 'rootId') {
    if (params.rootId !== caller.rootId) throw new ApiError('forbidden', 'this session may only read its own request');
    return params;
  }
  const key = 'read' in access ? access.read : access.write;
  const hit = engine.requests.find(String(params[key]), caller.rootId);
  if (!hit) {
    throw new ApiError('not-found', `no task "${String(params[key])}" (use a task id like task-abc123de or a plan id like s1 from your prompt)`);
  }
  if (hit.state.doc.rootId !== caller.rootId) throw new ApiError('forbidden', `task ${String(params[key])} belongs to another request`);
  if ('write' in access && !isWithin(hit.state.tasks, hit.task.id, caller.scopeTaskId)) {
    const scope = hit.state.tasks.get(caller.scopeTaskId);
    throw new ApiError(
      'forbidden',
      `this session may only change tasks of its own group ${scope ? label(scope) : caller.scopeTaskId}; ${label(hit.task)} is outside it`,
    );
  }
  return { ...params, [key]: hit.task.id };
}
