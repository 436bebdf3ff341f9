// One connected client (an Electron window or a browser tab): its commands go to the dispatcher, the
// engine's events come back to it, and it streams the output of the sessions its visible panes show.
import type { CommandName, EngineEvents, EventName } from '../../../preload/contract';
import { commandSchemas } from '../../../preload/contract';
import { ApiError, type ServerMessage } from '../../../preload/wire';
import type { Attachment, Engine } from '../engine';
import { dispatch } from './dispatcher';

const STREAM_COMMANDS = new Set<string>(['session.attach', 'session.detach', 'session.ack']);

export class ClientBridge {
  private readonly attachments = new Map<string, Attachment>();
  private disposed = false;

  /**
   * `send` carries JSON messages. `sendTerminal`, when given, carries a session's output instead of
   * `session.data` events (the browser client's binary frames, preload/wire.ts).
   */
  constructor(
    private readonly engine: Engine,
    private readonly send: (m: ServerMessage) => void,
    private readonly sendTerminal?: (sessionId: string, data: string) => void,
  ) {}

  /** Runs a command for this client (as the app: admin). */
  async call(method: string, params: unknown): Promise<unknown> {
    if (!STREAM_COMMANDS.has(method)) return dispatch(this.engine, method, params, { kind: 'admin' });
    const parsed = commandSchemas[method as CommandName].safeParse(params ?? {});
    if (!parsed.success) throw new ApiError('bad-request', `invalid parameters for ${method}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { sessionId, chars } = parsed.data as { sessionId: string; chars?: number };
    if (method === 'session.ack') {
      this.attachments.get(sessionId)?.ack(chars ?? 0);
      return { ok: true };
    }
    if (method === 'session.detach') {
      this.attachments.get(sessionId)?.detach();
      this.attachments.delete(sessionId);
      return { ok: true };
    }
    // attach: a second attach of the same session replaces the first (a pane re-mounted).
    this.attachments.get(sessionId)?.detach();
    const stream = this.sendTerminal;
    const a = await this.engine.attachSession(
      sessionId,
      stream ? (data) => stream(sessionId, data) : (data) => this.send({ t: 'event', event: 'session.data', payload: { sessionId, data } }),
    );
    if (this.disposed) {
      a.detach();
      throw new ApiError('conflict', 'the client disconnected');
    }
    if (a.live) this.attachments.set(sessionId, a);
    return { data: a.data, restored: a.restored, live: a.live };
  }

  /** Forwards an engine event to this client. Terminal output is not an event here: it is streamed per attachment. */
  event<E extends EventName>(event: E, payload: EngineEvents[E]): void {
    if (event === 'session.data' || this.disposed) return;
    if (event === 'session.changed') {
      const info = payload as EngineEvents['session.changed'];
      if (info.status !== 'running' && info.status !== 'starting') this.attachments.delete(info.id);
    }
    this.send({ t: 'event', event, payload } as ServerMessage);
  }

  dispose(): void {
    this.disposed = true;
    for (const a of this.attachments.values()) a.detach();
    this.attachments.clear();
  }
}
