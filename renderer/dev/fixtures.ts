// Builders of engine data for the renderer's tests and the dev mock. Not part of the app bundle
// (only the `?mock=1` chunk and tests import it).
import type { RootSummary, SessionInfo, TaskKind, TaskStatus, TaskView, TreeSnapshot } from '../../preload/model';
import type { Settings } from '../../preload/contract';

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
    stallSeconds: 300,
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
    effectiveStatus: partial.effectiveStatus ?? status,
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

/** Recomputes effective status and progress bottom-up, roughly as the engine's aggregate does. */
export function aggregate(tasks: Map<string, TaskView>, rootId: string): void {
  const visit = (id: string): TaskView => {
    const t = tasks.get(id)!;
    if (t.subtasks.length === 0) {
      const next = { ...t, effectiveStatus: t.status, progress: { done: t.status === 'COMPLETED' ? 1 : 0, total: 1 } };
      tasks.set(id, next);
      return next;
    }
    const kids = t.subtasks.map(visit);
    const done = kids.reduce((n, k) => n + k.progress.done, 0);
    const total = kids.reduce((n, k) => n + k.progress.total, 0);
    const has = (s: TaskStatus) => kids.some((k) => k.effectiveStatus === s);
    const effectiveStatus: TaskStatus = kids.every((k) => k.effectiveStatus === 'COMPLETED')
      ? 'COMPLETED'
      : has('IN_PROGRESS')
        ? 'IN_PROGRESS'
        : has('FAILED')
          ? 'FAILED'
          : has('BLOCKED')
            ? 'BLOCKED'
            : has('COMPLETED')
              ? 'IN_PROGRESS'
              : 'PENDING';
    const usage = kids.reduce(
      (u, k) => ({
        inputTokens: u.inputTokens + k.totalUsage.inputTokens,
        outputTokens: u.outputTokens + k.totalUsage.outputTokens,
        costUsd: (u.costUsd ?? 0) + (k.totalUsage.costUsd ?? 0),
      }),
      { inputTokens: t.usage?.inputTokens ?? 0, outputTokens: t.usage?.outputTokens ?? 0, costUsd: t.usage?.costUsd ?? 0 },
    );
    const next = { ...t, effectiveStatus, progress: { done, total }, totalUsage: usage };
    tasks.set(id, next);
    return next;
  };
  visit(rootId);
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
    status: root.effectiveStatus,
    progress: root.progress,
    createdAt: root.createdAt,
    workspace,
    awaitingApproval,
  };
}
