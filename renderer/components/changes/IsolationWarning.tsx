// A request that runs in place (the workspace is not a git repository, or isolation is off): every
// worker writes to the same folder, so two groups can overwrite each other's work. Said above the tree.
import { useApp } from '../../services';
import './changes.css';

export function IsolationWarning() {
  const warning = useApp((s) => s.isolationWarning);
  if (!warning) return null;
  return (
    <div className="isolation-warning" role="note" aria-label="Workers share the workspace">
      <span className="isolation-glyph" aria-hidden="true">
        ⚠
      </span>
      <span>
        <strong>Workers share the workspace.</strong> {warning}
      </span>
    </div>
  );
}
