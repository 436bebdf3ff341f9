// Builders of engine data for the renderer's tests and the dev mock. Not part of the app bundle
// (only the `?mock=1` chunk and tests import it).
import type { RootSummary, SessionInfo, TaskKind, TaskStatus, TaskView, TreeSnapshot } from '../../preload/model';
import type { Settings } from '../../preload/contract';
import { aggregateTree } from '../../preload/tree';

let clock = 1_700_000_000_000;
const tick = () => (clock += 1000);

/** Settings for tests and the mock: the engine's defaults with small numbers, overridable. */
export function makeSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    concurrency: 3,
    defaultAgentProfile: 'builtin',
    customAgentCommand: '',
    model: 'm',
    maxTokens: 1000,
    maxTurns: 10,
    approvePlans: false,
    showOrchestrator: true,
    scrollback: 1000,
    quietSeconds: 300,
    ...overrides,
  };
}

export function makeTask(partial: Partial<TaskView> & { id: string; rootId: string; kind: TaskKind }): TaskView {
  const status: TaskStatus = partial.status ?? 'PENDING';
  return {
    parentId: null,
    title: partial.id,
    description: '',
    dependsOn: [],
    subtasks: [],
    createdAt: tick(),
    updatedAt: clock,
    progress: { done: status === 'COMPLETED' ? 1 : 0, total: 1 },
    totalUsage: { inputTokens: 0, outputTokens: 0 },
    sessionIds: [],
    ...partial,
    status,
  };
}

export function makeSession(partial: Partial<SessionInfo> & { id: string; rootId: string; taskId: string }): SessionInfo {
  return {
    taskIds: [partial.taskId],
    role: 'worker',
    agentProfile: 'builtin',
    agent: 'worker',
    title: partial.id,
    cwd: '/work/project',
    command: 'maestro-agent',
    status: 'running',
    startedAt: tick(),
    cols: 80,
    rows: 24,
    ...partial,
  };
}

/**
 * Recomputes status, progress and usage below `rootId` with the engine's own rule
 * (preload/tree.ts), so tests and screenshots show only states the engine can produce. `active`: ids of
 * tasks with a live session (a group being worked on is IN_PROGRESS before its first report).
 */
export function aggregate(tasks: Map<string, TaskView>, rootId: string, active: ReadonlySet<string> = new Set()): void {
  for (const [id, a] of aggregateTree(tasks, rootId, active)) {
    const t = tasks.get(id)!;
    tasks.set(id, { ...t, status: a.status, progress: { done: a.done, total: a.total }, totalUsage: a.usage });
  }
}

/** A root with `groups` groups of `perGroup` subtasks each (1 + groups × (1 + perGroup) tasks). */
export function buildTree(rootId: string, groups: number, perGroup: number, status: (planId: string) => TaskStatus = () => 'PENDING'): Map<string, TaskView> {
  const tasks = new Map<string, TaskView>();
  const groupIds: string[] = [];
  for (let g = 1; g <= groups; g++) {
    const gid = `${rootId}-g${g}`;
    const subIds: string[] = [];
    for (let s = 1; s <= perGroup; s++) {
      const sid = `${gid}-s${s}`;
      subIds.push(sid);
      tasks.set(sid, makeTask({ id: sid, rootId, kind: 'subtask', parentId: gid, planId: `s${s}`, title: `Subtask ${g}.${s}`, status: status(`g${g}.s${s}`) }));
    }
    groupIds.push(gid);
    tasks.set(gid, makeTask({ id: gid, rootId, kind: 'group', parentId: rootId, planId: `g${g}`, title: `Group ${g}`, agent: 'worker', subtasks: subIds, status: status(`g${g}`) }));
  }
  tasks.set(rootId, makeTask({ id: rootId, rootId, kind: 'root', title: `Request ${rootId}`, subtasks: groupIds }));
  aggregate(tasks, rootId);
  return tasks;
}

export function snapshotOf(
  tasks: Map<string, TaskView>,
  rootId: string,
  sessions: SessionInfo[] = [],
  awaitingApproval = false,
): TreeSnapshot {
  return {
    rootId,
    options: { workspace: '/work/project', agentProfile: 'builtin' },
    awaitingApproval,
    tasks: [...tasks.values()],
    sessions,
  };
}

export function summaryOf(root: TaskView, workspace = '/work/project', awaitingApproval = false): RootSummary {
  return {
    id: root.id,
    title: root.title,
    status: root.status,
    progress: root.progress,
    createdAt: root.createdAt,
    workspace,
    awaitingApproval,
  };
}
