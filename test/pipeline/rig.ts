// The terminal pipeline end to end, for tests: a real engine with real PTYs (recorded, to observe pause
// and resume), the browser-mode server, and clients speaking its WebSocket protocol — either a bare
// wire client or the renderer's own stack (WsApi → TerminalRouter → connectTerminal) into a headless
// xterm. Workers run shell scripts: the `custom` agent runs run.sh, which runs scripts/<group title>.sh.
import fs from 'node:fs';
import path from 'node:path';
import * as headless from '@xterm/headless';
import { WebSocket } from 'ws';
import type { CommandName, CommandParams, CommandResults, EngineEvents, EventName } from '../../preload/contract';
import { WS_PATH, type ServerMessage } from '../../preload/wire';
import { Engine } from '../../main/core/engine';
import type { SessionInfo, TreeSnapshot } from '../../preload/model';
import { RecordingBackend } from '../../main/core/terminal/test-support';
import { startUiServer, type UiServer } from '../../main/server/server';
import { WsApi, type SocketLike } from '../../renderer/api/ws-client';
import { connectTerminal, type TerminalConnection } from '../../renderer/terminal/connect';
import { TerminalRouter } from '../../renderer/terminal/router';
import { tmpDir, waitFor } from '../helpers';

const { Terminal } = ((headless as unknown as { default?: typeof headless }).default ?? headless) as typeof headless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

export const TOKEN = 'pipeline-test-token';

/**
 * Scripts start with this: echo off, say so with READY, then wait for one line (`Rig.release`) before
 * producing output. Writing before the echo is off would show the typed line in the output.
 */
export const GATE = "stty -echo; printf '#ready\\n'; IFS= read -r _";
/** What GATE prints, as the PTY delivers it. */
export const READY = '#ready\r\n';

const RUN_SH = `#!/bin/sh
name=$(sed -n '1s/.*Your group is "\\([^"]*\\)".*/\\1/p' "$1")
exec sh "$(dirname "$0")/scripts/$name.sh"
`;

export interface Rig {
  engine: Engine;
  backend: RecordingBackend;
  dataDir: string;
  workspace: string;
  server: UiServer;
  wsUrl: string;
  /** Creates a request with one group per script (named by its key) and returns the running sessions in plan order. */
  run(scripts: Record<string, string>, order?: string[]): Promise<SessionInfo[]>;
  logOf(sessionId: string): string;
  /** Lets a gated script go on, once it is waiting with its echo off. */
  release(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  dataDir?: string;
  concurrency?: number;
  /** Re-deliver every PTY chunk in pieces of at most this many chars (a storm of tiny chunks). */
  split?: number;
}

export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const dataDir = opts.dataDir ?? tmpDir('maestro-pipeline-');
  const workspace = tmpDir('maestro-pipeline-ws-');
  fs.mkdirSync(path.join(workspace, 'scripts'));
  fs.writeFileSync(path.join(workspace, 'run.sh'), RUN_SH, { mode: 0o755 });
  const backend = new RecordingBackend(undefined, opts.split ?? 0);
  const engine = new Engine({ dataDir, pty: backend, overrides: { concurrency: opts.concurrency ?? 8 } });
  const staticDir = tmpDir('maestro-pipeline-static-');
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>test</title>');
  const server = await startUiServer({ engine, token: TOKEN, staticDir });
  const wsUrl = `${new URL(server.url).origin.replace(/^http/, 'ws')}${WS_PATH}?token=${TOKEN}`;
  return {
    engine,
    backend,
    dataDir,
    workspace,
    server,
    wsUrl,
    async run(scripts, order = Object.keys(scripts)) {
      for (const [name, body] of Object.entries(scripts)) fs.writeFileSync(path.join(workspace, 'scripts', `${name}.sh`), `${body}\n`);
      const plan = {
        summary: 'pipeline test',
        groups: order.map((name, i) => ({ id: `g${i + 1}`, title: name, subtasks: [{ id: `s${i + 1}`, title: `step ${i + 1}`, description: '' }] })),
      };
      const tree: TreeSnapshot = await engine.createRoot({ request: 'pipeline test', workspace, agentCommand: 'exec sh ./run.sh {taskFile}', plan });
      const groups = tree.tasks.filter((t) => t.kind === 'group').sort((a, b) => a.planId!.localeCompare(b.planId!, 'en', { numeric: true }));
      return waitFor(() => {
        const sessions = engine.tree(tree.rootId).sessions;
        const byGroup = groups.map((g) => sessions.find((s) => s.taskId === g.id && s.status === 'running'));
        return byGroup.every(Boolean) ? (byGroup as SessionInfo[]) : null;
      }, `${groups.length} running sessions`);
    },
    logOf: (sessionId) => fs.readFileSync(engine.store.sessionLogPath(sessionId), 'utf8'),
    async release(sessionId) {
      const log = engine.store.sessionLogPath(sessionId);
      await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').startsWith(READY), `session ${sessionId} to wait for its release`);
      engine.writeSession(sessionId, '\r');
    },
    async close() {
      await server.close();
      await engine.close();
    },
  };
}

/** A bare client of the browser-mode WebSocket: calls, and every event it receives, in order. */
export class WireClient {
  readonly events: { event: EventName; payload: any }[] = [];
  private readonly socket: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Set<() => void>();
  private acking = false;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as ServerMessage;
      if (msg.t === 'event') {
        this.events.push({ event: msg.event, payload: msg.payload });
        if (this.acking && msg.event === 'session.data') {
          const { sessionId, data } = msg.payload;
          void this.call('session.ack', { sessionId, chars: data.length }).catch(() => {});
        }
        for (const l of [...this.listeners]) l();
        return;
      }
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.t === 'result') p?.resolve(msg.result);
      else p?.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
    });
  }

  static async connect(url: string): Promise<WireClient> {
    const c = new WireClient(url);
    await c.opened;
    return c;
  }

  call<K extends CommandName>(method: K, params: CommandParams<K>): Promise<CommandResults[K]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ t: 'call', id, method, params }));
    });
  }

  /** Acknowledge every chunk as it arrives, like a pane whose terminal parses at once. */
  autoAck(): this {
    this.acking = true;
    return this;
  }

  /** The `session.data` payloads of one session, in arrival order. */
  dataOf(sessionId: string): string[] {
    return this.events.filter((e) => e.event === 'session.data' && e.payload.sessionId === sessionId).map((e) => e.payload.data as string);
  }

  received(sessionId: string): number {
    return this.dataOf(sessionId).reduce((n, d) => n + d.length, 0);
  }

  /** Resolves once `test` holds after an event (or at once). */
  until(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!test()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  /** The index of the first event announcing that the session ended, or -1. */
  endIndex(sessionId: string): number {
    return this.events.findIndex((e) => e.event === 'session.changed' && e.payload.id === sessionId && e.payload.status !== 'running' && e.payload.status !== 'starting');
  }

  close(): void {
    this.socket.close();
  }
}

/** The renderer's transport and terminal code over a real WebSocket, writing into headless xterms. */
export class RendererClient {
  readonly api: WsApi;
  readonly router: TerminalRouter;
  private readonly stopRouting: () => void;

  constructor(url: string) {
    this.api = new WsApi({ url, createSocket: (u) => new WebSocket(u) as unknown as SocketLike });
    this.router = new TerminalRouter(this.api);
    this.stopRouting = this.router.start();
  }

  /** Opens a pane: a headless xterm attached to the session, as TerminalPane does. */
  open(sessionId: string, size: { cols: number; rows: number } = { cols: 100, rows: 30 }): Pane {
    const term = new Terminal({ ...size, scrollback: 10_000, allowProposedApi: true });
    const connection = connectTerminal({ api: this.api, router: this.router, sessionId, term });
    return new Pane(term, connection);
  }

  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    return this.api.on(event, listener);
  }

  /** Closes the connection, as a page reload does. */
  close(): void {
    this.stopRouting();
    this.api.close();
  }
}

export class Pane {
  constructor(
    readonly term: HeadlessTerminal,
    readonly connection: TerminalConnection,
  ) {}

  /** Waits until xterm has parsed everything written so far. */
  parsed(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  /** The screen and scrollback as plain text lines (trailing blanks trimmed). */
  lines(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < buf.length; i++) out.push(buf.getLine(i)!.translateToString(true));
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }

  dispose(): void {
    this.connection.dispose();
    this.term.dispose();
  }
}

/** `seq`-like numbered lines as a PTY delivers them (LF becomes CR LF). */
export function numberedLines(from: number, to: number, prefix = 'line'): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `${prefix} ${i}\r\n`;
  return s;
}
