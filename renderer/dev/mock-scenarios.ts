// Extra demo requests for the dev mock (`?mock=1&many=10`): many groups at once, most of them running,
// for looking at the terminal layout with many panes.
import type { SessionInfo, TaskStatus, TaskView } from '../../main/core/types';

interface ScenarioKit<R> {
  makeRoot(id: string, title: string, description: string, workspace: string, profile?: string): R;
  addGroup(root: R, planId: string, title: string, agent: string, subs: [string, TaskStatus, string?][], dependsOn?: string[]): TaskView;
  spawn(root: R, group: TaskView, status: SessionInfo['status'], exitCode?: number): SessionInfo;
}

const AREAS = ['auth', 'billing', 'search', 'orders', 'catalog', 'emails', 'admin', 'reports', 'uploads', 'webhooks', 'i18n', 'metrics'];
const AGENTS = ['backend', 'frontend', 'tester', 'worker', 'bug-hunter'];

/**
 * A request "Harden the API" with `groups` groups: two done, one failed, the rest running (each with a
 * live session that streams output), so 10 groups give 7 running panes.
 */
export function addManyWorkers<R extends { tasks: Map<string, TaskView> }>(kit: ScenarioKit<R>, groups: number): R {
  const root = kit.makeRoot('many', 'Harden the API for launch', 'Review and harden every API area: validation, errors, tests.', '/home/dev/platform');
  for (let g = 1; g <= groups; g++) {
    const area = AREAS[(g - 1) % AREAS.length];
    const state: 'done' | 'failed' | 'running' = g <= 2 ? 'done' : g === 3 ? 'failed' : 'running';
    const sub = (s: TaskStatus): [string, TaskStatus][] => [
      [`Validate ${area} input`, state === 'running' ? 'COMPLETED' : s],
      [`Tests for ${area} errors`, s],
    ];
    const group = kit.addGroup(root, `g${g}`, `Harden ${area}`, AGENTS[g % AGENTS.length], sub(state === 'done' ? 'COMPLETED' : state === 'failed' ? 'FAILED' : 'IN_PROGRESS'));
    if (state === 'failed') root.tasks.set(group.id, { ...root.tasks.get(group.id)!, status: 'FAILED', result: `Tests for ${area} errors failed.` });
    kit.spawn(root, root.tasks.get(group.id)!, state === 'running' ? 'running' : 'exited', state === 'failed' ? 1 : state === 'done' ? 0 : undefined);
  }
  return root;
}
