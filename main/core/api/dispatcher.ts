// The one dispatcher every transport calls: the local HTTP API (the `maestro` CLI), Electron IPC and
// the browser-mode WebSocket. It validates the parameters, checks the caller's scope and runs the command.
import {
  commandSchemas,
  type CommandName,
  type CommandResults,
  type ParsedParams,
} from '../../../preload/contract';
import { ApiError } from '../../../preload/wire';
import type { Engine } from '../engine';
import { authorize, type Caller } from './scope';

type Handler<K extends CommandName> = (
  engine: Engine,
  params: ParsedParams<K>,
  caller: Caller,
) => CommandResults[K] | Promise<CommandResults[K]>;

const handlers: { [K in CommandName]: Handler<K> } = {
  'roots.list': (e) => e.listRoots(),
  'roots.create': (e, p) => e.createRoot(p),
  'tree.get': (e, p) => e.tree(p.rootId, p.limit),
  'task.show': (e, p) => e.show(p.id, p.timelineLimit),
  'task.start': (e, p, c) => e.startTask(p.id, by(c)),
  'task.log': (e, p, c) => e.logTask(p.id, p.message, by(c)),
  'task.complete': (e, p, c) => e.completeTask(p.id, p.summary, by(c)),
  'task.fail': (e, p, c) => e.failTask(p.id, p.reason, by(c)),
  'task.block': (e, p, c) => e.blockTask(p.id, p.reason, by(c)),
  'subtask.add': (e, p, c) => e.addSubtask(p.parentId, p.title, p.description, by(c)),
  'task.retry': (e, p) => e.retry(p.id),
  'usage.record': (e, p, c) => e.recordUsage(p.id, p, by(c)),
  'plan.submit': (e, p) => e.submitPlan(p.rootId, p.plan),
  'plan.approve': (e, p) => e.approvePlan(p.rootId),
  'plan.reject': (e, p) => e.rejectPlan(p.rootId, p.reason),
  'plan.edit': (e, p) => e.editPlan(p.rootId, p.plan),
  'plan.replan': (e, p) => e.replan(p.rootId, p.feedback),
  'roots.pause': (e, p) => e.pauseRoot(p.rootId, p.stop),
  'roots.resume': (e, p) => e.resumeRoot(p.rootId),
  'roots.cancel': (e, p) => e.cancelRoot(p.rootId),
  'roots.delete': (e, p) => e.deleteRoot(p.rootId),
  'roots.rename': (e, p) => e.renameRoot(p.rootId, p.title),
  'roots.archive': (e, p) => e.archiveRoot(p.rootId, p.archived),
  'task.diff': (e, p) => e.diff(p.id, p.stat),
  'task.redo': (e, p) => e.redo(p.id, p.note),
  'roots.apply': (e, p) => e.applyRoot(p.rootId),
  'roots.discard': (e, p) => e.discardRoot(p.rootId),
  'secrets.status': (e) => e.secretsStatus(),
  'secrets.setApiKey': (e, p) => e.setApiKey(p.key),
  'session.stop': (e, p) => e.stopSession(p.sessionId),
  'session.attention': (e, p) => e.sessionAttention(p.sessionId, p.needsInput, p.message, p.transcriptPath),
  'session.write': (e, p) => {
    e.writeSession(p.sessionId, p.data);
    return { ok: true };
  },
  'session.resize': (e, p) => {
    e.resizeSession(p.sessionId, p.cols, p.rows);
    return { ok: true };
  },
  'session.replay': (e, p) => e.replaySession(p.sessionId, p.maxBytes),
  // Streaming belongs to a client connection (ClientBridge); without one there is nothing to attach.
  'session.attach': () => {
    throw new ApiError('bad-request', 'session.attach needs a streaming client (the app or the WebSocket)');
  },
  'session.detach': () => ({ ok: true }),
  'session.ack': () => ({ ok: true }),
  'app.info': (e) => e.info(),
  'settings.get': (e) => e.getSettings(),
  'settings.set': (e, p) => e.setSettings(p),
};

/** The reporting session, for the timeline. */
function by(caller: Caller): string | undefined {
  return caller.kind === 'session' ? caller.sessionId : undefined;
}

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commandSchemas, name);
}

/** Validates and runs one command. Throws ApiError (with a code every transport maps) on any problem. */
export async function dispatch(engine: Engine, method: string, params: unknown, caller: Caller): Promise<unknown> {
  if (!isCommandName(method)) throw new ApiError('not-found', `unknown command "${method}"`);
  const parsed = commandSchemas[method].safeParse(params ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`);
    throw new ApiError('bad-request', `invalid parameters for ${method}: ${problems.join('; ')}`);
  }
  const authorized = authorize(engine, method, parsed.data as Record<string, unknown>, caller);
  if (caller.kind === 'session') engine.touchSession(caller.sessionId);
  const handler = handlers[method] as Handler<CommandName>;
  return handler(engine, authorized as ParsedParams<CommandName>, caller);
}

/** Turns any thrown value into an ApiError; unexpected errors become `internal` with their message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}
