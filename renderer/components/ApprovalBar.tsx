// Above the tree: a plan that waits for approval (setting "approve first", or the box ticked on the
// request) with its summary and dependencies — Approve, Edit, Re-plan with feedback, Reject — and a
// request a person paused or cancelled, with Resume.
import { useState } from 'react';
import type { Plan } from '../../preload/contract';
import { dependencyLines, planFromTasks } from '../store/plan-edit';
import { selectAwaitingApproval, selectRootControl } from '../store/store';
import { useApp, useServices } from '../services';
import { PlanEditor } from './PlanEditor';

type Mode = 'view' | 'edit' | 'replan' | 'reject';

export function ApprovalBar() {
  const waiting = useApp(selectAwaitingApproval);
  const control = useApp(selectRootControl);
  const rootId = useApp((s) => s.loadedRootId);
  if (!rootId) return null;
  if (waiting) return <PlanApproval key={rootId} rootId={rootId} />;
  if (control) return <HoldBar rootId={rootId} control={control} />;
  return null;
}

function HoldBar({ rootId, control }: { rootId: string; control: 'paused' | 'cancelled' }) {
  const { controller } = useServices();
  const [busy, setBusy] = useState(false);
  if (control === 'cancelled') {
    return (
      <div className="approval-bar hold-bar" role="status" aria-label="Request cancelled">
        <span className="approval-text">
          <strong>This request was cancelled.</strong> Nothing of it runs again; its results so far stay as they are.
        </span>
      </div>
    );
  }
  return (
    <div className="approval-bar hold-bar" role="region" aria-label="Request paused">
      <span className="approval-text">
        <strong>This request is paused.</strong> No new session starts; stopped work stays PENDING and carries on when you resume.
      </span>
      <button
        type="button"
        className="btn btn-primary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void controller.resumeRoot(rootId).finally(() => setBusy(false));
        }}
      >
        {busy ? 'Resuming…' : 'Resume'}
      </button>
    </div>
  );
}

function PlanApproval({ rootId }: { rootId: string }) {
  const { controller } = useServices();
  const tasks = useApp((s) => s.tasks);
  const summary = useApp((s) => s.planSummary);
  const [mode, setMode] = useState<Mode>('view');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const plan = planFromTasks(tasks, rootId, summary);
  const subtasks = plan.groups.reduce((n, g) => n + g.subtasks.length, 0);
  const deps = dependencyLines(plan);

  const run = (fn: () => Promise<unknown>) => {
    setBusy(true);
    void fn().finally(() => setBusy(false));
  };
  const save = async (edited: Plan): Promise<string | null> => {
    const r = await controller.editPlan(rootId, edited);
    if (r.ok) setMode('view');
    return r.ok ? null : r.error;
  };

  return (
    <div className="approval-bar approval-panel" role="region" aria-label="Plan approval">
      <div className="approval-text">
        <strong>The plan is ready and waits for your approval.</strong>{' '}
        {plan.groups.length} group{plan.groups.length === 1 ? '' : 's'}, {subtasks} subtask{subtasks === 1 ? '' : 's'}. No worker starts until you approve it.
        {plan.summary ? <span className="approval-summary-full">{plan.summary}</span> : null}
        <span className="approval-deps" aria-label="Dependencies">
          {deps.length ? `Order: ${deps.join('; ')}.` : 'No group waits for another: they may run at once.'}
        </span>
      </div>
      {mode === 'view' ? (
        <div className="approval-actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => run(() => controller.approvePlan(rootId))}>
            {busy ? 'Working…' : 'Approve plan'}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => setMode('edit')}>
            Edit…
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => (setText(''), setMode('replan'))}>
            Re-plan with feedback…
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => (setText(''), setMode('reject'))}>
            Reject…
          </button>
        </div>
      ) : null}
      {mode === 'edit' ? <PlanEditor initial={plan} onSave={save} onCancel={() => setMode('view')} /> : null}
      {mode === 'replan' || mode === 'reject' ? (
        <form
          className="approval-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (mode === 'replan' && !text.trim()) return;
            run(async () => {
              const ok = mode === 'replan' ? await controller.replan(rootId, text) : await controller.rejectPlan(rootId, text.trim() || undefined);
              if (ok) setMode('view');
            });
          }}
        >
          <label className="field field-grow">
            <span>{mode === 'replan' ? 'What should the planner do differently?' : 'Why is it rejected? (optional)'}</span>
            <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
          </label>
          <p className="muted">
            {mode === 'replan'
              ? 'This plan is dropped and the planner starts again with your feedback added to the request.'
              : 'The plan is dropped and the request fails as "plan rejected" (Retry plans it again).'}
          </p>
          <div className="approval-actions">
            <button type="submit" className={mode === 'replan' ? 'btn btn-primary' : 'btn btn-danger'} disabled={busy || (mode === 'replan' && !text.trim())}>
              {mode === 'replan' ? 'Plan again' : 'Reject the plan'}
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => setMode('view')}>
              Back
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
