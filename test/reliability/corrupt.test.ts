// F6: a request document that is valid JSON but contradicts itself (a cycle, a missing root, a dangling
// id, an unknown status…) is moved aside with a notice, like a syntax error; every other request loads,
// and readers (`maestro tree`) answer at once instead of hanging or crashing.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../main/core/engine';
import { CLI, cliEnv, plan3, tmpDir } from '../helpers';

const run = promisify(execFile);

type Doc = { rootId: string; tasks: Record<string, { id: string; parentId: string | null; status: string; subtasks: string[]; dependsOn: string[] }>; sessions: Record<string, { id: string; taskId: string }> };

/** A data dir with two requests (both closed cleanly); returns their ids. */
async function twoRequests(dataDir: string): Promise<{ bad: string; good: string; byPlan: Map<string, string> }> {
  const e = new Engine({ dataDir });
  const workspace = tmpDir('maestro-ws-');
  const bad = (await e.createRoot({ request: 'to be corrupted', workspace, agentCommand: 'true', approvePlan: true, plan: plan3() })).rootId;
  const good = (await e.createRoot({ request: 'stays fine', workspace, agentCommand: 'true', approvePlan: true, plan: plan3() })).rootId;
  const byPlan = new Map(e.tree(bad).tasks.map((t) => [t.planId ?? 'root', t.id]));
  await e.close();
  return { bad, good, byPlan };
}

const corruptions: Array<[string, (d: Doc, ids: Map<string, string>) => void, RegExp]> = [
  ['a cycle in subtasks', (d, ids) => d.tasks[ids.get('s1')!]!.subtasks.push(ids.get('g1')!), /lists .*whose parent is|reached twice|cycle/],
  ['a missing root task', (d) => delete d.tasks[d.rootId], /root task .* is missing/],
  ['an unknown status', (d, ids) => (d.tasks[ids.get('s2')!]!.status = 'DONE'), /unknown status "DONE"/],
  ['a dangling subtask id', (d, ids) => d.tasks[ids.get('g2')!]!.subtasks.push('task-nothere'), /missing subtask task-nothere/],
  ['a child whose parent disagrees', (d, ids) => (d.tasks[ids.get('s3')!]!.parentId = ids.get('g1')!), /not among its parent's subtasks|whose parent is/],
  ['an id that is not its key', (d, ids) => (d.tasks[ids.get('s4')!]!.id = 'task-other'), /carries the id task-other/],
  ['a dependency on a missing group', (d, ids) => d.tasks[ids.get('g3')!]!.dependsOn.push('task-gone'), /depends on a missing task task-gone/],
  ['a session for a missing task', (d) => (d.sessions['sess-x'] = { id: 'sess-x', taskId: 'task-gone', status: 'exited' } as never), /session sess-x/],
];

describe('corrupt request documents (F6)', () => {
  it.each(corruptions)('%s: moved to corrupt/ with a notice; the other request loads; tree answers', async (_what, corrupt, reason) => {
    const dataDir = tmpDir();
    const { bad, good, byPlan } = await twoRequests(dataDir);
    const file = path.join(dataDir, 'roots', `${bad}.json`);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Doc;
    corrupt(doc, byPlan);
    fs.writeFileSync(file, JSON.stringify(doc));

    // A reader without an instance changes nothing and answers with the good request.
    const tree = await run(process.execPath, [CLI, 'tree', good, '--json', '--data-dir', dataDir], { env: cliEnv() });
    expect(JSON.parse(tree.stdout).rootId).toBe(good);
    expect(tree.stderr).toMatch(reason);
    expect(fs.existsSync(file)).toBe(true);

    // The engine moves it aside and says where.
    const e = new Engine({ dataDir });
    try {
      expect(e.listRoots().map((r) => r.id)).toEqual([good]);
      expect(e.notices.join('\n')).toMatch(reason);
      expect(fs.existsSync(file)).toBe(false);
      const aside = fs.readdirSync(path.join(dataDir, 'corrupt'));
      expect(aside.some((n) => n.startsWith(`${bad}.json`))).toBe(true);
    } finally {
      await e.close();
    }
  });
});
