// The live sessions: each a process in a PTY with its token, its attached clients and its activity.
// Spawn, exit, stop, input, resize, quiet and needs-input detection and ending interactive agents live
// here; what an
// exit means for the tasks is the engine's, told through the SessionHost interface (sessions never
// import the engine).
import type { SessionAttention, SessionInfo } from '../../../preload/model';
import type { PtyBackend } from '../terminal/pty';
import { readLogTail } from '../terminal/log';
import { TerminalProcess } from '../terminal/terminal-process';
import { Consumers, type Attachment } from './attach';
import { isTypedInput, looksLikePrompt, PROMPT_QUIET_MS, type AttentionMode } from './attention';
import type { PreparedLaunch } from './launch';
import { processStartTime } from './orphans';

/** How much recent output a pane gets back when it opens (kept in memory per live session). */
export const REPLAY_BYTES = 256 * 1024;

/** How a session ended, from Maestro's side. */
export type EndedBy = 'itself' | 'stop' | 'maestro';

export interface SessionExit {
  info: SessionInfo;
  exitCode: number;
  signal?: number;
  endedBy: EndedBy;
  lastLines: string[];
}

export interface SessionHost {
  /** Terminal output of a session (for the clients that stream everything, e.g. tests). */
  sessionData(sessionId: string, data: string): void;
  /** The session's record changed (status, quiet flag). */
  sessionChanged(info: SessionInfo): void;
  /** A running session needs a person now (`info.attention` is set); `sessionChanged` follows for clearing. */
  sessionNeedsInput(info: SessionInfo): void;
  /** A running session has been quiet for `quietMs`: an agent waiting for input, or stuck. */
  sessionQuiet(info: SessionInfo, quietMs: number): void;
  /** The process ended and all its output was delivered and logged. */
  sessionExited(exit: SessionExit): void;
}

interface LiveSession {
  info: SessionInfo;
  term: TerminalProcess;
  token: string;
  consumers: Consumers;
  endedBy: EndedBy;
  lastActivity: number;
  /** How this agent says it waits for a person (see attention.ts). */
  attentionMode: AttentionMode;
  /** When output last came, and whether its last line was looked at for a prompt since. */
  lastOutput: number;
  promptChecked: boolean;
  exited: Promise<void>;
}

export class SessionManager {
  private readonly live = new Map<string, LiveSession>();
  private readonly tokens = new Map<string, string>();
  private readonly quietTimer: NodeJS.Timeout;

  constructor(
    private readonly pty: PtyBackend,
    private readonly host: SessionHost,
    private readonly quietSeconds: () => number,
    private readonly logPathOf: (sessionId: string) => string,
  ) {
    this.quietTimer = setInterval(() => {
      this.checkQuiet();
      this.checkPrompts();
    }, 500);
    this.quietTimer.unref();
  }

  /** Spawns the session's process; throws when it cannot start. `info.status` becomes `running`. */
  start(info: SessionInfo, token: string, launch: PreparedLaunch): void {
    info.command = [launch.file, ...launch.args].map((a) => (a.length > 200 ? `${a.slice(0, 200)}…` : a)).join(' ');
    const term = new TerminalProcess({
      backend: this.pty,
      file: launch.file,
      args: launch.args,
      spawn: { cwd: info.cwd, env: launch.env, cols: info.cols, rows: info.rows, name: 'xterm-256color' },
      logPath: this.logPathOf(info.id),
      tailBytes: REPLAY_BYTES,
    });
    term.setFlowControl(false);
    info.pid = term.pid;
    info.pidStartTime = processStartTime(term.pid);
    info.status = 'running';
    let resolveExit!: () => void;
    const live: LiveSession = {
      info,
      term,
      token,
      consumers: new Consumers(term),
      endedBy: 'itself',
      lastActivity: Date.now(),
      attentionMode: launch.attention ?? 'terminal',
      lastOutput: Date.now(),
      promptChecked: true,
      exited: new Promise((r) => (resolveExit = r)),
    };
    this.live.set(info.id, live);
    this.tokens.set(token, info.id);
    term.onData((data) => {
      this.touchLive(live);
      live.lastOutput = Date.now();
      live.promptChecked = false;
      // New output after a prompt: the agent moved on. (An agent's own flag stays until it clears it.)
      if (live.info.attention?.source === 'terminal') this.clearAttention(live);
      live.consumers.deliver(data);
      this.host.sessionData(info.id, data);
    });
    term.onExit((e) => {
      try {
        this.live.delete(info.id);
        this.tokens.delete(token);
        info.quietSince = undefined;
        info.attention = undefined;
        this.host.sessionExited({ info, exitCode: e.exitCode, signal: e.signal, endedBy: live.endedBy, lastLines: term.lastLines(12) });
      } finally {
        resolveExit();
      }
    });
  }

  get(sessionId: string): SessionInfo | undefined {
    return this.live.get(sessionId)?.info;
  }

  forToken(token: string): SessionInfo | undefined {
    const id = this.tokens.get(token);
    return id ? this.live.get(id)?.info : undefined;
  }

  /** The live sessions, optionally of one request. */
  list(rootId?: string): SessionInfo[] {
    const out: SessionInfo[] = [];
    for (const l of this.live.values()) if (!rootId || l.info.rootId === rootId) out.push(l.info);
    return out;
  }

  /** The task ids (groups, or the root while planning) with a live session in a request. */
  activeTaskIds(rootId: string): Set<string> {
    const out = new Set<string>();
    for (const l of this.live.values()) if (l.info.rootId === rootId) out.add(l.info.taskId);
    return out;
  }

  /** A report through the API counts as activity of the calling session. */
  touch(sessionId: string): void {
    const live = this.live.get(sessionId);
    if (live) this.touchLive(live);
  }

  async stop(sessionId: string): Promise<boolean> {
    const live = this.live.get(sessionId);
    if (!live) return false;
    if (live.endedBy === 'itself') live.endedBy = 'stop';
    live.term.kill();
    await live.exited;
    return true;
  }

  /** Ends an interactive agent whose work is all reported, after a moment for its last words. */
  endFinished(sessionId: string): void {
    const live = this.live.get(sessionId);
    if (!live || live.endedBy !== 'itself') return;
    live.endedBy = 'maestro';
    setTimeout(() => live.term.kill(), 1_500).unref();
  }

  /** Whether Maestro already decided to end this session. */
  ending(sessionId: string): boolean {
    const live = this.live.get(sessionId);
    return !!live && live.endedBy !== 'itself';
  }

  write(sessionId: string, data: string): boolean {
    const live = this.live.get(sessionId);
    if (!live) return false;
    live.term.write(data);
    // A person typed into the pane: whatever the agent waited for is being answered.
    if (live.info.attention && isTypedInput(data)) this.clearAttention(live);
    return true;
  }

  /**
   * The agent's own signal (Claude Code's hooks): it needs a person now (`message`: what it asks), or
   * it no longer does. Returns the session, or undefined when it is not running.
   */
  setAttention(sessionId: string, needsInput: boolean, message?: string): SessionInfo | undefined {
    const live = this.live.get(sessionId);
    if (!live) return undefined;
    if (needsInput) this.flag(live, 'agent', message);
    else if (live.info.attention) this.clearAttention(live);
    return live.info;
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.live.get(sessionId)?.term.resize(cols, rows);
  }

  /** Streams a live session's output to a client (undefined when the session is not live). */
  attach(sessionId: string, send: (data: string) => void): Attachment | undefined {
    return this.live.get(sessionId)?.consumers.attach(send);
  }

  /** The recent output of a session: from memory while it runs, else from its log file. */
  async replay(sessionId: string, maxBytes = REPLAY_BYTES): Promise<string> {
    const live = this.live.get(sessionId);
    return live ? live.term.tail().slice(-maxBytes) : readLogTail(this.logPathOf(sessionId), maxBytes);
  }

  /** Stops every live session and waits for their exits. */
  async closeAll(): Promise<void> {
    clearInterval(this.quietTimer);
    const lives = [...this.live.values()];
    for (const l of lives) {
      if (l.endedBy === 'itself') l.endedBy = 'stop';
      l.term.kill();
    }
    await Promise.all(lives.map((l) => l.exited));
  }

  private touchLive(live: LiveSession): void {
    live.lastActivity = Date.now();
    if (live.info.quietSince === undefined) return;
    live.info.quietSince = undefined;
    this.host.sessionChanged(live.info);
  }

  private flag(live: LiveSession, source: SessionAttention['source'], message?: string): void {
    const text = message?.trim().slice(0, 500) || undefined;
    const prev = live.info.attention;
    if (prev && prev.source === source && prev.message === text) return;
    live.info.attention = { kind: 'needs-input', since: prev?.since ?? Date.now(), source, ...(text ? { message: text } : {}) };
    this.host.sessionNeedsInput(live.info);
  }

  private clearAttention(live: LiveSession): void {
    if (!live.info.attention) return;
    live.info.attention = undefined;
    this.host.sessionChanged(live.info);
  }

  /** Terminal fallback: a session quiet for PROMPT_QUIET_MS right after a prompt-like last line needs input. */
  private checkPrompts(): void {
    const now = Date.now();
    for (const live of this.live.values()) {
      if (live.attentionMode !== 'terminal' || live.promptChecked || now - live.lastOutput < PROMPT_QUIET_MS) continue;
      live.promptChecked = true;
      if (live.info.attention) continue;
      const line = live.term.lastLines(1)[0];
      if (looksLikePrompt(line)) this.flag(live, 'terminal', line);
    }
  }

  /** Flags running sessions that have been quiet (no output, no report) for the `quietSeconds` setting. */
  private checkQuiet(): void {
    const limit = this.quietSeconds() * 1_000;
    const now = Date.now();
    for (const live of this.live.values()) {
      if (live.info.quietSince !== undefined || now - live.lastActivity < limit) continue;
      live.info.quietSince = live.lastActivity;
      this.host.sessionQuiet(live.info, now - live.lastActivity);
    }
  }
}
