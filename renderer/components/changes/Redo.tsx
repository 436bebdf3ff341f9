// "Redo…" on a completed group: a note for the agent, then `task.redo` (a new session on the same
// branch; what it changes merges again). The note stays in the form if the call fails.
import { useId, useState } from 'react';
import type { TaskView } from '../../../preload/model';
import { MAX_NOTE, RedoForm, useModel } from '../../changes/actions';
import { useServices } from '../../services';

export function Redo({ task }: { task: TaskView }) {
  const { api, controller } = useServices();
  const [model] = useState(() => new RedoForm({ api, changed: () => controller.loadTree(task.rootId) }, task.id));
  return <RedoView model={model} />;
}

export function RedoView({ model }: { model: RedoForm }) {
  const state = useModel(model);
  const id = useId();
  if (!state.open) {
    return (
      <>
        <button type="button" className="btn btn-small" onClick={() => model.open()} title="Run this group again with a note">
          Redo…
        </button>
        {state.started ? (
          <span className="redo-started muted" role="status">
            Redo started.
          </span>
        ) : null}
      </>
    );
  }
  return (
    <form
      className="redo-form"
      aria-label="Redo this group"
      onSubmit={(e) => {
        e.preventDefault();
        void model.submit();
      }}
    >
      <label htmlFor={`${id}-note`}>What should the agent do differently?</label>
      <textarea
        id={`${id}-note`}
        rows={3}
        maxLength={MAX_NOTE}
        value={state.note}
        placeholder="e.g. Keep the old endpoint working and add a deprecation header."
        onChange={(e) => model.setNote(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void model.submit();
          } else if (e.key === 'Escape') model.cancel();
        }}
        disabled={state.busy}
        autoFocus
      />
      {state.error ? (
        <p className="form-problem" role="alert">
          {state.error}
        </p>
      ) : null}
      <div className="outcome-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={state.busy}>
          {state.busy ? 'Starting…' : 'Redo'}
        </button>
        <button type="button" className="btn btn-small" onClick={() => model.cancel()} disabled={state.busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
