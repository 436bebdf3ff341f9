// Claude Code's cost: its hooks name the transcript of a live session; the usage the transcript gained
// since the last read is recorded at the end of each turn and when the session ends, on the session's
// group (the root for a planner), priced like the built-in agent's.
import path from 'node:path';
import type { SessionInfo } from '../../../preload/model';
import { ApiError } from '../../../preload/wire';
import { TranscriptCursor } from '../sessions/transcript';
import type { Core } from './core';
import { recordUsage } from './reports';

export class Transcripts {
  private readonly cursors = new Map<string, TranscriptCursor>();

  constructor(private readonly core: Core) {}

  /** A hook named the session's transcript (an absolute .jsonl path). */
  note(sessionId: string, transcriptPath: string): void {
    if (!path.isAbsolute(transcriptPath) || !transcriptPath.endsWith('.jsonl')) {
      throw new ApiError('bad-request', `transcriptPath must be the absolute path of a .jsonl transcript, not ${JSON.stringify(transcriptPath)}`);
    }
    if (this.cursors.get(sessionId)?.path !== transcriptPath) this.cursors.set(sessionId, new TranscriptCursor(transcriptPath));
  }

  /** A turn ended: record what the transcript gained. */
  turnEnded(info: SessionInfo): void {
    const cursor = this.cursors.get(info.id);
    if (cursor) this.record(info, cursor);
  }

  /** The session ended: its last turn's usage (an agent Maestro ended gets no end-of-turn hook). */
  sessionEnded(info: SessionInfo): void {
    const cursor = this.cursors.get(info.id);
    this.cursors.delete(info.id);
    if (cursor) this.record(info, cursor);
  }

  private record(info: SessionInfo, cursor: TranscriptCursor): void {
    const state = this.core.requests.maybe(info.rootId);
    const task = state?.tasks.get(info.taskId);
    if (!state || !task) return;
    for (const u of cursor.read()) recordUsage(this.core, state, task, u, info.id);
  }
}
