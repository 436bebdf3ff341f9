// A fake engine for looking at the UI without one: `?mock=1` in the page URL (add `&big=10000` for a
// large tree). It serves a plan with running, failed and pending groups, and sessions that stream
// colored output. Dev only: loaded by a dynamic import, never by the real app path.
import type {
  CommandName,
  CommandParams,
  CommandResults,
  EngineEvents,
  EventName,
  MaestroApi,
  SecretsStatus,
  Settings,
  TaskDetail,
} from '../../preload/contract';
import type { RequestGitView, RootOptions, SessionInfo, TaskStatus, TaskView, TimelineEvent, TreeSnapshot } from '../../preload/model';
import { DEFAULT_MODEL } from '../../preload/profiles';
import { ApiError } from '../../preload/wire';
import { aggregate, makeSession, makeTask, summaryOf } from './fixtures';
import { createControlMock } from './mock-control';
import { createGitMock, demoGitView, newGitView } from './mock-git';
import { addManyWorkers, bigTree } from './mock-scenarios';

export interface MockRoot {
  id: string;
  options: RootOptions;
  tasks: Map<string, TaskView>;
  timeline: TimelineEvent[];
  awaitingApproval: boolean;
  /** Worktree isolation: the request's branches (see mock-git.ts); in place: a warning instead. */
  git?: RequestGitView;
  isolationWarning?: string;
  planSummary?: string;
  control?: 'paused' | 'cancelled';
  archived?: boolean;
}

const DATA_DIR = '/home/dev/.config/maestro';
const ESC = '\x1b[';
const c = (code: string, text: string) => `${ESC}${code}m${text}${ESC}0m`;

const SCRIPT: ((n: number) => string)[] = [
  (n) => `${c('2', `[${String(n).padStart(4, '0')}]`)} ${c('36', 'read')} src/api/routes/${['users', 'orders', 'billing', 'auth'][n % 4]}.ts`,
  (n) => `${c('2', `[${String(n).padStart(4, '0')}]`)} ${c('33', 'edit')} src/api/handlers.ts ${c('32', `+${(n * 7) % 40}`)} ${c('31', `-${(n * 3) % 12}`)}`,
  (n) => `${c('2', `[${String(n).padStart(4, '0')}]`)} ${c('35', 'bash')} npm test -- --filter api ${c('2', '# https://vitest.dev/guide/cli')}`,
  (n) => `  ${c('32', '✓')} handles ${['empty input', 'pagination', 'auth errors', 'rate limits'][n % 4]} ${c('2', `(${(n * 13) % 90} ms)`)}`,
  (n) => (n % 5 === 0 ? `  ${c('31;1', '✗')} ${c('31', 'rejects an expired token')} ${c('2', '→ expected 401, got 500')}` : `  ${c('32', '✓')} returns 201 on create`),
  (n) => `${c('1;34', 'maestro')} task log ${c('2', '"')}progress: ${(n * 3) % 100}%${c('2', '"')}`,
];

export interface MockOptions {
  /** Adds a request with about this many tasks (for looking at the virtualized tree). */
  bigTree?: number;
  /** Start with no requests at all (the first-run empty state). */
  empty?: boolean;
  /** Adds a request with this many groups, most of them running (for looking at many panes). */
  manyGroups?: number;
  /** The workspace has uncommitted changes in files the request touched: `roots.apply` refuses. */
  dirtyWorkspace?: boolean;
}

export function createMockApi(opts: MockOptions = {}): MaestroApi {
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  const emit = <E extends EventName>(event: E, payload: EngineEvents[E]) => {
    for (const l of listeners.get(event) ?? []) (l as (p: EngineEvents[E]) => void)(payload);
  };
  const roots = new Map<string, MockRoot>();
  const sessions = new Map<string, SessionInfo>();
  const logs = new Map<string, string>();
  const streams = new Map<string, ReturnType<typeof setInterval>>();
  let seq = 0;
  let idSeq = 0;
  let settings: Settings = {
    concurrency: 4,
    defaultAgentProfile: 'claude',
    customAgentCommand: '',
    model: DEFAULT_MODEL,
    maxTokens: 8192,
    maxTurns: 80,
    approvePlans: false,
    showOrchestrator: true,
    scrollback: 5000,
    quietSeconds: 300,
  };
  let apiKeyStored = false;
  const secretsStatus = (): SecretsStatus => ({ anthropicApiKey: apiKeyStored ? 'stored' : 'missing', stored: apiKeyStored, storage: 'file-0600' });

  const log = (sessionId: string, data: string) => {
    const prev = logs.get(sessionId) ?? '';
    const next = prev + data;
    logs.set(sessionId, next.length > 200_000 ? next.slice(next.length - 200_000) : next);
    emit('session.data', { sessionId, data });
  };

  const addEvent = (root: MockRoot, e: Omit<TimelineEvent, 'seq' | 'at'>) => {
    const ev: TimelineEvent = { ...e, seq: ++seq, at: Date.now() };
    root.timeline.push(ev);
    emit('timeline.event', { rootId: root.id, event: ev });
  };

  /** Tasks with a live session, as the engine passes them to the aggregation. */
  const activeTasks = (root: MockRoot) =>
    new Set([...sessions.values()].filter((s) => s.rootId === root.id && (s.status === 'running' || s.status === 'starting')).map((s) => s.taskId));

  const publish = (root: MockRoot) => {
    aggregate(root.tasks, root.id, activeTasks(root));
    emit('tasks.changed', { rootId: root.id, tasks: [...root.tasks.values()] });
    emit('roots.changed', { roots: summaries() });
  };

  const summaries = () =>
    [...roots.values()].map((r) => ({
      ...summaryOf(r.tasks.get(r.id)!, r.options.workspace, r.awaitingApproval),
      ...(r.control ? { control: r.control } : {}),
      ...(r.archived ? { archived: true } : {}),
    }));

  const setStatus = (root: MockRoot, id: string, status: TaskStatus, result?: string) => {
    const t = root.tasks.get(id)!;
    root.tasks.set(id, { ...t, status, result: result ?? t.result, updatedAt: Date.now() });
    addEvent(root, { taskId: id, type: 'status', message: `${t.title}`, status });
  };

  const startStream = (sessionId: string, lines = Infinity) => {
    let n = 0;
    const timer = setInterval(() => {
      const s = sessions.get(sessionId);
      if (!s || s.status !== 'running') return stopStream(sessionId);
      log(sessionId, SCRIPT[n % SCRIPT.length](n) + '\r\n');
      n++;
      if (n >= lines) stopStream(sessionId);
    }, 180 + Math.floor(Math.random() * 120));
    streams.set(sessionId, timer);
  };
  const stopStream = (sessionId: string) => {
    clearInterval(streams.get(sessionId));
    streams.delete(sessionId);
  };

  /** A session for a group; `leaves`: the subtasks it is started for (as the engine: a retry takes the unfinished ones). */
  const spawn = (root: MockRoot, group: TaskView, status: SessionInfo['status'], exitCode?: number, leaves = group.subtasks): SessionInfo => {
    const s = makeSession({
      id: `sess-${++idSeq}`,
      rootId: root.id,
      taskId: group.id,
      taskIds: [group.id, ...leaves],
      agent: group.agent ?? 'worker',
      agentProfile: root.options.agentProfile,
      title: group.title,
      cwd: root.options.workspace,
      command: root.options.agentProfile === 'claude' ? 'claude --append-system-prompt …' : 'maestro-agent',
      status,
      exitCode,
      startedAt: Date.now() - 60_000,
      endedAt: status === 'running' ? undefined : Date.now() - 5_000,
    });
    sessions.set(s.id, s);
    const t = root.tasks.get(group.id)!;
    root.tasks.set(group.id, { ...t, sessionIds: [...t.sessionIds, s.id] });
    addEvent(root, { taskId: group.id, type: 'session-start', message: `${s.agent} started (${s.agentProfile})`, sessionId: s.id });
    const banner = `${c('1;36', '◆ maestro')} ${c('2', 'worker session')} ${s.id} ${c('2', 'for')} ${c('1', group.title)}\r\n${c('2', `cwd ${s.cwd}`)}\r\n\r\n`;
    logs.set(s.id, banner);
    if (status === 'running') startStream(s.id);
    else {
      let text = '';
      for (let n = 0; n < 30; n++) text += SCRIPT[n % SCRIPT.length](n) + '\r\n';
      text += exitCode === 0 ? `\r\n${c('32;1', '✓ all subtasks completed')}\r\n` : `\r\n${c('31;1', 'error:')} migration 0042 failed: column "email" already exists\r\n`;
      logs.set(s.id, banner + text);
      addEvent(root, { taskId: group.id, type: 'session-exit', message: `${s.agent} exited`, sessionId: s.id, exitCode });
    }
    return s;
  };

  // ── the demo data ─────────────────────────────────────────────────────────────────────────────
  const makeRoot = (id: string, title: string, description: string, workspace: string, profile = 'claude'): MockRoot => {
    const root: MockRoot = {
      id,
      options: { workspace, agentProfile: profile },
      tasks: new Map([[id, makeTask({ id, rootId: id, kind: 'root', title, description, status: 'IN_PROGRESS', createdAt: Date.now() - 3_600_000 })]]),
      timeline: [],
      awaitingApproval: false,
    };
    roots.set(id, root);
    addEvent(root, { taskId: id, type: 'created', message: 'Request created' });
    return root;
  };

  const addGroup = (root: MockRoot, planId: string, title: string, agent: string, subs: [string, TaskStatus, string?][], dependsOn: string[] = []) => {
    const gid = `${root.id}-${planId}`;
    const subIds = subs.map((_, i) => `${gid}-s${i + 1}`);
    subs.forEach(([t, status, result], i) => {
      root.tasks.set(subIds[i], makeTask({ id: subIds[i], rootId: root.id, kind: 'subtask', parentId: gid, planId: `s${i + 1}`, title: t, status, result, description: `${t}. Keep the change small and covered by a test.` }));
    });
    root.tasks.set(gid, makeTask({ id: gid, rootId: root.id, kind: 'group', parentId: root.id, planId, title, agent, subtasks: subIds, dependsOn: dependsOn.map((d) => `${root.id}-${d}`), description: `Group ${planId}: ${title}.`, startedAt: Date.now() - 300_000 }));
    const r = root.tasks.get(root.id)!;
    root.tasks.set(root.id, { ...r, subtasks: [...r.subtasks, gid] });
    return root.tasks.get(gid)!;
  };

  const old = makeRoot('demo-old', 'Fix flaky login test', 'The login e2e test fails one run in ten. Find out why and fix it.', '/home/dev/login-spike', 'builtin');
  old.options.isolation = 'in-place';
  old.isolationWarning = '/home/dev/login-spike is not a git repository: the workers share this folder and can overwrite each other\'s changes.';
  addGroup(old, 'g1', 'Reproduce and fix', 'worker', [
    ['Reproduce the flake', 'COMPLETED'],
    ['Fix the race in the session cookie', 'COMPLETED'],
  ]);
  old.tasks.set(old.id, { ...old.tasks.get(old.id)!, status: 'COMPLETED', createdAt: Date.now() - 86_400_000 * 2 });
  aggregate(old.tasks, old.id, activeTasks(old));

  const main = makeRoot('demo', 'Add billing to the web shop', 'Add Stripe billing: a checkout endpoint, webhooks, a billing page and the migrations, with tests.', '/home/dev/webshop');
  const g1 = addGroup(main, 'g1', 'Design the billing model', 'architect', [
    ['Sketch the data model', 'COMPLETED'],
    ['Write the ADR', 'COMPLETED'],
  ]);
  const g2 = addGroup(main, 'g2', 'Implement the checkout API', 'backend', [
    ['POST /checkout', 'COMPLETED'],
    ['Stripe webhook handler', 'IN_PROGRESS'],
    ['Idempotency keys', 'PENDING'],
  ], ['g1']);
  const g3 = addGroup(main, 'g3', 'Billing page', 'frontend', [
    ['Plan picker component', 'IN_PROGRESS'],
    ['Invoice history table', 'PENDING'],
  ], ['g1']);
  const g4 = addGroup(main, 'g4', 'Database migrations', 'worker', [
    ['Create customers table', 'COMPLETED'],
    ['Add email index to customers', 'FAILED', 'Migration 0042 failed: column "email" already exists (exit code 1).'],
  ], ['g1']);
  addGroup(main, 'g5', 'End-to-end tests', 'tester', [
    ['Checkout happy path', 'PENDING'],
    ['Webhook retries', 'PENDING'],
  ], ['g2', 'g3', 'g4']);
  addGroup(main, 'g6', 'Deploy to staging', 'devops', [['Run the deploy script', 'BLOCKED', 'Waiting for staging credentials.']], ['g5']);
  main.tasks.set(g1.id, { ...main.tasks.get(g1.id)!, usage: { inputTokens: 48_200, outputTokens: 9_100, costUsd: 0.31 }, completedAt: Date.now() - 200_000 });
  main.tasks.set(g2.id, { ...main.tasks.get(g2.id)!, usage: { inputTokens: 120_400, outputTokens: 22_800, costUsd: 0.74 } });
  spawn(main, main.tasks.get(g1.id)!, 'exited', 0);
  spawn(main, main.tasks.get(g2.id)!, 'running');
  spawn(main, main.tasks.get(g3.id)!, 'running');
  spawn(main, main.tasks.get(g4.id)!, 'exited', 1);
  main.tasks.set(g4.id, { ...main.tasks.get(g4.id)!, status: 'FAILED', result: 'A subtask failed: migration 0042.' });
  aggregate(main.tasks, main.id, activeTasks(main));
  main.options.isolation = 'worktree';
  main.git = demoGitView(main);
  addEvent(main, { taskId: `${g2.id}-s1`, type: 'log', message: 'POST /checkout returns a session URL; 6 tests added' });
  addEvent(main, { taskId: `${g4.id}-s2`, type: 'error', message: 'migration 0042 failed: column "email" already exists' });

  if (opts.bigTree && opts.bigTree > 0) {
    roots.set('big', { id: 'big', options: { workspace: '/home/dev/monorepo', agentProfile: 'builtin' }, tasks: bigTree(opts.bigTree), timeline: [], awaitingApproval: false });
  }

  if (opts.manyGroups && opts.manyGroups > 0) {
    const many = addManyWorkers({ makeRoot, addGroup, spawn }, opts.manyGroups);
    aggregate(many.tasks, many.id);
  }

  if (opts.empty) {
    for (const s of sessions.keys()) stopStream(s);
    roots.clear();
    sessions.clear();
  }

  if (!opts.empty) setTimeout(() => emit('notice', { level: 'warning', message: 'Rate limited by the API (429); the orchestrator retries in 8 s.' }), 800);

  const snapshot = (root: MockRoot): TreeSnapshot => ({
    rootId: root.id,
    options: root.options,
    awaitingApproval: root.awaitingApproval,
    ...(root.git ? { git: root.git } : {}),
    ...(root.isolationWarning ? { isolationWarning: root.isolationWarning } : {}),
    ...(root.planSummary ? { planSummary: root.planSummary } : {}),
    ...(root.control ? { control: root.control } : {}),
    ...(root.archived ? { archived: true } : {}),
    tasks: [...root.tasks.values()],
    sessions: [...sessions.values()].filter((s) => s.rootId === root.id),
  });

  /** The orchestrator of a new request: a pane that shows it reading the code while it plans. */
  const spawnOrchestrator = (root: MockRoot): SessionInfo => {
    const s = makeSession({
      id: `sess-${++idSeq}`,
      rootId: root.id,
      taskId: root.id,
      role: 'orchestrator',
      agent: 'orchestrator',
      agentProfile: 'builtin',
      title: 'Orchestrator',
      cwd: root.options.workspace,
      status: 'running',
      startedAt: Date.now(),
    });
    sessions.set(s.id, s);
    const t = root.tasks.get(root.id)!;
    root.tasks.set(root.id, { ...t, sessionIds: [...t.sessionIds, s.id] });
    logs.set(s.id, `${c('1;36', '◆ maestro agent')} ${c('2', `orchestrator · ${settings.model}`)}\r\n\r\n`);
    const steps = ['list_files .', 'read_file README.md', 'search /TODO/ in src', 'read_file src/index.ts'];
    steps.forEach((step, i) => setTimeout(() => log(s.id, `${c('35', '▸')} ${step}\r\n`), 400 * (i + 1)));
    emit('session.changed', s);
    return s;
  };

  /** Starts the first group of a freshly planned request. */
  const startPlan = (root: MockRoot) => {
    const first = root.tasks.get(`${root.id}-g1`)!;
    setStatus(root, first.subtasks[0], 'IN_PROGRESS');
    if (root.git) root.git = { ...root.git, groups: { ...root.git.groups, g1: { branch: `${root.git.integrationBranch}/g1`, state: 'working' } } };
    const s = spawn(root, root.tasks.get(first.id)!, 'running');
    emit('session.changed', s);
  };

  /** A planner session; after a moment its plan arrives (and waits for approval when asked). */
  const planAgain = (r: MockRoot) => {
    const id = r.id;
    const planner = spawnOrchestrator(r);
    const again = r.tasks.get(id)!.description.includes('## Feedback on an earlier plan');
    setTimeout(() => {
      addEvent(r, { taskId: id, type: 'plan', message: `Plan ready: ${again ? 3 : 2} groups${r.options.approvePlan ? '; it waits for approval' : ''}` });
      addGroup(r, 'g1', 'Explore the code', 'architect', [['Map the modules involved', 'PENDING']]);
      if (again) {
        addGroup(r, 'g2', 'Make the change', 'worker', [['Implement', 'PENDING']], ['g1']);
        addGroup(r, 'g3', 'Cover it with tests', 'tester', [['Add tests', 'PENDING']], ['g2']);
      } else addGroup(r, 'g2', 'Make the change', 'worker', [['Implement', 'PENDING'], ['Add tests', 'PENDING']], ['g1']);
      r.planSummary = again ? 'Explore first, then change, then a separate group writes the tests (as asked).' : 'Explore the code, then make the change with its tests.';
      const ended: SessionInfo = { ...sessions.get(planner.id)!, status: 'exited', exitCode: 0, endedAt: Date.now() };
      sessions.set(planner.id, ended);
      log(planner.id, `${c('32;1', '✓ plan accepted:')} ${again ? 3 : 2} group(s), 3 subtask(s)\r\n`);
      emit('session.changed', ended);
      r.awaitingApproval = !!r.options.approvePlan;
      if (!r.awaitingApproval) startPlan(r);
      publish(r);
    }, 2500);
  };

  const control = createControlMock({
    roots,
    sessions,
    snapshot: (r) => snapshot(r),
    publish: (r) => publish(r),
    setStatus: (r, id, status, result) => setStatus(r, id, status, result),
    note: (r, message) => addEvent(r, { taskId: r.id, type: 'notice', message }),
    stop: (sessionId) => {
      const s = sessions.get(sessionId);
      if (!s) return;
      const next: SessionInfo = { ...s, status: 'stopped', endedAt: Date.now() };
      sessions.set(sessionId, next);
      stopStream(sessionId);
      log(sessionId, `\r\n${c('33', '■ stopped by the user')}\r\n`);
      emit('session.changed', next);
    },
    planAgain: (r) => planAgain(r),
  });

  const rootOf = (taskId: string): MockRoot => {
    for (const r of roots.values()) if (r.tasks.has(taskId)) return r;
    throw new ApiError('not-found', `no task ${taskId}`);
  };

  /** After a moment, `tids` go back to work in a new session of the group; 6 s later they complete. */
  const rerun = (r: MockRoot, group: TaskView, tids: string[], message: string, eventTaskId = group.id, done?: () => void) => {
    addEvent(r, { taskId: eventTaskId, type: 'retry', message });
    publish(r);
    setTimeout(() => {
      for (const tid of tids) setStatus(r, tid, 'IN_PROGRESS');
      const s = spawn(r, r.tasks.get(group.id)!, 'running', undefined, tids.filter((tid) => group.subtasks.includes(tid)));
      emit('session.changed', s);
      publish(r);
      setTimeout(() => {
        for (const tid of tids) setStatus(r, tid, 'COMPLETED', 'Done on retry.');
        if (r.tasks.get(group.id)!.status === 'FAILED') setStatus(r, group.id, 'IN_PROGRESS');
        const ended: SessionInfo = { ...sessions.get(s.id)!, status: 'exited', exitCode: 0, endedAt: Date.now() };
        sessions.set(s.id, ended);
        log(s.id, `\r\n${c('32;1', '✓ done')}\r\n`);
        emit('session.changed', ended);
        addEvent(r, { taskId: group.id, type: 'session-exit', message: `${s.agent} exited`, sessionId: s.id, exitCode: 0 });
        done?.();
        publish(r);
      }, 6000);
    }, 1000);
  };

  const git = createGitMock({
    roots,
    rootOf: (id) => rootOf(id),
    publish: (r) => publish(r),
    rerun: (r, group, tids, message, done) => {
      for (const tid of tids) setStatus(r, tid, 'PENDING');
      rerun(r, group, tids, message, group.id, done);
    },
    log: (r, taskId, message) => addEvent(r, { taskId, type: 'notice', message }),
    dirtyWorkspace: !!opts.dirtyWorkspace,
    dataDir: DATA_DIR,
  });

  const handlers: { [K in CommandName]?: (p: CommandParams<K>) => CommandResults[K] } = {
    'roots.list': () => summaries(),
    'tree.get': ({ rootId }) => {
      const r = roots.get(rootId);
      if (!r) throw new ApiError('not-found', `no request ${rootId}`);
      return snapshot(r);
    },
    'task.show': ({ id, timelineLimit }): TaskDetail => {
      const r = rootOf(id);
      const task = r.tasks.get(id)!;
      const inside = (tid: string) => {
        for (let t = r.tasks.get(tid); t; t = t.parentId ? r.tasks.get(t.parentId) : undefined) if (t.id === id) return true;
        return false;
      };
      return {
        task,
        subtasks: task.subtasks.map((s) => r.tasks.get(s)!),
        timeline: r.timeline.filter((e) => inside(e.taskId)).slice(-(timelineLimit ?? 20)),
        sessions: [...sessions.values()].filter((s) => s.taskIds.includes(id) || (task.kind === 'root' && s.rootId === id)),
      };
    },
    'task.retry': ({ id }) => {
      const r = rootOf(id);
      const reset: string[] = [];
      const visit = (tid: string) => {
        const t = r.tasks.get(tid)!;
        if (t.status === 'FAILED') {
          setStatus(r, tid, 'PENDING');
          reset.push(tid);
        }
        t.subtasks.forEach(visit);
      };
      visit(id);
      if (reset.length === 0) throw new ApiError('conflict', 'nothing failed below this task');
      const group = r.tasks.get(id)!.kind === 'group' ? r.tasks.get(id)! : r.tasks.get(r.tasks.get(id)!.parentId!)!;
      rerun(r, group, reset, `Retrying ${reset.length} task(s)`, id);
      return { rootId: r.id, reset };
    },
    'session.stop': ({ sessionId }) => {
      const s = sessions.get(sessionId);
      if (!s) throw new ApiError('not-found', `no session ${sessionId}`);
      const next: SessionInfo = { ...s, status: 'stopped', endedAt: Date.now() };
      sessions.set(sessionId, next);
      stopStream(sessionId);
      log(sessionId, `\r\n${c('33', '■ stopped by the user')}\r\n`);
      emit('session.changed', next);
      // As the engine: stopping is not failing — the work goes back to PENDING and the request is paused.
      const r = roots.get(s.rootId);
      if (r && s.role === 'worker' && r.control !== 'cancelled') {
        r.control = 'paused';
        for (const id of s.taskIds) if (r.tasks.get(id)?.status === 'IN_PROGRESS' && !r.tasks.get(id)!.subtasks.length) setStatus(r, id, 'PENDING');
        publish(r);
      }
      return next;
    },
    'session.write': ({ sessionId, data }) => {
      log(sessionId, data.replace(/\r/g, '\r\n'));
      return { ok: true };
    },
    'session.resize': ({ sessionId, cols, rows }) => {
      const s = sessions.get(sessionId);
      if (s) sessions.set(sessionId, { ...s, cols, rows });
      return { ok: true };
    },
    'session.replay': ({ sessionId }) => ({ data: logs.get(sessionId) ?? '', restored: false }),
    'session.attach': ({ sessionId }) => ({ data: logs.get(sessionId) ?? '', restored: false, live: sessions.get(sessionId)?.status === 'running' }),
    'session.detach': () => ({ ok: true }),
    'session.ack': () => ({ ok: true }),
    'app.info': () => ({ dataDir: DATA_DIR, version: '0.1.0', defaultWorkspace: '/home/dev/platform' }),
    'settings.get': () => settings,
    'settings.set': (patch) => (settings = { ...settings, ...patch }),
    'roots.create': ({ request, workspace, agentProfile, agentCommand, approvePlan }) => {
      const id = `req-${++idSeq}`;
      const title = request.split('\n')[0].slice(0, 80);
      const r = makeRoot(id, title, request, workspace ?? '/home/dev/webshop', agentProfile ?? settings.defaultAgentProfile);
      if (agentCommand) r.options.agentCommand = agentCommand;
      r.options.approvePlan = approvePlan ?? settings.approvePlans;
      r.options.isolation = 'worktree';
      r.tasks.set(id, { ...r.tasks.get(id)!, createdAt: Date.now() });
      r.git = newGitView(r);
      planAgain(r);
      emit('roots.changed', { roots: summaries() });
      return snapshot(r);
    },
    'plan.approve': ({ rootId }) => {
      const r = roots.get(rootId);
      if (!r) throw new ApiError('not-found', `no request ${rootId}`);
      if (!r.awaitingApproval) throw new ApiError('conflict', `request ${rootId} has no plan waiting for approval`);
      r.awaitingApproval = false;
      addEvent(r, { taskId: rootId, type: 'plan', message: 'plan approved: starting the workers' });
      startPlan(r);
      publish(r);
      return snapshot(r);
    },
    ...git,
    ...control,
    'secrets.status': () => secretsStatus(),
    'secrets.setApiKey': ({ key }) => {
      apiKeyStored = key !== null;
      return secretsStatus();
    },
  };

  return {
    async call<K extends CommandName>(method: K, params: CommandParams<K>): Promise<CommandResults[K]> {
      const h = handlers[method] as ((p: CommandParams<K>) => CommandResults[K]) | undefined;
      // An attach takes its snapshot when it arrives, as the engine does: output after it comes as live
      // data only (a snapshot taken after the delay would also hold what the pane buffered meanwhile).
      const early = method === 'session.attach' && h ? h(params) : undefined;
      await new Promise((r) => setTimeout(r, 30));
      if (!h) throw new ApiError('bad-request', `${method} is not supported by the mock`);
      return early ?? h(params);
    },
    on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: never) => void);
      return () => set.delete(listener as (p: never) => void);
    },
  };
}
