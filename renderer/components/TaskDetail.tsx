// The detail of the selected task: what it is, how it ended, its sessions and its timeline. Task
// fields come live from the store; the timeline is loaded by `task.show` and grows with events.
import { memo, useMemo, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SessionInfo, TimelineEvent, TimelineEventType } from '../../preload/model';
import { createSessionsSelector } from '../store/selectors';
import { useApp, useServices } from '../services';
import { ChangesPanel } from './changes/ChangesPanel';
import { Redo } from './changes/Redo';
import { outcomeText, useSessionOutcome } from './outcome';
import { StatusIcon, formatDuration, formatTime, formatTokens, statusLabel } from './status';
import { createTaskEndSelector, timingWithEnd } from './timing';

const NO_TITLES: string[] = [];

const EVENT_GLYPH: Record<TimelineEventType, string> = {
  created: '✦',
  status: '●',
  log: '›',
  plan: '☰',
  'session-start': '▶',
  'session-exit': '■',
  error: '!',
  usage: 'Σ',
  retry: '↻',
  'subtask-added': '+',
  notice: 'i',
};

// Memoized: the detail re-renders on every change of its task (a status change below the root changes the
// root's progress), and its timeline holds up to 500 events that did not change.
const TimelineItem = memo(function TimelineItem({ event, showTask }: { event: TimelineEvent; showTask: boolean }) {
  // One atomic selector per item: a title is read here, not from the whole task map in the parent.
  const title = useApp((s) => (showTask ? s.tasks.get(event.taskId)?.title : undefined));
  const failedExit = event.type === 'session-exit' && event.exitCode !== undefined && event.exitCode !== 0;
  const tone =
    event.type === 'error' || failedExit || event.status === 'FAILED'
      ? 'bad'
      : event.status === 'COMPLETED' || (event.type === 'session-exit' && event.exitCode === 0)
        ? 'good'
        : event.status === 'BLOCKED'
          ? 'warn'
          : '';
  return (
    <li className={`timeline-item ${tone}`}>
      <span className="timeline-glyph" aria-hidden="true">
        {EVENT_GLYPH[event.type] ?? '·'}
      </span>
      <time className="timeline-time" dateTime={new Date(event.at).toISOString()}>
        {formatTime(event.at)}
      </time>
      <span className="timeline-msg">
        {title ? <span className="timeline-task">{title}: </span> : null}
        {event.type === 'status' && event.status ? <span className="timeline-tag">{statusLabel(event.status)} </span> : null}
        {messageText(event)}
      </span>
    </li>
  );
});

/** The event's text without what the view shows anyway (a status event's "STATUS: " prefix). */
function messageText(event: TimelineEvent): string {
  if (event.type !== 'status' || !event.status) return event.message;
  if (event.message === event.status) return '';
  const prefix = `${event.status}: `;
  return event.message.startsWith(prefix) ? event.message.slice(prefix.length) : event.message;
}

/** A session in the detail's list: the outcome the pane header shows too (work reported, failed, …). */
function SessionRow({ session }: { session: SessionInfo }) {
  const outcome = useSessionOutcome(session);
  const taskTitle = useApp((s) => (session.role === 'orchestrator' ? undefined : s.tasks.get(session.taskId)?.title));
  const title = session.role === 'orchestrator' ? 'Orchestrator' : (taskTitle ?? session.title);
  return (
    <>
      <StatusIcon status={outcome.tone} />
      <span className="session-link-body">
        <span className="session-link-title">{title}</span>
        <span className="session-link-meta muted">
          {session.agent} · {session.agentProfile} · {outcomeText(outcome)}
        </span>
      </span>
    </>
  );
}

export function TaskDetail() {
  const { controller, store } = useServices();
  const selectedTaskId = useApp((s) => s.selectedTaskId);
  const taskId = useApp((s) => s.selectedTaskId ?? s.loadedRootId);
  const task = useApp((s) => (taskId ? s.tasks.get(taskId) : undefined));
  const detail = useApp((s) => (s.detail && s.detail.taskId === taskId ? s.detail : null));
  const selectSessions = useMemo(createSessionsSelector, []);
  const sessions = useApp((s) => selectSessions(s, taskId));
  // Atomic and memoized: the detail does not follow the whole task and session maps (a status change
  // anywhere in a 10,000-task tree would re-render it and walk the tree for the timing).
  const dependsOn = useApp(useShallow((s) => (task ? task.dependsOn.map((id) => s.tasks.get(id)?.title ?? id) : NO_TITLES)));
  const selectEnd = useMemo(createTaskEndSelector, []);
  const end = useApp((s) => selectEnd(s, task));
  const [tab, setTab] = useState<'details' | 'changes'>('details');
  const events = detail?.data?.timeline;
  const timeline = useMemo(() => (events ? [...events].reverse() : []), [events]);

  if (!task) return <aside className="detail" aria-label="Task detail" />;

  const showTaskNames = task.subtasks.length > 0;
  const u = task.totalUsage;
  const hasUsage = u && (u.inputTokens > 0 || u.outputTokens > 0 || (u.costUsd ?? 0) > 0);
  // The real duration once it ended ("Took" / "Ran for"); "Running for" only while it runs.
  const timing = timingWithEnd(task, end);
  // A request with work left and nothing running (after a failure, or a crash that left it PENDING)
  // carries on with one click; a failed group or subtask is retried.
  const idleRequest = task.kind === 'root' && task.status !== 'COMPLETED' && task.status !== 'IN_PROGRESS' && !sessions.some((s) => s.status === 'running' || s.status === 'starting');
  const canRetry = (task.status === 'FAILED' && task.kind !== 'root') || idleRequest;
  const retryLabel = task.kind === 'root' && task.status !== 'FAILED' ? 'Carry on' : 'Retry';
  const canRedo = task.status === 'COMPLETED' && task.kind === 'group';
  const onTabKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = tab === 'details' ? 'changes' : 'details';
    setTab(next);
    document.getElementById(`detail-tab-${next}`)?.focus();
  };

  return (
    <aside className="detail" aria-label="Task detail">
      <header className="detail-header">
        <StatusIcon status={task.status} />
        <h2 title={task.title}>{task.title}</h2>
      </header>
      <div className="detail-tags">
        <span className={`pill tone-${task.status.toLowerCase()}`}>{statusLabel(task.status)}</span>
        <span className="pill">{task.kind}</span>
        {task.planId ? <span className="pill mono">{task.planId}</span> : null}
        {task.agent ? <span className="pill">agent: {task.agent}</span> : null}
        {canRetry ? (
          <button type="button" className="btn btn-small btn-danger" onClick={() => void controller.retryTask(task.id)}>
            {retryLabel}
          </button>
        ) : null}
        {canRedo ? <Redo key={task.id} task={task} /> : null}
      </div>
      <div className="detail-tabs" role="tablist" aria-label="Task detail views" onKeyDown={onTabKey}>
        {(['details', 'changes'] as const).map((t) => (
          <button
            key={t}
            id={`detail-tab-${t}`}
            type="button"
            role="tab"
            aria-selected={tab === t}
            aria-controls={`detail-panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            className={tab === t ? 'active' : ''}
            onClick={() => setTab(t)}
          >
            {t === 'details' ? 'Details' : 'Changes'}
          </button>
        ))}
      </div>
      {tab === 'changes' ? (
        <div className="detail-scroll" id="detail-panel-changes" role="tabpanel" aria-labelledby="detail-tab-changes">
          <ChangesPanel task={task} />
        </div>
      ) : null}

      <div className="detail-scroll" id="detail-panel-details" role="tabpanel" aria-labelledby="detail-tab-details" hidden={tab !== 'details'}>
        {task.description ? (
          <section className="detail-section">
            <h3>{task.kind === 'root' ? 'Request' : 'Description'}</h3>
            <p className="prewrap">{task.description}</p>
          </section>
        ) : null}

        {task.result ? (
          <section className="detail-section">
            <h3>Result</h3>
            <p className={`prewrap result tone-${task.status.toLowerCase()}`}>{task.result}</p>
          </section>
        ) : null}

        <section className="detail-section">
          <h3>Facts</h3>
          <dl className="facts">
            <dt>Progress</dt>
            <dd>
              {task.progress.done} of {task.progress.total} done
            </dd>
            {dependsOn.length > 0 ? (
              <>
                <dt>Waits for</dt>
                <dd>{dependsOn.join(', ')}</dd>
              </>
            ) : null}
            {task.startedAt ? (
              <>
                <dt>Started</dt>
                <dd>{formatTime(task.startedAt)}</dd>
              </>
            ) : null}
            {timing !== null ? (
              <>
                <dt>{timing.label}</dt>
                <dd>{formatDuration(timing.ms)}</dd>
              </>
            ) : null}
            {hasUsage ? (
              <>
                <dt>Tokens</dt>
                <dd>
                  {formatTokens(u.inputTokens)} in · {formatTokens(u.outputTokens)} out
                </dd>
                {(u.costUsd ?? 0) > 0 ? (
                  <>
                    <dt>Cost</dt>
                    <dd>${(u.costUsd ?? 0).toFixed(4)}</dd>
                  </>
                ) : null}
              </>
            ) : null}
          </dl>
        </section>

        {sessions.length > 0 ? (
          <section className="detail-section">
            <h3>Sessions</h3>
            <ul className="detail-sessions">
              {sessions.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    className="session-link"
                    onClick={() => {
                      store.getState().setPrefs({ terminalLayout: 'tabs', terminalsCollapsed: false });
                      store.getState().setActiveSession(s.id);
                    }}
                    title="Show this session's terminal"
                  >
                    <SessionRow session={s} />
                  </button>
                  {s.error ? <p className="session-error">{s.error}</p> : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <section className="detail-section">
          <h3>
            Timeline <span className="muted">(newest first)</span>
          </h3>
          {selectedTaskId === null ? (
            <p className="muted">Select a task (or the request row) to load its timeline.</p>
          ) : detail?.status === 'error' ? (
            <p className="form-problem">
              Could not load the timeline: {detail.error}{' '}
              <button type="button" className="btn btn-small" onClick={() => void controller.loadDetail(task.id)}>
                Try again
              </button>
            </p>
          ) : !detail || (detail.status === 'loading' && !detail.data) ? (
            <p className="muted">Loading…</p>
          ) : timeline.length === 0 ? (
            <p className="muted">Nothing happened yet.</p>
          ) : (
            <ol className="timeline">
              {timeline.map((e) => (
                <TimelineItem key={e.seq} event={e} showTask={showTaskNames && e.taskId !== task.id} />
              ))}
            </ol>
          )}
        </section>
      </div>
    </aside>
  );
}
