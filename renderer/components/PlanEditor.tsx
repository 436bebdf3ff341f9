// Editing a plan that waits for approval: group titles, agents and dependencies, subtask titles and
// descriptions, removing a group. The engine validates the result as a submitted plan (plan.edit);
// its message is shown here when it refuses.
import { useState } from 'react';
import type { Plan, PlanGroup } from '../../preload/contract';

export function PlanEditor({ initial, onSave, onCancel }: { initial: Plan; onSave: (plan: Plan) => Promise<string | null>; onCancel: () => void }) {
  const [plan, setPlan] = useState<Plan>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const setGroup = (i: number, patch: Partial<PlanGroup>) => setPlan((p) => ({ ...p, groups: p.groups.map((g, j) => (j === i ? { ...g, ...patch } : g)) }));
  const removeGroup = (i: number) =>
    setPlan((p) => {
      const gone = p.groups[i]!.id;
      return { ...p, groups: p.groups.filter((_, j) => j !== i).map((g) => ({ ...g, dependsOn: g.dependsOn.filter((d) => d !== gone) })) };
    });
  const setSubtask = (i: number, k: number, patch: { title?: string; description?: string }) =>
    setGroup(i, { subtasks: plan.groups[i]!.subtasks.map((s, j) => (j === k ? { ...s, ...patch } : s)) });
  const toggleDependency = (i: number, id: string) => {
    const deps = plan.groups[i]!.dependsOn;
    setGroup(i, { dependsOn: deps.includes(id) ? deps.filter((d) => d !== id) : [...deps, id] });
  };

  const save = async () => {
    setBusy(true);
    const problem = await onSave(plan);
    setBusy(false);
    setError(problem);
  };

  return (
    <form
      className="plan-editor"
      aria-label="Edit the plan"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {plan.groups.length === 0 ? <p className="muted">No groups left: a plan needs at least one.</p> : null}
      {plan.groups.map((g, i) => (
        <fieldset key={g.id} className="plan-editor-group">
          <legend>
            {g.id}
            <button type="button" className="btn btn-small btn-danger" aria-label={`Remove group ${g.id}`} onClick={() => removeGroup(i)}>
              Remove group
            </button>
          </legend>
          <div className="plan-editor-row">
            <label className="field field-grow">
              <span>Title</span>
              <input value={g.title} aria-label={`Title of ${g.id}`} onChange={(e) => setGroup(i, { title: e.target.value })} />
            </label>
            <label className="field">
              <span>Agent</span>
              <input value={g.agent} aria-label={`Agent of ${g.id}`} onChange={(e) => setGroup(i, { agent: e.target.value })} />
            </label>
          </div>
          {plan.groups.length > 1 ? (
            <div className="plan-editor-deps" role="group" aria-label={`${g.id} waits for`}>
              <span className="muted">Waits for:</span>
              {plan.groups
                .filter((o) => o.id !== g.id)
                .map((o) => (
                  <label key={o.id} className="plan-editor-dep">
                    <input type="checkbox" checked={g.dependsOn.includes(o.id)} onChange={() => toggleDependency(i, o.id)} /> {o.id}
                  </label>
                ))}
            </div>
          ) : null}
          {g.subtasks.map((s, k) => (
            <div key={s.id} className="plan-editor-subtask">
              <label className="field">
                <span>{s.id}</span>
                <input value={s.title} aria-label={`Title of ${s.id}`} onChange={(e) => setSubtask(i, k, { title: e.target.value })} />
              </label>
              <textarea
                rows={2}
                value={s.description}
                aria-label={`Description of ${s.id}`}
                placeholder="Description"
                onChange={(e) => setSubtask(i, k, { description: e.target.value })}
              />
            </div>
          ))}
        </fieldset>
      ))}
      {error ? (
        <p className="form-problem" role="alert">
          {error}
        </p>
      ) : null}
      <div className="plan-editor-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save the plan'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
