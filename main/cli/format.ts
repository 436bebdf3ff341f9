// Text output of the CLI: tasks, trees, timelines. Colour only on a TTY (and never with NO_COLOR).
// Every text that comes from a task (ids, titles, descriptions, results, log messages) is cleaned of
// control sequences first (terminal-safe.ts); the colours are added after.
import type { TaskDetail } from '../../preload/contract';
import type { TaskStatus, TaskView, TimelineEvent } from '../../preload/model';
import { cleanLine, stripControls } from './terminal-safe';

const useColor = (stream: NodeJS.WriteStream = process.stdout) => !!stream.isTTY && !process.env.NO_COLOR;

const CODES: Record<string, [number, number]> = {
  dim: [2, 22],
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  gray: [90, 39],
};
export type Style = keyof typeof CODES;
export function paint(style: Style, s: string, color = useColor()): string {
  if (!color) return s;
  const [a, b] = CODES[style]!;
  return `\x1b[${a}m${s}\x1b[${b}m`;
}

export const STATUS_ICON: Record<TaskStatus, string> = {
  PENDING: '○',
  IN_PROGRESS: '◐',
  COMPLETED: '✓',
  FAILED: '✗',
  BLOCKED: '⏸',
};
const STATUS_STYLE: Record<TaskStatus, keyof typeof CODES> = {
  PENDING: 'gray',
  IN_PROGRESS: 'blue',
  COMPLETED: 'green',
  FAILED: 'red',
  BLOCKED: 'yellow',
};

export function statusLabel(s: TaskStatus, color = useColor()): string {
  return paint(STATUS_STYLE[s], `${STATUS_ICON[s]} ${s}`, color);
}

export function progressBar(done: number, total: number, width = 12): string {
  if (total <= 0) return '';
  const filled = Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}`;
}

function name(t: TaskView): string {
  return cleanLine(t.planId ? `${t.planId} ${t.id}` : t.id);
}

function time(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

export function formatEvent(e: TimelineEvent, color = useColor()): string {
  const code = e.exitCode !== undefined ? ` (exit ${e.exitCode})` : '';
  return `${paint('dim', time(e.at), color)} ${paint('cyan', cleanLine(e.type).padEnd(13), color)} ${cleanLine(e.message)}${code}`;
}

export function formatTaskDetail(d: TaskDetail, color = useColor()): string {
  const t = d.task;
  const out = [
    `${paint('bold', cleanLine(t.title), color)}`,
    cleanLine(`  id ${t.id}${t.planId ? `  plan id ${t.planId}` : ''}  ${t.kind}${t.agent ? `  agent ${t.agent}` : ''}`),
    `  status ${statusLabel(t.status, color)}${t.progress.total > 1 ? `  ${progressBar(t.progress.done, t.progress.total)}` : ''}`,
  ];
  if (t.result) out.push(`  result: ${cleanLine(t.result)}`);
  const description = stripControls(t.description).trim();
  if (description) out.push('', ...description.split('\n').map((l) => `  ${l}`));
  if (d.subtasks.length) {
    out.push('', 'Subtasks:');
    for (const s of d.subtasks) out.push(`  ${statusLabel(s.status, color)}  ${name(s)}  ${cleanLine(s.title)}`);
  }
  if (d.timeline.length) {
    out.push('', 'Recent timeline:');
    for (const e of d.timeline) out.push(`  ${formatEvent(e, color)}`);
  }
  return out.join('\n');
}

/** The tree under `rootId`, one line a task, with progress bars on parents. `extra` returns clean text. */
export function formatTree(tasks: TaskView[], rootId: string, color = useColor(), extra?: (t: TaskView) => string): string {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const lines: string[] = [];
  const walk = (id: string, prefix: string, last: boolean, depth: number) => {
    const t = byId.get(id);
    if (!t) return;
    const branch = depth === 0 ? '' : `${prefix}${last ? '└─ ' : '├─ '}`;
    const bar = t.subtasks.length ? `  ${progressBar(t.progress.done, t.progress.total)}` : '';
    const agent = t.kind === 'group' && t.agent ? paint('dim', ` [${cleanLine(t.agent)}]`, color) : '';
    const label = paint('bold', cleanLine(t.planId ?? t.id), color);
    lines.push(`${branch}${statusLabel(t.status, color)}  ${label} ${cleanLine(t.title)}${agent}${bar}${extra?.(t) ?? ''}`);
    const childPrefix = depth === 0 ? '' : `${prefix}${last ? '   ' : '│  '}`;
    t.subtasks.forEach((c, i) => walk(c, childPrefix, i === t.subtasks.length - 1, depth + 1));
  };
  walk(rootId, '', true, 0);
  return lines.join('\n');
}
