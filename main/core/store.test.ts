import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateRootDocument, ROOT_SCHEMA_VERSION, type RootDocument } from './root-document';
import { DataStore, DEFAULT_SETTINGS } from './store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-store-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const doc = (rootId: string): RootDocument => ({
  schemaVersion: ROOT_SCHEMA_VERSION,
  rootId,
  options: { workspace: '/tmp', agentProfile: 'custom' },
  tasks: {
    [rootId]: { id: rootId, rootId, parentId: null, kind: 'root', title: 'r', description: '', status: 'PENDING', dependsOn: [], subtasks: [], createdAt: 1, updatedAt: 1 },
  },
  sessions: {},
  seq: 0,
});

describe('DataStore', () => {
  it('round-trips roots, timelines and settings across instances', () => {
    const a = new DataStore(dir);
    a.saveRoot(doc('task-a'));
    a.appendJournal('task-a', [{ seq: 1, at: 1, taskId: 'task-a', type: 'log', message: 'hello' }]);
    a.writeSettings({ ...DEFAULT_SETTINGS, concurrency: 7 });
    a.close();
    const b = new DataStore(dir);
    expect(b.loadRoots().map((d) => d.rootId)).toEqual(['task-a']);
    expect(b.readTimeline('task-a')).toEqual([{ seq: 1, at: 1, taskId: 'task-a', type: 'log', message: 'hello' }]);
    expect(b.readSettings().concurrency).toBe(7);
    expect(b.notices).toEqual([]);
  });

  it('moves a corrupt root file aside with a notice and loads the rest', () => {
    const a = new DataStore(dir);
    a.saveRoot(doc('task-good'));
    fs.writeFileSync(path.join(a.rootsDir, 'task-bad.json'), '{"schemaVersion": 1, "tasks": ');
    const b = new DataStore(dir);
    expect(b.loadRoots().map((d) => d.rootId)).toEqual(['task-good']);
    expect(fs.existsSync(path.join(a.rootsDir, 'task-bad.json'))).toBe(false);
    const moved = fs.readdirSync(b.corruptDir);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatch(/^task-bad\.json\./);
    expect(fs.readFileSync(path.join(b.corruptDir, moved[0]!), 'utf8')).toBe('{"schemaVersion": 1, "tasks": ');
    expect(b.notices[0]).toMatch(/task-bad\.json could not be read .* moved to /);
  });

  it('moves aside a root document of the wrong shape', () => {
    const a = new DataStore(dir);
    fs.writeFileSync(path.join(a.rootsDir, 'task-x.json'), JSON.stringify({ schemaVersion: 1, rootId: 'task-x' }));
    expect(a.loadRoots()).toEqual([]);
    expect(a.notices[0]).toMatch(/options/);
  });

  it('leaves a document from a newer version untouched', () => {
    const a = new DataStore(dir);
    const p = path.join(a.rootsDir, 'task-new.json');
    fs.writeFileSync(p, JSON.stringify({ ...doc('task-new'), schemaVersion: ROOT_SCHEMA_VERSION + 1 }));
    expect(a.loadRoots()).toEqual([]);
    expect(fs.existsSync(p)).toBe(true);
    expect(a.notices[0]).toMatch(/newer Maestro/);
  });

  it('keeps valid settings and reports invalid ones; a corrupt settings file is moved aside', () => {
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ concurrency: 'lots', model: 'claude-x' }));
    const a = new DataStore(dir);
    const s = a.readSettings();
    expect(s.model).toBe('claude-x');
    expect(s.concurrency).toBe(DEFAULT_SETTINGS.concurrency);
    expect(a.notices[0]).toMatch(/invalid value for concurrency/);

    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-store-'));
    fs.writeFileSync(path.join(dir2, 'settings.json'), 'not json');
    const b = new DataStore(dir2);
    expect(b.readSettings()).toEqual(DEFAULT_SETTINGS);
    expect(b.notices[0]).toMatch(/settings\.json could not be read/);
    expect(fs.readdirSync(b.corruptDir)).toHaveLength(1);
    fs.rmSync(dir2, { recursive: true, force: true });
  });

  it('skips a torn last timeline line (a crash mid-append)', () => {
    const a = new DataStore(dir);
    a.appendJournal('task-t', [{ seq: 1, at: 1, taskId: 'task-t', type: 'log', message: 'one' }]);
    fs.appendFileSync(path.join(a.timelinesDir, 'task-t.jsonl'), '{"seq":2,"at":2,"ta');
    expect(new DataStore(dir).readTimeline('task-t').map((e) => e.seq)).toEqual([1]);
  });

  it('reads the old name of a renamed setting (stallSeconds → quietSeconds) and writes only the new one', () => {
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ stallSeconds: 42 }));
    const a = new DataStore(dir);
    const s = a.readSettings();
    expect(s.quietSeconds).toBe(42);
    a.writeSettings(s);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'));
    expect(written.quietSeconds).toBe(42);
    expect(written.stallSeconds).toBeUndefined();
  });

  it('writes files with private modes', () => {
    const a = new DataStore(dir);
    a.saveRoot(doc('task-m'));
    expect(fs.statSync(path.join(a.rootsDir, 'task-m.json')).mode & 0o777).toBe(0o600);
  });
});

describe('migrateRootDocument', () => {
  it('migrates an unversioned document, and a migrated file is rewritten on load', () => {
    const { schemaVersion: _v, sessions: _s, seq: _q, ...old } = doc('task-old');
    expect(migrateRootDocument(old as never)).toMatchObject({ schemaVersion: 1, sessions: {}, seq: 0 });
    const a = new DataStore(dir);
    fs.writeFileSync(path.join(a.rootsDir, 'task-old.json'), JSON.stringify(old));
    expect(a.loadRoots()[0]!.schemaVersion).toBe(ROOT_SCHEMA_VERSION);
    expect(JSON.parse(fs.readFileSync(path.join(a.rootsDir, 'task-old.json'), 'utf8')).schemaVersion).toBe(ROOT_SCHEMA_VERSION);
  });

  it('accepts the current version and rejects newer ones', () => {
    expect(migrateRootDocument(doc('task-1') as never).rootId).toBe('task-1');
    expect(() => migrateRootDocument({ ...doc('task-1'), schemaVersion: 99 } as never)).toThrow(/newer Maestro/);
  });
});
