// The journal and recovery: sequence numbers never repeat across a crash, a change made after the last
// snapshot survives one, reads change nothing on disk, and `status` is the real status everywhere.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, plan3, tmpDir, waitFor } from '../../../test/helpers';
import { Engine } from './index';
import { expandTreeSnapshot } from '../../../preload/view-wire';

const run = promisify(execFile);
let engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines) await e.close();
  engines = [];
});

function engine(dataDir: string): Engine {
  const e = new Engine({ dataDir });
  engines.push(e);
  return e;
}

/** A request whose plan waits for approval: nothing runs, reports still work. */
async function waitingRequest(e: Engine, workspace: string) {
  const { rootId } = await e.createRoot({ request: 'journal test', workspace, agentCommand: 'true', approvePlan: true, plan: plan3() });
  const ids = new Map(e.tree(rootId).tasks.map((t) => [t.planId ?? 'root', t.id]));
  return { rootId, ids };
}

/** Every file below `dir` with its bytes and mtime. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), `${st.mtimeMs} ${fs.readFileSync(p).toString('base64')}`);
    }
  };
  walk(dir);
  return out;
}

describe('the journal', () => {
  it('never reuses a sequence number after a crash (a restart without close)', async () => {
    const dataDir = tmpDir();
    const workspace = tmpDir('maestro-ws-');
    const a = engine(dataDir);
    const { rootId, ids } = await waitingRequest(a, workspace);
    const before = [1, 2, 3].map((n) => a.logTask(ids.get('s1')!, `note ${n}`).seq);
    // `a` is never closed: a second engine reads the data dir as a crash left it.
    const b = engine(dataDir);
    const after = [4, 5].map((n) => b.logTask(ids.get('s1')!, `note ${n}`).seq);
    const seqs = b.show(rootId, 1000).timeline.map((e) => e.seq);
    expect(after[0]).toBeGreaterThan(Math.max(...before));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(b.show(rootId, 1000).timeline.filter((e) => e.type === 'log').map((e) => e.message)).toEqual(['note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
  });

  it('replays changes made after the last snapshot (a crash before it was written)', async () => {
    const dataDir = tmpDir();
    const workspace = tmpDir('maestro-ws-');
    const a = engine(dataDir);
    const { rootId, ids } = await waitingRequest(a, workspace);
    const snapshotFile = path.join(dataDir, 'roots', `${rootId}.json`);
    const oldSnapshot = fs.readFileSync(snapshotFile, 'utf8');
    a.completeTask(ids.get('s1')!, 'done one');
    a.failTask(ids.get('s2')!, 'no disk');
    a.addSubtask(ids.get('g2')!, 'added later', 'x');
    fs.writeFileSync(snapshotFile, oldSnapshot); // as if the engine died before its next snapshot

    const b = engine(dataDir);
    const t = new Map(b.tree(rootId).tasks.map((x) => [x.planId ?? 'root', x]));
    expect(t.get('s1')).toMatchObject({ status: 'COMPLETED', result: 'done one' });
    expect(t.get('s2')).toMatchObject({ status: 'FAILED', result: 'no disk' });
    expect(t.get('s6')).toMatchObject({ title: 'added later', parentId: ids.get('g2') });
    expect(t.get('g2')!.subtasks).toContain(t.get('s6')!.id);
    expect(t.get('g1')!.status).toBe('FAILED');
  });

  it('writes a report with a durable cost that does not grow with the snapshot (the snapshot waits)', async () => {
    const dataDir = tmpDir();
    const a = engine(dataDir);
    const { rootId, ids } = await waitingRequest(a, tmpDir('maestro-ws-'));
    const snapshotFile = path.join(dataDir, 'roots', `${rootId}.json`);
    const before = fs.readFileSync(snapshotFile, 'utf8');
    a.completeTask(ids.get('s1')!, 'done');
    // The report is in the journal at once; the snapshot is rewritten later, in a batch.
    expect(fs.readFileSync(path.join(dataDir, 'timelines', `${rootId}.jsonl`), 'utf8')).toContain('"result":"done"');
    expect(fs.readFileSync(snapshotFile, 'utf8')).toBe(before);
  });
});

describe('a report touches only its task and the ancestors', () => {
  it('announces the changed task and its ancestors, and what it keeps equals a fresh read of the disk', async () => {
    const dataDir = tmpDir();
    const a = engine(dataDir);
    const { rootId, ids } = await waitingRequest(a, tmpDir('maestro-ws-'));
    const announced: string[][] = [];
    a.on('tasks.changed', (e) => announced.push(e.tasks.map((t) => t.planId ?? 'root').sort()));
    a.tree(rootId); // every view built and kept
    a.startTask(ids.get('s1')!);
    expect(announced).toEqual([['g1', 'root', 's1']]);
    a.completeTask(ids.get('s3')!, 'three');
    a.failTask(ids.get('s4')!, 'four');
    a.recordUsage(ids.get('s5')!, { model: 'claude-sonnet-4-5', inputTokens: 10, outputTokens: 5 });
    const added = a.addSubtask(ids.get('s1')!, 'below s1', '');
    a.completeTask(added.id, 'done below');
    expect(announced.slice(1)).toEqual([
      ['g2', 'root', 's3'],
      ['g2', 'root', 's4'],
      ['g3', 'root', 's5'],
      ['g1', 'root', 's1', 's6'],
      ['g1', 'root', 's1', 's6'],
    ]);
    // A second engine reads the data dir as this one left it and computes everything from scratch.
    const kept = a.tree(rootId);
    const fresh = engine(dataDir).tree(rootId);
    expect(kept.tasks).toEqual(fresh.tasks);
    expect(new Map(kept.tasks.map((t) => [t.planId ?? 'root', t.status]))).toEqual(
      new Map([['root', 'FAILED'], ['g1', 'PENDING'], ['s1', 'COMPLETED'], ['s2', 'PENDING'], ['g2', 'FAILED'], ['s3', 'COMPLETED'], ['s4', 'FAILED'], ['g3', 'PENDING'], ['s5', 'PENDING'], ['s6', 'COMPLETED']]),
    );
    expect(expandTreeSnapshot(JSON.parse(a.treeJson(rootId)))).toEqual(JSON.parse(JSON.stringify(kept)));
  });
});

describe('status is the real status in every view', () => {
  it('groups and the request report their aggregated status (API views and tree --json)', async () => {
    const dataDir = tmpDir();
    const a = engine(dataDir);
    const { rootId, ids } = await waitingRequest(a, tmpDir('maestro-ws-'));
    for (const s of ['s1', 's2', 's3', 's4', 's5']) a.completeTask(ids.get(s)!, 'ok');
    const byPlan = () => new Map(a.tree(rootId).tasks.map((x) => [x.planId ?? 'root', x.status]));
    expect(byPlan().get('g1')).toBe('COMPLETED');
    expect(byPlan().get('root')).toBe('COMPLETED');
    expect(a.getTask(rootId).status).toBe('COMPLETED');
    expect(a.listRoots()[0]!.status).toBe('COMPLETED');

    // Failure, then retry: the group and the request follow.
    const { rootId: r2, ids: ids2 } = await waitingRequest(a, tmpDir('maestro-ws-'));
    a.completeTask(ids2.get('s1')!, 'ok');
    a.failTask(ids2.get('s2')!, 'broke');
    expect(a.getTask(ids2.get('g1')!).status).toBe('FAILED');
    expect(a.getTask(r2).status).toBe('FAILED');
    a.approvePlan(r2); // so that retry can carry on
    const r = a.retry(ids2.get('s2')!);
    expect(r.reset).toEqual([ids2.get('s2')]);
    expect(['PENDING', 'IN_PROGRESS']).toContain(a.getTask(ids2.get('g1')!).status);

    await a.close();
    engines = [];
    // The CLI reads the data dir (no instance runs): `status` there is the aggregated one too.
    const out = await run(process.execPath, [CLI, 'tree', rootId, '--json', '--data-dir', dataDir], { env: { ...process.env, MAESTRO_SESSION_ID: '', MAESTRO_API: '' } });
    const tree = JSON.parse(out.stdout) as { tasks: { planId?: string; status: string }[] };
    expect(tree.tasks.find((x) => x.planId === 'g1')!.status).toBe('COMPLETED');
    expect(tree.tasks.find((x) => !x.planId)!.status).toBe('COMPLETED');
  });
});

describe('reads change nothing', () => {
  it('`maestro tree` and `task show` without an instance leave every file byte and mtime as they were', async () => {
    const dataDir = tmpDir();
    const workspace = tmpDir('maestro-ws-');
    const a = engine(dataDir);
    // A live session, as a crash would leave it recorded: a reader must not "recover" it.
    const { rootId } = await a.createRoot({ request: 'read me', workspace, agentCommand: 'exec sleep 60', plan: plan3() });
    await waitFor(() => a.tree(rootId).sessions.some((s) => s.status === 'running'), 'a running session');
    a.journal.snapshotAll();
    const before = filesOf(dataDir);
    const env = { ...process.env, MAESTRO_SESSION_ID: '', MAESTRO_API: '', NO_COLOR: '1' };
    const tree = await run(process.execPath, [CLI, 'tree', '--json', '--data-dir', dataDir], { env });
    expect(JSON.parse(tree.stdout).rootId).toBe(rootId);
    const show = await run(process.execPath, [CLI, 'task', 'show', 'g1', '--data-dir', dataDir], { env });
    expect(show.stdout).toContain('Group one');
    const after = filesOf(dataDir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, v] of before) expect({ file, same: after.get(file) === v }).toEqual({ file, same: true });
  });
});
