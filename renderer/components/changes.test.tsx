// The Changes view (issue 9): the file list with counts, unified and split diffs, Apply, Discard with
// its confirmation, Redo with a note, the in-place warning. Markup via react-dom/server (see
// dev/markup.tsx); the actions are driven through the models the buttons call.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { ReactElement } from 'react';
import type { ApplyResult, DiffResult } from '../../preload/contract';
import type { RequestGitView } from '../../preload/model';
import { RedoForm, RequestActions } from '../changes/actions';
import { DiffCache, DiffCacheContext } from '../changes/diff-cache';
import { filesOf, splitPatch } from '../changes/patch';
import { buildTree, snapshotOf } from '../dev/fixtures';
import { elements, render, textOf } from '../dev/markup';
import { GROUP_PATCHES } from '../dev/mock-diffs';
import { FakeApi } from '../dev/test-utils';
import { createAppStore, type DiffMode } from '../store/store';
import { TaskDetail } from './TaskDetail';
import { ChangesPanel } from './changes/ChangesPanel';
import { DiffViewer, ModeSwitch } from './changes/DiffViewer';
import { FileDiff } from './changes/FileDiff';
import { IsolationWarning } from './changes/IsolationWarning';
import { RedoView } from './changes/Redo';
import { RequestButtons, RequestOutcome } from './changes/RequestActionsView';

const GIT: RequestGitView = {
  integrationBranch: 'maestro/r-add-billing',
  baseCommit: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  baseBranch: 'main',
  groups: { g1: { branch: 'maestro/r-add-billing/g1', state: 'merged' }, g2: { branch: 'maestro/r-add-billing/g2', state: 'working' } },
};
const PATCH = GROUP_PATCHES.g1; // an added file, a binary file, a rename with edits

function diffOf(patch: string, scope: 'group' | 'request', branch: string): DiffResult {
  return { scope, branch, base: '4f2a9c1', files: filesOf(patch), patch };
}

/** A request r with groups g1 (done, merged) and g2 (at work); `git: null` runs in place. */
function loaded({ git = GIT, warning }: { git?: RequestGitView | null; warning?: string } = {}) {
  const store = createAppStore();
  const tasks = buildTree('r', 3, 2, (id) => (id.startsWith('g1') ? 'COMPLETED' : id === 'g2.s1' ? 'IN_PROGRESS' : 'PENDING'));
  store.getState().selectRoot('r');
  store.getState().applySnapshot({ ...snapshotOf(tasks, 'r'), ...(git ? { git } : {}), ...(warning ? { isolationWarning: warning } : {}) });
  return store;
}

/** A cache filled through a fake API, as the tab fills it when it opens. */
async function filledCache(entries: { id: string; full?: boolean; result: DiffResult }[]) {
  const api = new FakeApi({ 'task.diff': ({ id, stat }) => {
    const e = entries.find((x) => x.id === id);
    if (!e) throw new Error(`no diff for ${id}`);
    return stat ? { ...e.result, patch: undefined } : e.result;
  } });
  const cache = new DiffCache();
  for (const e of entries) await cache.load(api, e.id, { full: e.full });
  return { api, cache };
}

const withCache = (cache: DiffCache, ui: ReactElement) => <DiffCacheContext.Provider value={cache}>{ui}</DiffCacheContext.Provider>;
const buttons = (html: string) => elements(html).filter((e) => e.tag === 'button');

describe('Changes: the file list', () => {
  it('the request: branch and base, Apply to its branch, Discard…, the files with +/− counts, the groups with their state', async () => {
    const store = loaded();
    const { api, cache } = await filledCache([{ id: 'r', result: diffOf(PATCH, 'request', GIT.integrationBranch) }]);
    expect(api.callsOf('task.diff')).toEqual([{ id: 'r', stat: true }]);
    const html = render(store, withCache(cache, <ChangesPanel task={store.getState().tasks.get('r')!} />), api);
    const text = textOf(html);
    expect(text).toContain('Branch maestro/r-add-billing');
    expect(text).toContain('Base main at 4f2a9c1');
    expect(text).toContain('4 files changed, +40 −3');
    expect(buttons(html).map((b) => b.text)).toEqual(expect.arrayContaining(['Apply to main', 'Discard…', 'Refresh', 'View diff']));
    const files = elements(html).filter((e) => e.attrs.class?.startsWith('changes-file') && e.tag === 'button').map((e) => e.attrs['aria-label']);
    expect(files).toEqual([
      'docs/adr/0007-billing.md, 14 added, 0 deleted',
      'docs/diagrams/billing-flow.png, binary',
      'src/billing/model.ts, 22 added, 0 deleted',
      'src/billing/types.ts (renamed from src/payments/types.ts), 4 added, 3 deleted',
    ]);
    expect(text).toContain('from src/payments/types.ts');
    expect(text).toMatch(/g1 Group 1 merged into the request g2 Group 2 working on its branch/);
  });

  it('a subtask shows its group’s diff; a group that has not started has no branch yet', async () => {
    const store = loaded();
    const { api, cache } = await filledCache([{ id: 'r-g2', result: diffOf(GROUP_PATCHES.g3, 'group', GIT.groups.g2.branch) }]);
    const sub = render(store, withCache(cache, <ChangesPanel task={store.getState().tasks.get('r-g2-s1')!} />), api);
    expect(textOf(sub)).toContain('The changes of its group, Group 2');
    expect(textOf(sub)).toContain('2 files changed, +26 −1');
    expect(textOf(sub)).toContain('working on its branch');
    expect(buttons(sub).some((b) => b.text.startsWith('Apply'))).toBe(false);
    const g3 = render(store, withCache(cache, <ChangesPanel task={store.getState().tasks.get('r-g3')!} />), api);
    expect(textOf(g3)).toContain('No branch yet: this group has not started.');
  });

  it('a diff that cannot be loaded says why and offers to try again', async () => {
    const store = loaded();
    const api = new FakeApi({ 'task.diff': () => Promise.reject(new Error('[conflict] not implemented yet')) });
    const cache = new DiffCache();
    await cache.load(api, 'r');
    const html = render(store, withCache(cache, <ChangesPanel task={store.getState().tasks.get('r')!} />), api);
    expect(textOf(html)).toContain('Could not load the changes: not implemented yet');
    expect(buttons(html).some((b) => b.text === 'Try again')).toBe(true);
  });
});

describe('Changes: the diff, unified and split', () => {
  const section = splitPatch(PATCH).find((s) => s.change === 'renamed')!;

  it('draws one file with syntax highlighting, in one column (unified) or side by side (split)', () => {
    const unified = renderToStaticMarkup(<FileDiff section={section} mode="unified" />);
    expect(unified).toContain('unified-diff-view');
    expect(unified).not.toContain('split-diff-view');
    expect(unified).toContain('hljs-keyword');
    expect(textOf(unified).replace(/\s+/g, '')).toContain("+exporttypeCurrency='EUR'|'USD'|'GBP';");
    const split = renderToStaticMarkup(<FileDiff section={section} mode="split" />);
    expect(split).toContain('split-diff-view');
    expect(split).not.toContain('unified-diff-view');
    // Each line once per side: the old text on the left, the new on the right.
    expect(split.match(/data-side="old"/g)?.length).toBeGreaterThan(0);
    expect(split.match(/data-side="new"/g)?.length).toBeGreaterThan(0);
  });

  it('binary files and pure renames get a sentence instead of a table', () => {
    const binary = splitPatch(PATCH).find((s) => s.binary)!;
    expect(textOf(renderToStaticMarkup(<FileDiff section={binary} mode="split" />))).toBe('Binary file added: its content is not shown.');
    const [rename] = splitPatch('diff --git a/x.ts b/y.ts\nsimilarity index 100%\nrename from x.ts\nrename to y.ts\n');
    expect(textOf(renderToStaticMarkup(<FileDiff section={rename} mode="unified" />))).toBe('Renamed from x.ts; the content is unchanged.');
  });

  it('the layout switch sets the mode it names, and the viewer follows the preference', async () => {
    const picked: DiffMode[] = [];
    const sw = ModeSwitch({ mode: 'unified', onMode: (m) => picked.push(m) }) as ReactElement<{ children: ReactElement<{ onClick(): void; children: string; 'aria-pressed': boolean }>[] }>;
    const [unifiedBtn, splitBtn] = sw.props.children;
    expect([unifiedBtn.props['aria-pressed'], splitBtn.props['aria-pressed']]).toEqual([true, false]);
    splitBtn.props.onClick();
    unifiedBtn.props.onClick();
    expect(picked).toEqual(['split', 'unified']);

    const store = loaded();
    const { api, cache } = await filledCache([{ id: 'r', full: true, result: diffOf(PATCH, 'request', GIT.integrationBranch) }]);
    expect(cache.get('r', false)?.status).toBe('ready'); // the full diff also fills the file list
    for (const mode of ['unified', 'split'] as const) {
      store.getState().setPrefs({ diffMode: mode });
      const html = render(store, withCache(cache, <DiffViewer diffId="r" title="Request r" file={null} onFile={() => {}} onClose={() => {}} />), api);
      const pressed = elements(html).filter((e) => e.attrs['aria-pressed'] === 'true').map((e) => e.text);
      expect(pressed).toEqual([mode === 'unified' ? 'Unified' : 'Split']);
      expect(textOf(html)).toContain('maestro/r-add-billing compared with 4f2a9c1');
      // With the full patch the list says what happened to each file.
      const letters = elements(html).filter((e) => e.attrs.class?.startsWith('change-letter')).map((e) => e.text);
      expect(letters).toEqual(['A', 'A', 'A', 'R']);
    }
  });
});

describe('Changes: Apply and Discard', () => {
  const OK: ApplyResult = { ok: true, branch: 'main', before: '4f2a9c1', after: '9d8e7f6', files: ['a.ts', 'b.ts'], alreadyApplied: false };
  const REFUSED: ApplyResult = { ok: false, reason: 'dirty', message: 'main has uncommitted changes in files the merge would touch.', files: ['src/api/routes.ts'] };
  const outcome = (store: ReturnType<typeof loaded>, model: RequestActions) => textOf(render(store, <RequestOutcome model={model} branch="main" />));

  it('Apply calls roots.apply and shows what changed; the tree is reloaded', async () => {
    const api = new FakeApi({ 'roots.apply': () => OK });
    const changed = vi.fn();
    const model = new RequestActions({ api, changed }, 'r');
    await model.apply();
    expect(api.callsOf('roots.apply')).toEqual([{ rootId: 'r' }]);
    expect(changed).toHaveBeenCalledTimes(1);
    const text = outcome(loaded(), model);
    expect(text).toContain('Applied to main (4f2a9c1 → 9d8e7f6): 2 files changed.');
    expect(text).toContain('a.ts b.ts');
  });

  it('a refused Apply shows the reason, the message and the files in the way', async () => {
    const api = new FakeApi({ 'roots.apply': () => REFUSED });
    const changed = vi.fn();
    const model = new RequestActions({ api, changed }, 'r');
    await model.apply();
    expect(changed).not.toHaveBeenCalled();
    const html = render(loaded(), <RequestOutcome model={model} branch="main" />);
    expect(html).toContain('role="alert"');
    expect(textOf(html)).toContain('Not applied (uncommitted changes in the workspace). main has uncommitted changes in files the merge would touch.');
    expect(elements(html).find((e) => e.tag === 'ul')?.attrs['aria-label']).toBe('Files in the way');
    expect(textOf(html)).toContain('src/api/routes.ts');
    // A failed call is said too, and nothing is lost: Apply can be pressed again.
    const failing = new RequestActions({ api: new FakeApi({ 'roots.apply': () => Promise.reject(new Error('[conflict] roots.apply is not wired yet')) }), changed }, 'r');
    await failing.apply();
    expect(outcome(loaded(), failing)).toContain('Apply failed: roots.apply is not wired yet');
    expect(buttons(render(loaded(), <RequestButtons model={failing} branch="main" />)).map((b) => [b.text, 'disabled' in b.attrs])).toEqual([
      ['Apply to main', false],
      ['Discard…', false],
    ]);
  });

  it('Discard asks first; only the confirmation calls roots.discard, and the result lists what was kept', async () => {
    const api = new FakeApi({
      'roots.discard': () => ({ removedWorktrees: ['/d/wt/r/g2'], deletedBranches: ['maestro/r', 'maestro/r/g1'], kept: [{ branch: 'maestro/r/g3', reason: 'a session is still working in it' }] }),
    });
    const changed = vi.fn();
    const model = new RequestActions({ api, changed }, 'r');
    await model.confirmDiscard(); // without being asked: nothing happens
    model.askDiscard();
    expect(api.callsOf('roots.discard')).toEqual([]);
    const store = loaded();
    const asking = render(store, <RequestOutcome model={model} branch="main" />);
    expect(elements(asking).find((e) => e.attrs.role === 'alertdialog')?.attrs['aria-label']).toBe("Discard this request's branches?");
    expect(buttons(asking).map((b) => b.text)).toEqual(['Discard branches', 'Cancel']);
    model.dismiss(); // Cancel
    expect(model.getState()).toEqual({ phase: 'idle' });
    expect(api.callsOf('roots.discard')).toEqual([]);

    model.askDiscard();
    await model.confirmDiscard();
    expect(api.callsOf('roots.discard')).toEqual([{ rootId: 'r' }]);
    expect(changed).toHaveBeenCalledTimes(1);
    const text = outcome(store, model);
    expect(text).toContain('Discarded. 2 branches deleted, 1 worktree removed.');
    expect(text).toContain('Kept maestro/r/g3: a session is still working in it');
  });
});

describe('Redo… and the in-place warning', () => {
  it('Redo sends the trimmed note, refuses an empty one, and keeps the note when the call fails', async () => {
    let fail = true;
    const api = new FakeApi({ 'task.redo': ({ id }) => (fail ? Promise.reject(new Error('[conflict] Group 1 is in_progress')) : { rootId: 'r', groupId: id }) });
    const changed = vi.fn();
    const form = new RedoForm({ api, changed }, 'r-g1');
    form.open();
    await form.submit();
    expect(form.getState().error).toBe('Write what the agent should do differently.');
    expect(api.callsOf('task.redo')).toEqual([]);

    form.setNote('  Use integer cents everywhere.  ');
    await form.submit();
    expect(form.getState()).toMatchObject({ open: true, note: '  Use integer cents everywhere.  ', error: 'Group 1 is in_progress' });
    const html = render(loaded(), <RedoView model={form} />);
    const textarea = elements(html).find((e) => e.tag === 'textarea')!;
    expect(elements(html).find((e) => e.tag === 'label')?.attrs.for).toBe(textarea.attrs.id);
    expect(textarea.text).toBe('  Use integer cents everywhere.  ');
    expect(textOf(html)).toContain('Group 1 is in_progress');

    fail = false;
    await form.submit();
    expect(api.callsOf('task.redo').at(-1)).toEqual({ id: 'r-g1', note: 'Use integer cents everywhere.' });
    expect(form.getState()).toMatchObject({ open: false, note: '', started: true });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('the detail offers Redo… on a completed group only, and a Changes tab next to Details', () => {
    const store = loaded();
    for (const [id, redo] of [['r-g1', true], ['r-g2', false], ['r-g1-s1', false], ['r', false]] as const) {
      store.getState().selectTask(id);
      const html = render(store, <TaskDetail />);
      expect(buttons(html).some((b) => b.text === 'Redo…')).toBe(redo);
      expect(elements(html).filter((e) => e.attrs.role === 'tab').map((e) => [e.text, e.attrs['aria-selected']])).toEqual([
        ['Details', 'true'],
        ['Changes', 'false'],
      ]);
    }
  });

  it('a request that runs in place shows a warning that workers share the workspace; one with branches does not', () => {
    const inPlace = loaded({ git: null, warning: '/w is not a git repository: workers share it.' });
    const html = render(inPlace, <IsolationWarning />);
    expect(elements(html)[0].attrs).toMatchObject({ role: 'note', 'aria-label': 'Workers share the workspace' });
    expect(textOf(html)).toBe('⚠Workers share the workspace. /w is not a git repository: workers share it.');
    expect(textOf(render(inPlace, <ChangesPanel task={inPlace.getState().tasks.get('r')!} />))).toContain('This request runs in place');
    expect(render(loaded(), <IsolationWarning />)).toBe('');
    // Another request replaces the view (and its git view) entirely.
    inPlace.getState().selectRoot('other');
    expect(inPlace.getState()).toMatchObject({ rootGit: null, isolationWarning: null });
  });
});
