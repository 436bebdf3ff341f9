import { describe, expect, it } from 'vitest';
import { makeSession } from '../dev/fixtures';
import { GRID_MAX, GRID_MAX_MAXIMIZED, arrangePanes, gridCapacity, gridShape, panesFor } from './paneLayout';

const sessions = (live: number, done: number) => [
  ...Array.from({ length: live }, (_, i) => makeSession({ id: `live${i}`, rootId: 'r', taskId: `g${i}` })),
  ...Array.from({ length: done }, (_, i) => makeSession({ id: `done${i}`, rootId: 'r', taskId: `d${i}`, status: 'exited', exitCode: 0 })),
];
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

describe('pane layout', () => {
  it('running sessions get the grid; finished ones wait in the strip', () => {
    const l = arrangePanes(sessions(2, 3), GRID_MAX);
    expect(ids(l.shown)).toEqual(['live0', 'live1']);
    expect(ids(l.finished)).toEqual(['done0', 'done1', 'done2']);
    expect(l.moreLive).toEqual([]);
  });

  it('the latest attempt that ended badly keeps a pane after the running ones; a retry supersedes it', () => {
    const failed = makeSession({ id: 'failed', rootId: 'r', taskId: 'g9', status: 'exited', exitCode: 1, startedAt: 10 });
    const crashed = makeSession({ id: 'crashed', rootId: 'r', taskId: 'g8', status: 'failed-to-start', startedAt: 11 });
    const l = arrangePanes([...sessions(2, 1), failed, crashed], GRID_MAX);
    expect(ids(l.shown)).toEqual(['live0', 'live1', 'failed', 'crashed']);
    expect(ids(l.finished)).toEqual(['done0']);
    // Running sessions come first when space is short.
    expect(ids(arrangePanes([...sessions(2, 0), failed], 2).shown)).toEqual(['live0', 'live1']);
    expect(ids(arrangePanes([...sessions(2, 0), failed], 2).finished)).toEqual(['failed']);
    const retry = makeSession({ id: 'retry', rootId: 'r', taskId: 'g9', startedAt: 20 });
    const again = arrangePanes([retry, ...sessions(1, 0), failed], GRID_MAX);
    expect(ids(again.shown)).toEqual(['retry', 'live0']);
    expect(ids(again.finished)).toEqual(['failed']);
  });

  it('more running than fit: the rest is listed as running; nothing running: finished panes fill the grid', () => {
    const many = arrangePanes(sessions(8, 1), GRID_MAX);
    expect(many.shown).toHaveLength(GRID_MAX);
    expect(ids(many.moreLive)).toEqual(['live6', 'live7']);
    const idle = arrangePanes(sessions(0, 8), GRID_MAX);
    expect(idle.shown).toHaveLength(GRID_MAX);
    expect(ids(idle.finished)).toEqual(['done6', 'done7']);
  });

  it('the grid holds only panes of at least 40 columns and 8 lines', () => {
    // 1280×720 with the plan view: the terminal area's grid is about 1004×250.
    expect(gridCapacity(1004, 250, false)).toBe(3);
    expect(gridShape(3, 1004, 250)).toEqual({ cols: 3, rows: 1 });
    // Maximized: about 1004×600 holds a 3×3 grid; 7 running panes take 3 columns.
    expect(gridCapacity(1004, 600, true)).toBe(GRID_MAX_MAXIMIZED);
    expect(gridCapacity(1004, 600, false)).toBe(GRID_MAX);
    expect(gridShape(7, 1004, 600)).toEqual({ cols: 3, rows: 3 });
    expect(gridShape(2, 1004, 600)).toEqual({ cols: 2, rows: 1 });
    // Always at least one pane; unknown size (server rendering): the cap.
    expect(gridCapacity(200, 60, false)).toBe(1);
    expect(gridCapacity(0, 0, true)).toBe(GRID_MAX_MAXIMIZED);
  });

  it('keeps room for the strip when there is one', () => {
    // 1004×340 fits two rows of three; with a strip below, one row.
    expect(panesFor(sessions(6, 0), 1004, 340, false).shown).toHaveLength(6);
    const withStrip = panesFor(sessions(6, 1), 1004, 340, false);
    expect(withStrip.shown).toHaveLength(3);
    expect(withStrip.moreLive).toHaveLength(3);
  });
});
