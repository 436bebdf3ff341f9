// The diff of a group or a request in a large modal <dialog>: its files on the left, the chosen file's
// diff on the right, unified or split (a preference), refreshed on demand.
import { Component, Suspense, lazy, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { DiffFile } from '../../../preload/contract';
import { useDiff, useDiffCache } from '../../changes/diff-cache';
import { sectionFor, splitPatch, totals } from '../../changes/patch';
import { useApp, useServices } from '../../services';
import type { DiffMode } from '../../store/store';
import { FileList, fileKey } from './FileList';

const FileDiff = lazy(() => import('./FileDiff'));

/** A diff that cannot be drawn says so, instead of taking the app down with it. */
class DiffErrorBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  render() {
    if (this.state.error) return <p className="form-problem diff-note">This diff could not be drawn: {this.state.error}</p>;
    return this.props.children;
  }
}

export function ModeSwitch({ mode, onMode }: { mode: DiffMode; onMode(mode: DiffMode): void }) {
  return (
    <div className="segmented" role="group" aria-label="Diff layout">
      {(['unified', 'split'] as const).map((m) => (
        <button key={m} type="button" className={mode === m ? 'active' : ''} aria-pressed={mode === m} onClick={() => onMode(m)}>
          {m === 'unified' ? 'Unified' : 'Split'}
        </button>
      ))}
    </div>
  );
}

export function Totals({ files }: { files: readonly DiffFile[] }) {
  const t = totals(files);
  return (
    <span className="changes-totals">
      {t.files} file{t.files === 1 ? '' : 's'} changed, <span className="count-add">+{t.added}</span> <span className="count-del">−{t.deleted}</span>
    </span>
  );
}

export function DiffViewer({
  diffId,
  title,
  file,
  onFile,
  onClose,
  actions,
  outcome,
}: {
  /** The task whose diff this is (a group or the root). */
  diffId: string;
  title: string;
  /** The file shown (its key, see FileList), or null for the first. */
  file: string | null;
  onFile(key: string): void;
  onClose(): void;
  /** Extra controls in the header (the request's Apply and Discard), and what they answered. */
  actions?: ReactNode;
  outcome?: ReactNode;
}) {
  const { api, store } = useServices();
  const cache = useDiffCache();
  const mode = useApp((s) => s.prefs.diffMode);
  const entry = useDiff(api, diffId, true);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open && typeof d.showModal === 'function') d.showModal();
  }, []);

  const data = entry?.data ?? null;
  const sections = useMemo(() => (data?.patch ? splitPatch(data.patch) : []), [data]);
  const files = data?.files ?? [];
  const current = files.find((f) => fileKey(f) === file) ?? files[0] ?? null;
  const section = current ? sectionFor(sections, current) : undefined;

  return (
    <dialog ref={dialog} className="diff-dialog" aria-label={`Changes: ${title}`} onClose={onClose}>
      <header className="diff-head">
        <div className="diff-title">
          <h2>Changes · {title}</h2>
          {data ? (
            <span className="diff-branches muted">
              <code>{data.branch}</code> compared with <code>{data.base}</code>
            </span>
          ) : null}
        </div>
        {data ? <Totals files={files} /> : null}
        <span className="spacer" />
        {actions}
        <ModeSwitch mode={mode} onMode={(m) => store.getState().setPrefs({ diffMode: m })} />
        <button type="button" className="btn btn-small" disabled={entry?.status === 'loading'} onClick={() => void cache.refresh(api, diffId)}>
          {entry?.status === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
        <button type="button" className="icon-btn" aria-label="Close" title="Close (Esc)" onClick={() => dialog.current?.close()}>
          ✕
        </button>
      </header>
      {outcome ? <div className="diff-outcome">{outcome}</div> : null}
      {entry?.status === 'error' ? (
        <p className="form-problem diff-problem">
          Could not load the diff: {entry.error}{' '}
          <button type="button" className="btn btn-small" onClick={() => void cache.load(api, diffId, { full: true, force: true })}>
            Try again
          </button>
        </p>
      ) : null}
      <div className="diff-body">
        <nav className="diff-files" aria-label="Changed files">
          {data ? (
            files.length ? (
              <FileList files={files} sections={sections} selected={current ? fileKey(current) : null} onPick={(f) => onFile(fileKey(f))} label="Changed files" />
            ) : (
              <p className="muted diff-empty">No changes.</p>
            )
          ) : (
            <p className="muted diff-empty">{entry?.status === 'error' ? '' : 'Loading…'}</p>
          )}
        </nav>
        <section className="diff-main" aria-label={current ? `Diff of ${current.file}` : 'Diff'}>
          {current ? (
            <>
              <h3 className="diff-file-title">
                {current.from !== undefined ? (
                  <>
                    <code>{current.from}</code> → <code>{current.file}</code>
                  </>
                ) : (
                  <code>{current.file}</code>
                )}
              </h3>
              {section ? (
                <DiffErrorBoundary key={fileKey(current)}>
                  <Suspense fallback={<p className="muted diff-note">Loading the diff view…</p>}>
                    <FileDiff section={section} mode={mode} />
                  </Suspense>
                </DiffErrorBoundary>
              ) : (
                <p className="diff-note">The patch has no text for this file.</p>
              )}
            </>
          ) : null}
        </section>
      </div>
    </dialog>
  );
}
