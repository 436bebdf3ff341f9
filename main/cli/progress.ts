// What `maestro run` prints about a request: the live view (the whole tree when it fits the terminal,
// else a compact view that keeps the running and failed groups in sight), and, when the request did not
// complete, each failed or blocked subtask with its reason and the exact command that retries it.
import type { TaskStatus, TaskView } from '../../preload/model';
import { formatTree, paint, progressBar, STATUS_ICON, statusLabel } from './format';
import { cleanLine } from './terminal-safe';

export interface ViewOptions {
  /** Terminal rows and columns. */
  rows: number;
  columns: number;
  color: boolean;
  /** Extra text after a task's line (clean text), e.g. a running group's last log message. */
  extra?: (t: TaskView) => string;
}

/** Order of groups in the compact view: what needs eyes first. */
const GROUP_ORDER: Record<TaskStatus, number> = { IN_PROGRESS: 0, FAILED: 1, BLOCKED: 2, PENDING: 3, COMPLETED: 4 };

/** The lines of the live view, each at most `columns - 1` visible characters, at most `rows - 2` lines. */
export function progressLines(tasks: TaskView[], rootId: string, o: ViewOptions): string[] {
  const width = Math.max(20, o.columns - 1);
  // Cursor movement cannot reach above the screen: the redrawn block stays shorter than the terminal.
  const room = Math.max(3, o.rows - 2);
  const full = formatTree(tasks, rootId, o.color, o.extra).split('\n');
  if (full.length <= room) return full.map((l) => truncateVisible(l, width));
  return compactLines(tasks, rootId, room, o).map((l) => truncateVisible(l, width));
}

function compactLines(tasks: TaskView[], rootId: string, room: number, o: ViewOptions): string[] {
  const root = tasks.find((t) => t.id === rootId);
  if (!root) return [];
  const groups = tasks.filter((t) => t.kind === 'group' && t.rootId === rootId);
  const count = (s: TaskStatus) => groups.filter((g) => g.status === s).length;
  const parts = [
    [count('IN_PROGRESS'), 'running'],
    [count('FAILED'), 'failed'],
    [count('BLOCKED'), 'blocked'],
    [count('PENDING'), 'waiting'],
    [count('COMPLETED'), 'done'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  const head = `${statusLabel(root.status, o.color)}  ${cleanLine(root.title)}  ${progressBar(root.progress.done, root.progress.total)}  ${paint('dim', `groups: ${parts.join(' · ')}`, o.color)}`;
  const order = groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => GROUP_ORDER[a.g.status] - GROUP_ORDER[b.g.status] || a.i - b.i)
    .map(({ g }) => g);
  const lines = [head];
  const fits = order.length <= room - 1 ? order.length : room - 2;
  for (const g of order.slice(0, fits)) {
    const agent = g.agent ? paint('dim', ` [${cleanLine(g.agent)}]`, o.color) : '';
    const bar = g.subtasks.length ? `  ${progressBar(g.progress.done, g.progress.total, 8)}` : '';
    lines.push(`  ${statusLabel(g.status, o.color)}  ${paint('bold', cleanLine(g.planId ?? g.id), o.color)} ${cleanLine(g.title)}${agent}${bar}${o.extra?.(g) ?? ''}`);
  }
  const hidden = order.slice(fits);
  const running = hidden.filter((g) => g.status === 'IN_PROGRESS').length;
  if (hidden.length) {
    lines.push(paint('dim', `  … ${hidden.length} more group(s)${running ? `, ${running} of them running` : ''} (maestro tree ${rootId})`, o.color));
  }
  return lines;
}

/** A shell word: as it is when it is safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Failed and blocked subtasks listed at most, before "… N more". */
const MAX_LISTED = 20;

/**
 * What went wrong in a request that did not complete: per group, its failed and blocked subtasks with
 * their reasons, and the command that retries the group; then the command that retries all of it.
 * Empty when nothing failed or is blocked.
 */
export function failureReport(tasks: TaskView[], rootId: string, o: { dataDir?: string; color: boolean }): string {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const root = byId.get(rootId);
  if (!root) return '';
  const cmd = (id: string, withRequest: boolean) =>
    `maestro retry ${shellWord(id)}${withRequest ? ` --request ${shellWord(rootId)}` : ''}${o.dataDir ? ` --data-dir ${shellWord(o.dataDir)}` : ''}`;
  const reason = (t: TaskView) => (t.result ? `: ${cleanLine(t.result)}` : '');
  const out: string[] = [];
  if (root.subtasks.length === 0) {
    if (root.status !== 'FAILED' && root.status !== 'BLOCKED') return '';
    out.push(`${paint('red', STATUS_ICON[root.status], o.color)} the request was not planned${reason(root)}`);
    out.push(`  retry: ${cmd(rootId, false)}`);
    return out.join('\n');
  }
  let listed = 0;
  let unlisted = 0;
  let waiting = 0;
  for (const gid of root.subtasks) {
    const g = byId.get(gid);
    if (!g) continue;
    const leaves = leavesBelow(byId, g);
    const stuck = leaves.filter((l) => l.status === 'FAILED' || l.status === 'BLOCKED');
    if (stuck.length === 0) {
      if (g.status !== 'COMPLETED') waiting += leaves.filter((l) => l.status === 'PENDING').length;
      continue;
    }
    out.push(`${statusLabel(g.status, o.color)}  ${paint('bold', cleanLine(g.planId ?? g.id), o.color)} ${cleanLine(g.title)}`);
    for (const l of stuck) {
      if (listed >= MAX_LISTED) {
        unlisted++;
        continue;
      }
      listed++;
      const style = l.status === 'FAILED' ? 'red' : 'yellow';
      out.push(`    ${paint(style, STATUS_ICON[l.status], o.color)} ${cleanLine(l.planId ?? l.id)} ${cleanLine(l.title)}${reason(l)}`);
    }
    out.push(`    retry: ${cmd(g.planId ?? g.id, !!g.planId)}`);
  }
  if (out.length === 0) return '';
  if (unlisted) out.push(paint('dim', `  … ${unlisted} more failed or blocked subtask(s) (maestro tree ${rootId})`, o.color));
  if (waiting) out.push(paint('dim', `${waiting} subtask(s) did not run: their groups wait for the ones above`, o.color));
  out.push(`retry all of it: ${cmd(rootId, false)}`);
  return out.join('\n');
}

function leavesBelow(byId: Map<string, TaskView>, t: TaskView): TaskView[] {
  if (t.subtasks.length === 0) return [t];
  return t.subtasks.flatMap((c) => {
    const child = byId.get(c);
    return child ? leavesBelow(byId, child) : [];
  });
}

/** Cuts a line with ANSI colour codes to `width` visible characters. */
export function truncateVisible(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const m = /^\x1b\[[0-9;]*m/.exec(line.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    if (visible >= width) break;
    out += line[i];
    visible++;
  }
  return line.includes('\x1b') ? `${out}\x1b[0m` : out;
}
