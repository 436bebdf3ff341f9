import { describe, expect, it } from 'vitest';
import type { DiffResult } from '../../preload/contract';
import { FakeApi, deferred } from '../dev/test-utils';
import { DiffCache } from './diff-cache';

const result = (id: string, patch = `diff --git a/${id} b/${id}\n`): DiffResult => ({
  scope: 'group',
  branch: `maestro/x/${id}`,
  base: 'abc1234',
  files: [{ file: id, added: 1, deleted: 0, binary: false }],
  patch,
});

describe('DiffCache', () => {
  it('loads once, shares the answer, and tells its listeners', async () => {
    const api = new FakeApi({ 'task.diff': ({ id, stat }) => (stat ? { ...result(id), patch: undefined } : result(id)) });
    const cache = new DiffCache({ now: () => 42 });
    let changes = 0;
    cache.subscribe(() => changes++);
    await Promise.all([cache.load(api, 'g1'), cache.load(api, 'g1')]);
    await cache.load(api, 'g1');
    expect(api.callsOf('task.diff')).toEqual([{ id: 'g1', stat: true }]);
    expect(cache.get('g1', false)).toMatchObject({ status: 'ready', at: 42, data: { branch: 'maestro/x/g1' } });
    expect(cache.get('g1', false)?.data?.patch).toBeUndefined();
    expect(changes).toBe(2); // loading, ready
  });

  it('a full diff answers the file list too; refresh loads again what is there, keeping it shown meanwhile', async () => {
    const gate = deferred<DiffResult>();
    let calls = 0;
    const api = new FakeApi({ 'task.diff': ({ id }) => (++calls === 2 ? gate.promise : result(id)) });
    const cache = new DiffCache();
    await cache.load(api, 'g1', { full: true });
    expect(cache.get('g1', false)?.status).toBe('ready');
    const refreshing = cache.refresh(api, 'g1');
    expect(cache.get('g1', false)).toMatchObject({ status: 'loading', data: { branch: 'maestro/x/g1' } });
    gate.resolve(result('g1'));
    await refreshing;
    expect(api.callsOf('task.diff')).toEqual([
      { id: 'g1', stat: false },
      { id: 'g1', stat: true },
      { id: 'g1', stat: false },
    ]);
    expect(cache.get('g1', true)?.status).toBe('ready');
  });

  it('an answer overtaken by a newer load is dropped; an error keeps the last data and allows a retry', async () => {
    const first = deferred<DiffResult>();
    let calls = 0;
    const api = new FakeApi({
      'task.diff': () => {
        calls++;
        if (calls === 1) return first.promise;
        if (calls === 2) return result('new');
        throw new Error('[conflict] the branch is gone');
      },
    });
    const cache = new DiffCache();
    const slow = cache.load(api, 'g1');
    await cache.load(api, 'g1', { force: true });
    first.resolve(result('old'));
    await slow;
    expect(cache.get('g1', false)?.data?.branch).toBe('maestro/x/new');
    await cache.load(api, 'g1', { force: true });
    expect(cache.get('g1', false)).toMatchObject({ status: 'error', error: 'the branch is gone', data: { branch: 'maestro/x/new' } });
    await cache.load(api, 'g1'); // an error is not a cached answer
    expect(calls).toBe(4);
  });

  it('keeps at most maxEntries, dropping the least recently loaded, and at most about maxChars of patch', async () => {
    const api = new FakeApi({ 'task.diff': ({ id }) => result(id, id === 'big' ? 'x'.repeat(5000) : 'small') });
    const cache = new DiffCache({ maxEntries: 3, maxChars: 4000 });
    for (const id of ['a', 'b', 'c', 'd']) await cache.load(api, id, { full: true });
    // Each full load is two entries (full + stat): only the newest three remain.
    expect(cache.size).toBe(3);
    expect(cache.get('d', true)).toBeDefined();
    expect(cache.get('a', true)).toBeUndefined();
    await cache.load(api, 'big', { full: true });
    // One entry above the limit stays on its own (it is what is being looked at).
    expect(cache.get('big', true)?.status).toBe('ready');
    expect([...['c', 'd']].some((id) => cache.get(id, true))).toBe(false);
    cache.forget(['big']);
    expect(cache.get('big', true)).toBeUndefined();
    expect(cache.get('big', false)).toBeUndefined();
  });
});
