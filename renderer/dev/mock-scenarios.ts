// Extra demo requests for the dev mock: a large plan (`?mock=1&big=10000`, the virtualized tree) and many
// groups at once, most of them running (`?mock=1&many=10`, the terminal layout with many panes).
import type { SessionInfo, TaskStatus, TaskView } from '../../preload/model';
import { buildTree } from './fixtures';

/** About `size` tasks: the first third done, group 4 has a failure, groups 40 and 41 run, the rest waits. */
export function bigTree(size: number): Map<string, TaskView> {
  const perGroup = 99;
  const groups = Math.max(1, Math.round(size / (perGroup + 1)));
  const tasks = buildTree('big', groups, perGroup, (id) => {
    const [g, s] = id.slice(1).split('.s').map(Number);
    if (g === 4 && s === 7) return 'FAILED';
    if (g <= groups / 3) return 'COMPLETED';
    if ((g === 40 || g === 41) && s !== undefined && s <= 3) return s === 3 ? 'IN_PROGRESS' : 'COMPLETED';
    return 'PENDING';
  });
  const root = tasks.get('big')!;
  tasks.set('big', { ...root, title: `Large plan (${tasks.size} tasks)`, createdAt: Date.now() - 7_200_000 });
  return tasks;
}

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
