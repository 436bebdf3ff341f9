// A request's Apply and Discard: the buttons, the confirmation Discard asks for, and what came back.
import type { ApplyResult } from '../../../preload/contract';
import { type RequestActions, useModel } from '../../changes/actions';

const REFUSAL: Record<Extract<ApplyResult, { ok: false }>['reason'], string> = {
  'not-repository': 'the workspace is not a git repository',
  'other-repository': 'the workspace is another repository',
  detached: 'the workspace has a detached HEAD',
  dirty: 'uncommitted changes in the workspace',
  staged: 'staged changes in the workspace',
  conflict: 'the merge has conflicts',
  failed: 'git failed',
};

function Files({ files, label }: { files: readonly string[]; label: string }) {
  if (files.length === 0) return null;
  const shown = files.slice(0, 12);
  return (
    <ul className="outcome-files" aria-label={label}>
      {shown.map((f) => (
        <li key={f}>
          <code>{f}</code>
        </li>
      ))}
      {files.length > shown.length ? <li className="muted">and {files.length - shown.length} more</li> : null}
    </ul>
  );
}

export function RequestButtons({ model, branch }: { model: RequestActions; branch: string }) {
  const state = useModel(model);
  const busy = state.phase === 'busy';
  return (
    <div className="request-buttons">
      <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => void model.apply()}>
        {busy && state.action === 'apply' ? 'Applying…' : `Apply to ${branch}`}
      </button>
      <button type="button" className="btn btn-danger btn-small" disabled={busy || state.phase === 'confirm-discard'} onClick={() => model.askDiscard()}>
        {busy && state.action === 'discard' ? 'Discarding…' : 'Discard…'}
      </button>
    </div>
  );
}

/** The confirmation, or the outcome of the last Apply or Discard (nothing while idle). */
export function RequestOutcome({ model, branch }: { model: RequestActions; branch: string }) {
  const state = useModel(model);
  const dismiss = (
    <button type="button" className="btn btn-small" onClick={() => model.dismiss()}>
      Dismiss
    </button>
  );
  switch (state.phase) {
    case 'idle':
    case 'busy':
      return null;
    case 'confirm-discard':
      return (
        <div className="outcome warn" role="alertdialog" aria-label="Discard this request's branches?">
          <p>
            <strong>Discard this request&apos;s branches?</strong> Every branch and worktree of this request is deleted. Changes that were not
            applied to <code>{branch}</code> are lost. Your checkout is not touched.
          </p>
          <div className="outcome-actions">
            <button type="button" className="btn btn-danger btn-small" onClick={() => void model.confirmDiscard()}>
              Discard branches
            </button>
            <button type="button" className="btn btn-small" onClick={() => model.dismiss()}>
              Cancel
            </button>
          </div>
        </div>
      );
    case 'applied': {
      const r = state.result;
      if (!r.ok) {
        return (
          <div className="outcome bad" role="alert">
            <p>
              <strong>Not applied</strong> ({REFUSAL[r.reason] ?? r.reason}). {r.message}
            </p>
            <Files files={r.files} label="Files in the way" />
            <div className="outcome-actions">{dismiss}</div>
          </div>
        );
      }
      return (
        <div className="outcome good" role="status">
          <p>
            {r.alreadyApplied ? (
              <>
                <strong>Already applied</strong> to <code>{r.branch}</code>: nothing new to merge.
              </>
            ) : (
              <>
                <strong>Applied</strong> to <code>{r.branch}</code> (<code>{r.before}</code> → <code>{r.after}</code>): {r.files.length} file
                {r.files.length === 1 ? '' : 's'} changed.
              </>
            )}
          </p>
          <Files files={r.files} label="Files changed" />
          <div className="outcome-actions">{dismiss}</div>
        </div>
      );
    }
    case 'discarded': {
      const r = state.result;
      return (
        <div className={`outcome ${r.kept.length ? 'warn' : 'good'}`} role="status">
          <p>
            <strong>Discarded.</strong> {r.deletedBranches.length} branch{r.deletedBranches.length === 1 ? '' : 'es'} deleted,{' '}
            {r.removedWorktrees.length} worktree{r.removedWorktrees.length === 1 ? '' : 's'} removed.
          </p>
          {r.kept.length ? (
            <ul className="outcome-files" aria-label="Kept">
              {r.kept.map((k) => (
                <li key={k.branch}>
                  Kept <code>{k.branch}</code>: {k.reason}
                </li>
              ))}
            </ul>
          ) : null}
          <div className="outcome-actions">{dismiss}</div>
        </div>
      );
    }
    case 'failed':
      return (
        <div className="outcome bad" role="alert">
          <p>
            <strong>{state.action === 'apply' ? 'Apply' : 'Discard'} failed:</strong> {state.error}
          </p>
          <div className="outcome-actions">{dismiss}</div>
        </div>
      );
  }
}
