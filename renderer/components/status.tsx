// Status glyphs, progress bars and small formatting helpers shared by the views.
import type { SessionInfo, TaskStatus, TokenUsage } from '../../preload/model';

const TASK_STATUS: Record<TaskStatus, { glyph: string; label: string; cls: string }> = {
  PENDING: { glyph: '○', label: 'Pending', cls: 'pending' },
  IN_PROGRESS: { glyph: '◐', label: 'In progress', cls: 'running' },
  COMPLETED: { glyph: '✓', label: 'Completed', cls: 'completed' },
  FAILED: { glyph: '✗', label: 'Failed', cls: 'failed' },
  BLOCKED: { glyph: '⏸', label: 'Blocked', cls: 'blocked' },
};

export function statusLabel(status: TaskStatus): string {
  return TASK_STATUS[status]?.label ?? status;
}

export function StatusIcon({ status }: { status: TaskStatus }) {
  const s = TASK_STATUS[status] ?? TASK_STATUS.PENDING;
  return (
    <span className={`status-icon status-${s.cls}`} role="img" aria-label={s.label} title={s.label}>
      {s.glyph}
    </span>
  );
}

export function sessionStatusText(s: SessionInfo): string {
  switch (s.status) {
    case 'starting':
      return 'starting';
    case 'running':
      if (s.attention) return 'needs input';
      return s.quietSince === undefined ? 'running' : 'quiet: waiting for input?';
    case 'exited':
      return s.exitCode === undefined ? 'exited' : `exited (${s.exitCode})`;
    case 'stopped':
      return 'stopped';
    case 'interrupted':
      return 'interrupted';
    case 'failed-to-start':
      return 'failed to start';
  }
}

/** Maps a session's state onto the task palette for its icon. */
export function sessionTone(s: SessionInfo): TaskStatus {
  switch (s.status) {
    case 'starting':
    case 'running':
      return 'IN_PROGRESS';
    case 'exited':
      return s.exitCode === 0 ? 'COMPLETED' : 'FAILED';
    case 'failed-to-start':
      return 'FAILED';
    case 'interrupted':
      return 'BLOCKED';
    case 'stopped':
      return 'PENDING';
  }
}

export function ProgressBar({ done, total, compact = false }: { done: number; total: number; compact?: boolean }) {
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <span className={compact ? 'progress progress-compact' : 'progress'}>
      <span
        className="progress-track"
        role="progressbar"
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} done`}
      >
        <span className="progress-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="progress-text">
        {done}/{total}
      </span>
    </span>
  );
}

const numberFormat = new Intl.NumberFormat('en-US');

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  return numberFormat.format(n);
}

export function formatUsage(u: TokenUsage | undefined): string | null {
  if (!u || (u.inputTokens === 0 && u.outputTokens === 0 && !u.costUsd)) return null;
  const cost = u.costUsd !== undefined ? ` · $${u.costUsd.toFixed(u.costUsd < 1 ? 3 : 2)}` : '';
  return `${formatTokens(u.inputTokens)} in · ${formatTokens(u.outputTokens)} out${cost}`;
}

// One formatter for all calls: `toLocaleTimeString` with options builds a new one each time (~40 µs),
// which a 500-event timeline pays on every render.
let timeFormat: Intl.DateTimeFormat | null = null;

export function formatTime(at: number): string {
  timeFormat ??= new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return timeFormat.format(new Date(at));
}

export function formatWhen(at: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(at).toLocaleDateString();
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}
