// Persistence in the data dir.
//
//   <dataDir>/settings.json            settings (conf / electron-store file, atomic writes)
//   <dataDir>/roots/<rootId>.json      a snapshot of each request: its task tree and sessions (atomic
//                                      writes, in batches: the journal is the truth)
//   <dataDir>/timelines/<rootId>.jsonl the request's journal, append-only, fsynced before a call returns:
//                                      timeline events, and commit records with the tasks and sessions a
//                                      change touched (replayed on load over the snapshot)
//   <dataDir>/sessions/<sessionId>/    a session's output.log (append-only) and its prompt files
//   <dataDir>/corrupt/                 unreadable files, moved aside with a notice, never reset silently
//   <dataDir>/instance.json            the running instance (pid, API URL, admin token), mode 0600
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { settingsSchema, type Settings } from '../../preload/contract';
import { DataDirError } from './data-dir';
import { DEFAULT_MODEL, DEFAULT_PROFILE } from '../../preload/profiles';
import type { SessionInfo, Task, TimelineEvent } from '../../preload/model';
import { migrateRootDocument, type RootDocument } from './root-document';

/**
 * A journal line that records a change of state: the tasks and sessions it touched, as they are after
 * it, and the request's own fields. `commit` is its sequence number (shared with timeline events).
 */
export interface CommitRecord {
  commit: number;
  tasks?: Task[];
  sessions?: SessionInfo[];
  /** Request-level fields as they are after the commit (`git`: only when the git record changed). */
  meta?: { planSummary?: string; awaitingApproval?: boolean; control?: string | null; archived?: boolean; git?: unknown; integration?: unknown };
  /** Tasks the change removed (a plan edited or dropped before it ran). */
  removed?: string[];
}

export function isCommitRecord(line: unknown): line is CommitRecord {
  return typeof (line as CommitRecord | null)?.commit === 'number';
}

export interface JournalContents {
  events: TimelineEvent[];
  commits: CommitRecord[];
  /** The highest sequence number in the journal (0 when empty). */
  lastSeq: number;
}

/** The subset of conf / electron-store the engine uses: a JSON document written atomically. */
export interface DocumentFile<T> {
  readonly path: string;
  store: T;
}
export type DocumentFileFactory = <T extends Record<string, unknown>>(opts: {
  cwd: string;
  configName: string;
  compact?: boolean;
}) => DocumentFile<T>;

export const confFactory: DocumentFileFactory = <T extends Record<string, unknown>>(opts: {
  cwd: string;
  configName: string;
  compact?: boolean;
}) =>
  new Conf<T>({
    cwd: opts.cwd,
    configName: opts.configName,
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
    serialize: opts.compact ? (v) => JSON.stringify(v) : (v) => JSON.stringify(v, null, 2),
  }) as unknown as DocumentFile<T>;

export const DEFAULT_SETTINGS: Settings = {
  concurrency: 3,
  defaultAgentProfile: DEFAULT_PROFILE,
  customAgentCommand: '',
  model: DEFAULT_MODEL,
  maxTokens: 16_000,
  maxTurns: 60,
  approvePlans: false,
  showOrchestrator: true,
  scrollback: 5_000,
  quietSeconds: 300,
  isolation: 'worktree',
};

export interface LoadedRoots {
  roots: RootDocument[];
  notices: string[];
}

export class DataStore {
  readonly rootsDir: string;
  readonly timelinesDir: string;
  readonly sessionsDir: string;
  readonly corruptDir: string;
  private readonly rootFiles = new Map<string, DocumentFile<RootDocument & Record<string, unknown>>>();
  private readonly timelineFds = new Map<string, number>();
  private settingsFile?: DocumentFile<Record<string, unknown>>;
  /** Notices about files that had to be moved aside; shown to the user. */
  readonly notices: string[] = [];

  /**
   * `readOnly`: for reads without a running instance (`maestro tree`, `task show`): nothing is created,
   * written or moved; problems are only reported.
   */
  constructor(
    readonly dataDir: string,
    private readonly files: DocumentFileFactory = confFactory,
    readonly readOnly = false,
  ) {
    this.rootsDir = path.join(dataDir, 'roots');
    this.timelinesDir = path.join(dataDir, 'timelines');
    this.sessionsDir = path.join(dataDir, 'sessions');
    this.corruptDir = path.join(dataDir, 'corrupt');
    if (readOnly) return;
    try {
      for (const dir of [dataDir, this.rootsDir, this.timelinesDir, this.sessionsDir]) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      }
    } catch (err) {
      throw new DataDirError(dataDir, 'creating its folders', err);
    }
  }

  // ---- settings -----------------------------------------------------------------------------

  readSettings(): Settings {
    let raw: Record<string, unknown>;
    let where: string;
    if (this.readOnly) {
      where = path.join(this.dataDir, 'settings.json');
      try {
        raw = JSON.parse(fs.readFileSync(where, 'utf8')) as Record<string, unknown>;
      } catch {
        raw = {};
      }
    } else {
      const file = this.openSettings();
      raw = { ...file.store };
      where = file.path;
    }
    // Renamed settings: the old name is read once, and no longer written.
    if (raw.stallSeconds !== undefined && raw.quietSeconds === undefined) raw = { ...raw, quietSeconds: raw.stallSeconds };
    delete raw.stallSeconds;
    const merged = { ...DEFAULT_SETTINGS, ...raw };
    const parsed = settingsSchema.safeParse(merged);
    if (parsed.success) return parsed.data;
    // Keep what is valid, fall back to defaults for the rest, and say so.
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    const bad: string[] = [];
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
      const one = settingsSchema.shape[key].safeParse(merged[key]);
      if (one.success) out[key] = one.data;
      else bad.push(key);
    }
    this.notices.push(`settings: invalid value for ${bad.join(', ')} in ${where}; using the defaults for those`);
    return out as Settings;
  }

  writeSettings(settings: Settings): void {
    const file = this.openSettings();
    const { stallSeconds: _renamed, ...kept } = file.store;
    file.store = { ...kept, ...settings };
  }

  private openSettings(): DocumentFile<Record<string, unknown>> {
    if (this.settingsFile) return this.settingsFile;
    const p = path.join(this.dataDir, 'settings.json');
    this.checkReadable(p, (raw) => {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
    });
    this.settingsFile = this.files({ cwd: this.dataDir, configName: 'settings' });
    return this.settingsFile;
  }

  // ---- roots --------------------------------------------------------------------------------

  loadRoots(): RootDocument[] {
    const out: RootDocument[] = [];
    let names: string[];
    try {
      names = fs.readdirSync(this.rootsDir).sort();
    } catch (err) {
      if (this.readOnly && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const p = path.join(this.rootsDir, name);
      let doc: RootDocument | undefined;
      let migrated = false;
      this.checkReadable(p, (raw) => {
        doc = migrateRootDocument(raw as Record<string, unknown>);
        migrated = (raw as { schemaVersion?: unknown }).schemaVersion !== doc.schemaVersion;
      });
      if (!doc) continue;
      if (migrated && !this.readOnly) this.saveRoot(doc);
      out.push(doc);
    }
    return out;
  }

  /** One request's snapshot as on disk (undefined when missing or unreadable: nothing is moved). */
  readRoot(rootId: string): RootDocument | undefined {
    try {
      return migrateRootDocument(JSON.parse(fs.readFileSync(path.join(this.rootsDir, `${rootId}.json`), 'utf8')) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  }

  saveRoot(doc: RootDocument): void {
    if (this.readOnly) throw new Error('this data store is read-only');
    try {
      this.rootFile(doc.rootId).store = doc as RootDocument & Record<string, unknown>;
    } catch (err) {
      throw new DataDirError(this.dataDir, `the snapshot of ${doc.rootId}`, err);
    }
  }

  /** A request document that breaks its invariants: moved to corrupt/ with a notice (reported only when read-only). */
  rejectRoot(rootId: string, why: string): void {
    const p = path.join(this.rootsDir, `${rootId}.json`);
    if (this.readOnly) this.notices.push(`${p} is not a valid request (${why}); not shown`);
    else this.moveAside(p, why);
  }

  /** Deletes a request's files: its snapshot, its journal and the folders of its sessions. */
  removeRoot(rootId: string, sessionIds: Iterable<string>): void {
    if (this.readOnly) throw new Error('this data store is read-only');
    const fd = this.timelineFds.get(rootId);
    if (fd !== undefined) fs.closeSync(fd);
    this.timelineFds.delete(rootId);
    this.rootFiles.delete(rootId);
    for (const id of sessionIds) fs.rmSync(path.join(this.sessionsDir, id), { recursive: true, force: true });
    fs.rmSync(path.join(this.timelinesDir, `${rootId}.jsonl`), { force: true });
    fs.rmSync(path.join(this.rootsDir, `${rootId}.json`), { force: true });
  }

  private rootFile(rootId: string) {
    let f = this.rootFiles.get(rootId);
    if (!f) {
      f = this.files<RootDocument & Record<string, unknown>>({ cwd: this.rootsDir, configName: rootId, compact: true });
      this.rootFiles.set(rootId, f);
    }
    return f;
  }

  // ---- timelines ----------------------------------------------------------------------------

  /** Appends journal lines (events and commit records) in one write and makes them durable before returning. */
  appendJournal(rootId: string, lines: ReadonlyArray<TimelineEvent | CommitRecord>): void {
    if (lines.length === 0) return;
    if (this.readOnly) throw new Error('this data store is read-only');
    let fd = this.timelineFds.get(rootId);
    if (fd === undefined) {
      try {
        fd = fs.openSync(path.join(this.timelinesDir, `${rootId}.jsonl`), 'a', 0o600);
      } catch (err) {
        throw new DataDirError(this.dataDir, `the journal of ${rootId}`, err);
      }
      this.timelineFds.set(rootId, fd);
    }
    let text = '';
    for (const l of lines) text += JSON.stringify(l) + '\n';
    const bytes = Buffer.from(text);
    const start = fs.fstatSync(fd).size;
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off);
      fs.fdatasyncSync(fd);
    } catch (err) {
      // A partial line would be a torn record in the middle of the journal once writes work again.
      try {
        fs.ftruncateSync(fd, start);
      } catch {
        // the next load skips a torn last line
      }
      throw new DataDirError(this.dataDir, `the journal of ${rootId}`, err);
    }
  }

  /** Reads a request's journal; a torn last line (crash mid-write) is skipped, other bad lines are reported. */
  readJournal(rootId: string): JournalContents {
    const p = path.join(this.timelinesDir, `${rootId}.jsonl`);
    const out: JournalContents = { events: [], commits: [], lastSeq: 0 };
    let text: string;
    try {
      text = fs.readFileSync(p, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    const lines = text.split('\n');
    let bad = 0;
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        if (i !== lines.length - 1) bad++;
        return;
      }
      if (isCommitRecord(v)) {
        out.commits.push(v);
        out.lastSeq = Math.max(out.lastSeq, v.commit);
      } else if (typeof (v as TimelineEvent | null)?.seq === 'number') {
        out.events.push(v as TimelineEvent);
        out.lastSeq = Math.max(out.lastSeq, (v as TimelineEvent).seq);
      } else bad++;
    });
    if (bad) this.notices.push(`journal ${p}: ${bad} unreadable line(s) skipped`);
    return out;
  }

  /** The timeline events of a request (the journal without its commit records). */
  readTimeline(rootId: string): TimelineEvent[] {
    return this.readJournal(rootId).events;
  }

  // ---- sessions -----------------------------------------------------------------------------

  sessionDir(sessionId: string): string {
    if (this.readOnly) return path.join(this.sessionsDir, sessionId);
    const dir = path.join(this.sessionsDir, sessionId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  sessionLogPath(sessionId: string): string {
    return path.join(this.sessionsDir, sessionId, 'output.log');
  }

  close(): void {
    for (const fd of this.timelineFds.values()) fs.closeSync(fd);
    this.timelineFds.clear();
  }

  /**
   * Parses a JSON file and runs `check` on it. A file that cannot be read, parsed or checked is moved
   * to <dataDir>/corrupt/ and a notice says where; the caller then starts without it.
   */
  private checkReadable(p: string, check: (raw: unknown) => void): void {
    let text: string;
    try {
      text = fs.readFileSync(p, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.rejectFile(p, (err as Error).message);
      return;
    }
    try {
      check(JSON.parse(text));
    } catch (err) {
      const msg = (err as Error).message;
      if (msg.startsWith('written by a newer Maestro')) {
        this.notices.push(`${p}: ${msg}; left untouched and not loaded`);
        return;
      }
      this.rejectFile(p, msg);
    }
  }

  private rejectFile(p: string, why: string): void {
    if (this.readOnly) this.notices.push(`${p} could not be read (${why}); not shown`);
    else this.moveAside(p, why);
  }

  private moveAside(p: string, why: string): void {
    fs.mkdirSync(this.corruptDir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const dest = path.join(this.corruptDir, `${path.basename(p)}.${stamp}`);
    fs.renameSync(p, dest);
    this.notices.push(`${p} could not be read (${why}); it was moved to ${dest}`);
  }
}
