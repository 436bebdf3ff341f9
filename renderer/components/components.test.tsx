// Markup tests of the views with react-dom/server (node environment: effects do not run, so no
// xterm is created; what is checked is the rendered structure and its accessibility attributes).
import { describe, expect, it } from 'vitest';
import { buildTree, makeSession, makeSettings, snapshotOf, summaryOf } from '../dev/fixtures';
import { elements, render } from '../dev/markup';
import { FakeApi } from '../dev/test-utils';
import { createAppStore, type AppStore } from '../store/store';
import type { Settings } from '../../preload/contract';
import { AGENT_PROFILE_LIST } from '../../preload/profiles';
import { ApprovalBar } from './ApprovalBar';
import { Banners } from './Banners';
import { RequestBox } from './RequestBox';
import { SettingsDialog } from './SettingsDialog';
import { filterRoots, Sidebar } from './Sidebar';
import { PlanEditor } from './PlanEditor';
import { planFromTasks } from '../store/plan-edit';
import { App } from './App';
import { ShortcutsDialog } from './KeyboardHelp';
import { SHORTCUTS } from './shortcuts';
import { TaskDetail } from './TaskDetail';
import { TaskTree, TreeHeader } from './TaskTree';
import { GRID_MAX, TerminalArea } from './TerminalArea';
import { TerminalPane } from './TerminalPane';

function loaded(groups: number, perGroup: number, status?: (id: string) => 'PENDING' | 'FAILED' | 'COMPLETED' | 'IN_PROGRESS') {
  const store = createAppStore();
  const tasks = buildTree('r', groups, perGroup, status);
  store.getState().selectRoot('r');
  store.getState().applySnapshot(snapshotOf(tasks, 'r'));
  return store;
}

describe('TaskTree', () => {
  it('renders a tree of treeitems with level, expansion, selection and position', () => {
    const store = loaded(2, 1);
    store.getState().selectTask('r-g1');
    store.getState().setCollapsed('r-g2');
    const els = elements(render(store, <TaskTree />));
    expect(els.find((e) => e.attrs.role === 'tree')?.attrs['aria-label']).toBe('Task tree');
    const items = els.filter((e) => e.attrs.role === 'treeitem');
    expect(items.map((e) => [e.attrs.id, e.attrs['aria-level'], e.attrs['aria-expanded'], e.attrs['aria-selected']])).toEqual([
      ['task-row-r', '1', 'true', 'false'],
      ['task-row-r-g1', '2', 'true', 'true'],
      ['task-row-r-g1-s1', '3', undefined, 'false'],
      ['task-row-r-g2', '2', 'false', 'false'],
    ]);
    expect(items[3].attrs['aria-posinset']).toBe('2');
    expect(items[3].attrs['aria-setsize']).toBe('2');
  });

  it('shows a Retry button on each failed subtask and group, and nowhere else', () => {
    const store = loaded(2, 2, (id) => (id === 'g1.s2' ? 'FAILED' : id.startsWith('g2') ? 'COMPLETED' : 'PENDING'));
    const html = render(store, <TaskTree />);
    const els = elements(html);
    const retries = els.filter((e) => e.tag === 'button' && e.text === 'Retry');
    expect(retries).toHaveLength(2); // group g1 (effectively failed) and its subtask s2
    expect(html).toMatch(/aria-label="Subtask 1\.2, Failed"/);
    expect(html).toMatch(/aria-label="Group 1, Failed"/);
  });

  it('renders only a window of rows for a 10,000-task tree', () => {
    const store = loaded(100, 99);
    const items = elements(render(store, <TaskTree />)).filter((e) => e.attrs.role === 'treeitem');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(50);
  });

  it('says so when nothing runs under the running filter', () => {
    const store = loaded(1, 1);
    store.getState().setTreeFilter('running');
    expect(render(store, <TaskTree />)).toContain('Nothing is running right now.');
  });
});

describe('TaskDetail', () => {
  const buttons = (html: string) => elements(html).filter((e) => e.tag === 'button').map((e) => e.text);

  it('offers "Carry on" on a request with work left and nothing running (a crash left it PENDING)', () => {
    const store = loaded(2, 1, (id) => (id.startsWith('g1') ? 'COMPLETED' : 'PENDING'));
    expect(buttons(render(store, <TaskDetail />))).toContain('Carry on');
  });

  it('offers "Retry" on a failed request, and nothing on a finished or running one', () => {
    expect(buttons(render(loaded(2, 1, (id) => (id === 'g1.s1' ? 'FAILED' : 'COMPLETED')), <TaskDetail />))).toContain('Retry');
    const done = buttons(render(loaded(2, 1, () => 'COMPLETED'), <TaskDetail />));
    expect(done.filter((b) => b === 'Retry' || b === 'Carry on')).toEqual([]);
    const running = loaded(2, 1, (id) => (id.startsWith('g1') ? 'IN_PROGRESS' : 'PENDING'));
    running.getState().applyEvents([{ event: 'session.changed', payload: makeSession({ id: 'sess-1', rootId: 'r', taskId: 'r-g1', taskIds: ['r-g1', 'r'], status: 'running' }) }]);
    expect(buttons(render(running, <TaskDetail />)).filter((b) => b === 'Retry' || b === 'Carry on')).toEqual([]);
  });
});

describe('TerminalArea', () => {
  /** `n` sessions of group 1, the first `running` of them running. */
  function withSessions(n: number, running = 1) {
    const store = loaded(1, 1);
    store.getState().applyEvents(
      Array.from({ length: n }, (_, i) => ({
        event: 'session.changed' as const,
        payload: makeSession({ id: `w${i}`, rootId: 'r', taskId: 'r-g1', status: i < running ? 'running' : 'exited', exitCode: 0, startedAt: 1000 - i }),
      })),
    );
    return store;
  }
  const paneIds = (html: string) => elements(html).filter((e) => e.tag === 'section' && e.attrs.class?.startsWith('term-pane')).map((e) => e.attrs['data-session-id']);
  const panes = (html: string) => paneIds(html).length;
  const chips = (html: string) => elements(html).filter((e) => e.tag === 'button' && e.attrs.class === 'chip').length;

  it('gives the grid to running sessions; finished ones wait as chips in a strip', () => {
    const html = render(withSessions(8, 2), <TerminalArea />);
    expect(paneIds(html)).toEqual(['w0', 'w1']);
    expect(html).toContain('Finished:');
    expect(chips(html)).toBe(6);
  });

  it('with nothing running, mounts at most GRID_MAX finished panes and lists the rest', () => {
    const html = render(withSessions(8, 0), <TerminalArea />);
    expect(panes(html)).toBe(GRID_MAX);
    expect(html).toContain('2 more:');
  });

  it('more running sessions than the grid holds: the rest is listed as running; maximized holds more', () => {
    const store = withSessions(10, 10);
    let html = render(store, <TerminalArea />);
    expect(panes(html)).toBe(GRID_MAX);
    expect(html).toContain('4 more running:');
    store.getState().setPrefs({ terminalsMaximized: true });
    html = render(store, <TerminalArea />);
    expect(panes(html)).toBe(9);
    expect(html).toContain('1 more running:');
    expect(html).toContain('class="terminals fill"');
  });

  it('focus: one pane maximized, the others as chips, a way back; every pane offers focus with its shortcut', () => {
    const store = withSessions(3, 3);
    const normal = elements(render(store, <TerminalArea />));
    const focusButtons = normal.filter((e) => e.tag === 'button' && e.attrs['aria-label'] === 'Focus this pane');
    expect(focusButtons).toHaveLength(3);
    expect(focusButtons[0].attrs.title).toContain('Alt+Z');

    store.getState().setFocusedSession('w1');
    const html = render(store, <TerminalArea />);
    expect(paneIds(html)).toEqual(['w1']);
    expect(chips(html)).toBe(2);
    const els = elements(html);
    expect(els.some((e) => e.tag === 'button' && e.text.includes('All panes'))).toBe(true);
    expect(els.find((e) => e.attrs['aria-label'] === 'Back to all panes')?.attrs['aria-pressed']).toBe('true');
    // Focus shows the pane even when the terminals were collapsed.
    store.getState().setPrefs({ terminalsCollapsed: true });
    expect(paneIds(render(store, <TerminalArea />))).toEqual(['w1']);
  });

  it('maximized or focused, the plan shrinks to a one-line bar with the jump buttons', () => {
    const store = withSessions(2, 2);
    store.getState().setRoots([summaryOf(store.getState().tasks.get('r')!)]);
    expect(render(store, <App />)).toContain('role="tree"');
    store.getState().setFocusedSession('w0');
    const html = render(store, <App />);
    expect(html).not.toContain('role="tree"');
    expect(html).toContain('class="request-bar"');
    expect(html).toContain('Next running');
  });

  it('mounts exactly one pane in tabs mode, none when collapsed', () => {
    const store = withSessions(3);
    store.getState().setPrefs({ terminalLayout: 'tabs' });
    const html = render(store, <TerminalArea />);
    expect(panes(html)).toBe(1);
    expect(elements(html).filter((e) => e.attrs.role === 'tab')).toHaveLength(3);
    store.getState().setPrefs({ terminalsCollapsed: true });
    expect(panes(render(store, <TerminalArea />))).toBe(0);
  });

  it('offers Stop only for running sessions', () => {
    const html = render(withSessions(2), <TerminalArea />);
    expect(elements(html).filter((e) => e.tag === 'button' && e.text === 'Stop')).toHaveLength(1);
  });
});

describe('TerminalPane header', () => {
  it('shows the outcome with the exit code as detail and the attempt, not a green "exited (0)"', () => {
    // g1.s1 FAILED: the first attempt exited 0 without finishing it, the second one (running) took it over.
    const store = loaded(1, 1, (id) => (id === 'g1.s1' ? 'FAILED' : 'PENDING'));
    store.getState().applyEvents([
      { event: 'session.changed', payload: makeSession({ id: 'a1', rootId: 'r', taskId: 'r-g1', taskIds: ['r-g1', 'r-g1-s1'], status: 'exited', exitCode: 0, startedAt: 1 }) },
    ]);
    const failed = render(store, <TerminalPane session={store.getState().sessions.get('a1')!} title="Group 1" />);
    expect(failed).toContain('class="term-status tone-failed"');
    expect(failed).toMatch(/>failed<\/span><span class="term-status-detail" title="[^"]*">1 of 1 subtask\(s\) failed · exit 0</);
    expect(failed).not.toContain('exited (0)');
    expect(failed).not.toContain('attempt');

    store.getState().applyEvents([
      { event: 'session.changed', payload: makeSession({ id: 'a2', rootId: 'r', taskId: 'r-g1', taskIds: ['r-g1', 'r-g1-s1'], status: 'running', startedAt: 2 }) },
    ]);
    const second = render(store, <TerminalPane session={store.getState().sessions.get('a2')!} title="Group 1" />);
    expect(second).toMatch(/class="badge badge-attempt"[^>]*>attempt 2</);
    expect(second).toContain('>running</span>');
  });
});

describe('navigation and shortcuts', () => {
  it('the tree header offers Next running and Next failed, with their shortcuts in the tooltips', () => {
    const store = loaded(3, 1, (id) => (id.startsWith('g1') ? 'FAILED' : id.startsWith('g2') ? 'IN_PROGRESS' : 'PENDING'));
    const buttons = elements(render(store, <TreeHeader />)).filter((e) => e.tag === 'button');
    const next = buttons.find((e) => e.text.startsWith('Next running'));
    const failed = buttons.find((e) => e.text.startsWith('Next failed'));
    expect(next?.attrs.title).toContain('Alt+R');
    expect(failed?.attrs.title).toContain('Alt+E');
    expect(failed?.attrs.disabled).toBeUndefined();
    const none = elements(render(loaded(1, 1), <TreeHeader />)).find((e) => e.tag === 'button' && e.text.startsWith('Next failed'));
    expect(none?.attrs.disabled).toBeDefined();
  });

  it('the shortcuts dialog lists every shortcut', () => {
    const html = render(createAppStore(), <ShortcutsDialog />);
    for (const s of SHORTCUTS) {
      expect(html).toContain(`<kbd>${s.keys}</kbd>`);
      expect(html).toContain(s.label);
    }
  });
});

describe('other views', () => {
  it('the sidebar marks the selected request', () => {
    const store = createAppStore();
    const a = summaryOf(buildTree('a', 1, 1).get('a')!);
    const b = summaryOf(buildTree('b', 1, 1).get('b')!);
    store.getState().setRoots([a, b]);
    store.getState().selectRoot('a');
    const els = elements(render(store, <Sidebar />));
    const current = els.filter((e) => e.attrs['aria-current'] === 'true');
    expect(current).toHaveLength(1);
    expect(current[0].attrs.title).toBe(a.title);
    expect(els.some((e) => e.tag === 'button' && e.attrs['aria-label'] === 'Settings')).toBe(true);
  });

  it('banners show notices with a Dismiss button', () => {
    const store = createAppStore();
    store.getState().pushNotice({ level: 'error', message: 'Retry failed: boom' });
    const html = render(store, <Banners />);
    expect(html).toContain('Retry failed: boom');
    expect(html).toContain('role="alert"');
    expect(html).toContain('aria-label="Dismiss"');
  });

  it('no API key with the built-in agent as default: a banner with a button to the settings', () => {
    const store = createAppStore();
    const settings: Settings = makeSettings();
    store.getState().setSettings(settings);
    store.getState().setSecrets({ anthropicApiKey: 'missing', stored: false, storage: 'file-0600' });
    const html = render(store, <Banners />);
    expect(html).toContain('No Anthropic API key');
    expect(elements(html).some((e) => e.tag === 'button' && e.text === 'Open settings')).toBe(true);
    // A key from the environment, or another default agent: no banner.
    store.getState().setSecrets({ anthropicApiKey: 'environment', stored: false, storage: 'file-0600' });
    expect(render(store, <Banners />)).not.toContain('No Anthropic API key');
    store.getState().setSecrets({ anthropicApiKey: 'missing', stored: false, storage: 'file-0600' });
    store.getState().setSettings({ ...settings, defaultAgentProfile: 'claude' });
    expect(render(store, <Banners />)).not.toContain('No Anthropic API key');
    // The agent last chosen in the request box is the default a new request gets: Claude Code needs no key.
    store.getState().setSettings(settings);
    store.getState().setPrefs({ lastAgentProfile: 'claude' });
    expect(render(store, <Banners />)).not.toContain('No Anthropic API key');
    // A custom command needs no key to work, but nothing could plan.
    store.getState().setPrefs({ lastAgentProfile: 'custom' });
    expect(render(store, <Banners />)).toContain('the built-in agent cannot plan without one');
  });

  it('a notice that a setting can fix offers the settings; one about another request offers to show it', () => {
    const store = createAppStore();
    const a = summaryOf(buildTree('a', 1, 1).get('a')!);
    const b = summaryOf(buildTree('b', 1, 1).get('b')!);
    store.getState().setRoots([a, b]);
    store.getState().selectRoot('a');
    store.getState().pushNotice({ level: 'error', message: 'Nothing can plan this request: add an Anthropic API key in Settings', rootId: 'b' });
    const buttons = elements(render(store, <Banners />)).filter((e) => e.tag === 'button').map((e) => e.attrs['aria-label'] ?? e.text);
    expect(buttons).toEqual(['Show request', 'Open settings', 'Dismiss']);
    store.getState().selectRoot('b');
    const again = elements(render(store, <Banners />)).filter((e) => e.tag === 'button').map((e) => e.attrs['aria-label'] ?? e.text);
    expect(again).toEqual(['Open settings', 'Dismiss']);
  });

  it('a plan waiting for approval shows a bar with an Approve plan button', () => {
    const store = createAppStore();
    store.getState().selectRoot('r');
    store.getState().applySnapshot(snapshotOf(buildTree('r', 2, 3), 'r', [], true));
    const html = render(store, <ApprovalBar />);
    expect(html).toContain('waits for your approval');
    expect(html).toContain('2 groups, 6 subtasks');
    expect(elements(html).filter((e) => e.tag === 'button' && e.text === 'Approve plan')).toHaveLength(1);
    store.getState().applySnapshot(snapshotOf(buildTree('r', 2, 3), 'r', [], false));
    expect(render(store, <ApprovalBar />)).toBe('');
  });

  it('the approval view shows the summary and the order of the groups, and offers Approve, Edit, Re-plan and Reject', () => {
    const store = createAppStore();
    store.getState().selectRoot('r');
    const tasks = buildTree('r', 3, 1);
    tasks.set('r-g3', { ...tasks.get('r-g3')!, dependsOn: ['r-g1', 'r-g2'] });
    store.getState().applySnapshot({ ...snapshotOf(tasks, 'r', [], true), planSummary: 'Three groups; the last one waits.' });
    const html = render(store, <ApprovalBar />);
    expect(html).toContain('Three groups; the last one waits.');
    expect(elements(html).find((e) => e.attrs['aria-label'] === 'Dependencies')?.text).toBe('Order: g3 waits for g1, g2.');
    const buttons = elements(html).filter((e) => e.tag === 'button').map((e) => e.text);
    expect(buttons).toEqual(['Approve plan', 'Edit…', 'Re-plan with feedback…', 'Reject…']);
  });

  it('the plan editor has a field for each title, agent and description, the dependencies, and a Remove for each group', () => {
    const tasks = buildTree('r', 2, 2);
    tasks.set('r-g2', { ...tasks.get('r-g2')!, dependsOn: ['r-g1'] });
    const plan = planFromTasks(tasks, 'r', 'sum');
    expect(plan.groups.map((g) => [g.id, g.dependsOn, g.subtasks.map((x) => x.id)])).toEqual([
      ['g1', [], ['s1', 's2']],
      ['g2', ['g1'], ['s1', 's2']],
    ]);
    const els = elements(render(createAppStore(), <PlanEditor initial={plan} onSave={async () => null} onCancel={() => {}} />));
    const labels = els.filter((e) => e.tag === 'input' || e.tag === 'textarea').map((e) => e.attrs['aria-label']).filter(Boolean);
    expect(labels).toEqual(expect.arrayContaining(['Title of g1', 'Agent of g1', 'Title of s1', 'Description of s1', 'Title of g2']));
    const g2deps = els.filter((e) => e.tag === 'input' && e.attrs.type === 'checkbox');
    expect(g2deps.map((e) => e.attrs.checked !== undefined)).toEqual([false, true]); // g1 waits for g2: no; g2 for g1: yes
    expect(els.filter((e) => e.tag === 'button' && e.text === 'Remove group').map((e) => e.attrs['aria-label'])).toEqual(['Remove group g1', 'Remove group g2']);
  });

  it('a paused request says so and offers Resume; a cancelled one says so without it', () => {
    const store = createAppStore();
    const tasks = buildTree('r', 1, 1);
    store.getState().setRoots([{ ...summaryOf(tasks.get('r')!), control: 'paused' }]);
    store.getState().selectRoot('r');
    store.getState().applySnapshot({ ...snapshotOf(tasks, 'r'), control: 'paused' });
    let html = render(store, <ApprovalBar />);
    expect(html).toContain('This request is paused.');
    expect(elements(html).filter((e) => e.tag === 'button').map((e) => e.text)).toEqual(['Resume']);
    store.getState().applySnapshot({ ...snapshotOf(tasks, 'r'), control: 'cancelled' });
    html = render(store, <ApprovalBar />);
    expect(html).toContain('This request was cancelled.');
    expect(elements(html).filter((e) => e.tag === 'button')).toEqual([]);
    store.getState().applySnapshot(snapshotOf(tasks, 'r'));
    expect(render(store, <ApprovalBar />)).toBe('');
  });

  it('the history has a search box and an archived filter, and the selected request its actions', () => {
    const store = createAppStore();
    const a = { ...summaryOf(buildTree('a', 1, 1, () => 'IN_PROGRESS').get('a')!), title: 'Add billing' };
    const b = { ...summaryOf(buildTree('b', 1, 1).get('b')!), title: 'Fix login', archived: true };
    const c = { ...summaryOf(buildTree('c', 1, 1).get('c')!), title: 'Paused one', control: 'paused' as const };
    store.getState().setRoots([a, b, c]);
    store.getState().selectRoot('a');
    const els = elements(render(store, <Sidebar />));
    expect(els.find((e) => e.tag === 'input' && e.attrs.type === 'search')?.attrs['aria-label']).toBe('Search requests');
    expect(els.find((e) => e.tag === 'button' && e.text.startsWith('Archived'))).toMatchObject({ text: 'Archived (1)', attrs: { 'aria-pressed': 'false' } });
    const titles = els.filter((e) => e.attrs.class === 'root-item-title').map((e) => e.text);
    expect([...titles].sort()).toEqual(['Add billing', 'Paused one']); // the archived one is not in the list
    expect(els.filter((e) => e.attrs.class?.startsWith('badge')).map((e) => e.text)).toContain('paused');
    const toolbar = els.find((e) => e.attrs.role === 'toolbar');
    expect(toolbar?.attrs['aria-label']).toBe('Request actions');
    const actions = els.filter((e) => e.tag === 'button' && e.attrs.class?.includes('btn-small') && !e.text.startsWith('Archived')).map((e) => e.text);
    expect(actions).toEqual(['Pause', 'Stop all', 'Cancel…', 'Rename', 'Archive', 'Delete…']);
    store.getState().selectRoot('c');
    const paused = elements(render(store, <Sidebar />)).filter((e) => e.tag === 'button' && e.attrs.class?.includes('btn-small') && !e.text.startsWith('Archived'));
    expect(paused.map((e) => e.text)).toEqual(['Resume', 'Cancel…', 'Rename', 'Archive', 'Delete…']);
  });

  it('filters the history by words of the title or the workspace, archived apart', () => {
    const mk = (id: string, title: string, workspace: string, archived = false) => ({ ...summaryOf(buildTree(id, 1, 1).get(id)!, workspace), title, ...(archived ? { archived } : {}) });
    const roots = [mk('a', 'Add billing to the shop', '/w/shop'), mk('b', 'Fix login', '/w/auth'), mk('c', 'Billing page', '/w/shop', true)];
    expect(filterRoots(roots, 'billing', false).map((r) => r.id)).toEqual(['a']);
    expect(filterRoots(roots, 'billing', true).map((r) => r.id)).toEqual(['c']);
    expect(filterRoots(roots, '  AUTH ', false).map((r) => r.id)).toEqual(['b']);
    expect(filterRoots(roots, 'shop add', false).map((r) => r.id)).toEqual(['a']);
    expect(filterRoots(roots, '', false).map((r) => r.id)).toEqual(['a', 'b']);
    expect(filterRoots(roots, 'nothing', false)).toEqual([]);
  });

  it('the settings show where the API key comes from, in a password field, never the key', () => {
    const store = createAppStore();
    store.getState().setSecrets({ anthropicApiKey: 'stored', stored: true, storage: 'os-keychain' });
    let els = elements(render(store, <SettingsDialog />));
    const input = els.find((e) => e.tag === 'input' && e.attrs.type === 'password');
    expect(input).toBeDefined();
    expect(input!.attrs.value ?? '').toBe('');
    expect(els.find((e) => e.tag === 'label' && e.attrs.for === input!.attrs.id)?.text).toBe('Replace the key');
    expect(els.some((e) => e.text.includes('A key is stored, encrypted with the system keychain.'))).toBe(true);
    expect(els.filter((e) => e.tag === 'button').map((e) => e.text)).toEqual(expect.arrayContaining(['Save key', 'Remove key']));

    store.getState().setSecrets({ anthropicApiKey: 'environment', stored: false, storage: 'file-0600' });
    els = elements(render(store, <SettingsDialog />));
    expect(els.some((e) => e.text.includes('ANTHROPIC_API_KEY from the environment'))).toBe(true);
    expect(els.some((e) => e.tag === 'button' && e.text === 'Remove key')).toBe(false);
  });

  it('every control of the request box has a label', () => {
    const store = createAppStore();
    const els = elements(render(store, <RequestBox />));
    const labelled = new Set(els.filter((e) => e.tag === 'label').map((e) => e.attrs.for));
    const controls = els.filter((e) => ['textarea', 'input', 'select'].includes(e.tag));
    expect(controls.length).toBeGreaterThanOrEqual(3);
    for (const c of controls) expect(labelled.has(c.attrs.id)).toBe(true);
  });

  it('the request box offers the system folder picker where there is one (the desktop app), not in a browser', () => {
    const store = createAppStore();
    const buttons = (html: string) => elements(html).filter((e) => e.tag === 'button').map((e) => e.text);
    expect(buttons(render(store, <RequestBox />))).not.toContain('Choose…');
    const desktop = Object.assign(new FakeApi(), { pickFolder: async () => '/home/dev/app' });
    expect(buttons(render(store, <RequestBox />, desktop))).toContain('Choose…');
  });

  it('the request box offers every agent profile of preload/profiles.ts under "Runs with"', () => {
    const store = createAppStore();
    store.getState().setSettings(makeSettings({ defaultAgentProfile: 'codex' }));
    const els = elements(render(store, <RequestBox />));
    const label = els.find((e) => e.tag === 'label' && e.text === 'Runs with');
    expect(label).toBeDefined();
    const select = els.findIndex((e) => e.tag === 'select' && e.attrs.id === label!.attrs.for);
    expect(select).toBeGreaterThanOrEqual(0);
    const after = els.slice(select + 1);
    const options = after.slice(0, after.findIndex((e) => e.tag !== 'option'));
    expect(options.map((o) => [o.attrs.value, o.text])).toEqual(AGENT_PROFILE_LIST.map((p) => [p.name, p.label]));
    expect(options.find((o) => 'selected' in o.attrs)?.attrs.value).toBe('codex');
  });

  it('the request box lets the user pick who plans; the default follows the key and the workers’ agent', () => {
    const planned = (store: AppStore) => {
      const els = elements(render(store, <RequestBox />));
      const label = els.find((e) => e.tag === 'label' && e.text === 'Planned by');
      const at = els.findIndex((e) => e.tag === 'select' && e.attrs.id === label?.attrs.for);
      const after = els.slice(at + 1);
      const options = after.slice(0, after.findIndex((e) => e.tag !== 'option'));
      const warning = els.find((e) => e.tag === 'p' && e.attrs.class?.includes('request-warning'))?.text.replace('<!-- -->', '').trim() ?? '';
      return { options: options.map((o) => o.attrs.value), selected: options.find((o) => 'selected' in o.attrs)?.attrs.value, warning };
    };
    const store = createAppStore();
    store.getState().setSettings(makeSettings({ defaultAgentProfile: 'claude' }));
    store.getState().setSecrets({ anthropicApiKey: 'missing', stored: false, storage: 'file-0600' });
    // No key, Claude Code works: Claude Code plans too, and nothing asks for a key.
    expect(planned(store)).toEqual({ options: ['builtin', 'claude', 'codex', 'gemini'], selected: 'claude', warning: '' });
    // A key in the environment: the built-in planner by default (the user can pick another).
    store.getState().setSecrets({ anthropicApiKey: 'environment', stored: false, storage: 'file-0600' });
    expect(planned(store).selected).toBe('builtin');
    // No key and the built-in agent: the box says both need one.
    store.getState().setSecrets({ anthropicApiKey: 'missing', stored: false, storage: 'file-0600' });
    store.getState().setSettings(makeSettings({ defaultAgentProfile: 'builtin' }));
    expect(planned(store).warning).toMatch(/^The built-in agent needs an Anthropic API key to plan and to work: add one, or choose Claude Code, Codex CLI or Gemini CLI\.$/);
  });
});
