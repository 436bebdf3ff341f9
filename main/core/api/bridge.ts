// One connected client (an Electron window or a browser tab): its commands go to the dispatcher, the
// engine's events come back to it, and it streams the output of the sessions its visible panes show.
import type { CommandName, EngineEvents, EventName } from '../../../preload/contract';
import { commandSchemas } from '../../../preload/contract';
import { ApiError, type ServerMessage } from '../../../preload/wire';
import type { Attachment, Engine } from '../engine';
import { dispatch } from './dispatcher';

const STREAM_COMMANDS = new Set<string>(['session.attach', 'session.detach', 'session.ack']);

/**
 * Chars a binary client may hold unacknowledged beyond the engine's own window (256 KiB high watermark,
 * main/core/terminal): about 1 MiB in all, so a batch in flight, one being parsed and the acks' round
 * trip through the Worker overlap instead of taking turns.
 */
export const BINARY_EXTRA_WINDOW = 768 * 1024;

/**
 * Widens the engine's flow-control window for one client by `extra` chars: the engine is told "acknowledged"
 * at once for output while the client holds at most `extra` unacknowledged chars, and only as the client
 * acknowledges beyond that. The engine then pauses the PTY when the client holds extra + its high watermark.
 */
export class WideWindow {
  /** Sent to the client and not acknowledged by it. */
  private outstanding = 0;
  /** Sent and not yet acknowledged to the engine. */
  private engineUnacked = 0;

  constructor(private readonly extra: number) {}

  /** `chars` went to the client; returns the chars to acknowledge to the engine now. */
  sent(chars: number): number {
    this.outstanding += chars;
    this.engineUnacked += chars;
    return this.release();
  }

  /** The client acknowledged `chars`; returns the chars to acknowledge to the engine now. */
  acked(chars: number): number {
    this.outstanding = Math.max(0, this.outstanding - chars);
    return this.release();
  }

  private release(): number {
    const keep = Math.max(0, this.outstanding - this.extra);
    const give = this.engineUnacked - keep;
    if (give <= 0) return 0;
    this.engineUnacked = keep;
    return give;
  }
}

export class ClientBridge {
  private readonly attachments = new Map<string, Attachment>();
  /** Bumped by every attach and detach of a session: an attach that was overtaken while it waited is dropped. */
  private readonly generation = new Map<string, number>();
  private disposed = false;

  /**
   * `send` carries JSON messages. `sendTerminal`, when given, carries a session's output instead of
   * `session.data` events (binary frames, preload/wire.ts: the browser client's WebSocket, an Electron
   * window's MessagePort).
   */
  constructor(
    private readonly engine: Engine,
    private readonly send: (m: ServerMessage) => void,
    private sendTerminal?: (sessionId: string, data: string) => void,
  ) {}

  /**
   * The output of sessions attached from now on goes through `sendTerminal` (or, with undefined, as
   * `session.data` events again); attachments already made keep the way they had. An Electron window
   * switches once its MessagePort has proved to work (main/electron/main.ts).
   */
  streamTerminal(sendTerminal: ((sessionId: string, data: string) => void) | undefined): void {
    this.sendTerminal = sendTerminal;
  }

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
    const gen = (this.generation.get(sessionId) ?? 0) + 1;
    this.generation.set(sessionId, gen);
    if (method === 'session.detach') {
      this.attachments.get(sessionId)?.detach();
      this.attachments.delete(sessionId);
      return { ok: true };
    }
    // attach: a second attach of the same session replaces the first (a pane re-mounted).
    this.attachments.get(sessionId)?.detach();
    const stream = this.sendTerminal;
    if (!stream) {
      const a = await this.engine.attachSession(sessionId, (data) => this.send({ t: 'event', event: 'session.data', payload: { sessionId, data } }));
      return this.keep(sessionId, gen, a);
    }
    // Binary clients acknowledge per batch of up to 256 KiB: widen their window (see WideWindow).
    const win = new WideWindow(BINARY_EXTRA_WINDOW);
    let engineSide: Attachment | null = null;
    let owed = 0;
    const a = await this.engine.attachSession(sessionId, (data) => {
      stream(sessionId, data);
      owed += win.sent(data.length);
      if (engineSide && owed > 0) {
        engineSide.ack(owed);
        owed = 0;
      }
    });
    engineSide = a;
    if (owed > 0) a.ack(owed);
    return this.keep(sessionId, gen, {
      ...a,
      ack: (chars) => {
        const give = win.acked(chars);
        if (give > 0) a.ack(give);
      },
    });
  }

  private keep(sessionId: string, gen: number, a: Attachment): { data: string; restored: boolean; live: boolean } {
    if (this.disposed) {
      a.detach();
      throw new ApiError('conflict', 'the client disconnected');
    }
    if (this.generation.get(sessionId) !== gen) {
      // A detach (or a newer attach) came while this one waited: it must not leave a second stream.
      a.detach();
      return { data: a.data, restored: a.restored, live: false };
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
