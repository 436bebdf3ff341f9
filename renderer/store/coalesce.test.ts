import { describe, expect, it } from 'vitest';
import { manualScheduler } from '../dev/test-utils';
import { Coalescer } from './coalesce';

describe('Coalescer', () => {
  it('applies everything pushed within a frame once, in order', () => {
    const clock = manualScheduler();
    const batches: number[][] = [];
    const c = new Coalescer<number>((b) => batches.push(b), clock.scheduler);
    for (let i = 0; i < 100; i++) c.push(i);
    expect(clock.requested).toBe(1);
    expect(batches).toEqual([]);
    clock.frame();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    c.push(100);
    clock.frame();
    expect(batches).toEqual([batches[0], [100]]);
    clock.frame();
    expect(batches).toHaveLength(2);
  });

  it('flush applies at once and cancels the pending frame', () => {
    const clock = manualScheduler();
    const batches: string[][] = [];
    const c = new Coalescer<string>((b) => batches.push(b), clock.scheduler);
    c.push('a');
    c.flush();
    expect(batches).toEqual([['a']]);
    expect(clock.requested).toBe(0);
    c.flush();
    expect(batches).toHaveLength(1);
  });

  it('applies at once when too much is buffered (no frames in a hidden tab)', () => {
    const clock = manualScheduler();
    const batches: number[][] = [];
    const c = new Coalescer<number>((b) => batches.push(b), clock.scheduler, 3);
    c.push(1);
    c.push(2);
    expect(batches).toEqual([]);
    c.push(3);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(clock.requested).toBe(0);
    c.push(4);
    clock.frame();
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('drops everything after dispose', () => {
    const clock = manualScheduler();
    const batches: string[][] = [];
    const c = new Coalescer<string>((b) => batches.push(b), clock.scheduler);
    c.push('a');
    c.dispose();
    c.push('b');
    clock.frame();
    expect(batches).toEqual([]);
    expect(c.pending).toBe(0);
  });
});
