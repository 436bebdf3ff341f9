// A plan that waits for approval (setting "approve first", or the box ticked on the request): nothing
// runs until the person looking at the tree lets it.
import { useState } from 'react';
import { selectAwaitingApproval } from '../store/store';
import { useApp, useServices } from '../services';

export function ApprovalBar() {
  const { controller } = useServices();
  const waiting = useApp(selectAwaitingApproval);
  const rootId = useApp((s) => s.loadedRootId);
  const groups = useApp((s) => (s.loadedRootId ? (s.tasks.get(s.loadedRootId)?.subtasks.length ?? 0) : 0));
  const subtasks = useApp((s) => (s.loadedRootId ? (s.tasks.get(s.loadedRootId)?.progress.total ?? 0) : 0));
  const [busy, setBusy] = useState(false);
  if (!waiting || !rootId) return null;

  const approve = () => {
    setBusy(true);
    void controller.approvePlan(rootId).finally(() => setBusy(false));
  };

  return (
    <div className="approval-bar" role="region" aria-label="Plan approval">
      <span className="approval-text">
        <strong>The plan is ready and waits for your approval.</strong>{' '}
        {groups} group{groups === 1 ? '' : 's'}, {subtasks} subtask{subtasks === 1 ? '' : 's'}. Review the tree below; no worker starts
        until you approve it.
      </span>
      <button type="button" className="btn btn-primary" onClick={approve} disabled={busy}>
        {busy ? 'Approving…' : 'Approve plan'}
      </button>
    </div>
  );
}
