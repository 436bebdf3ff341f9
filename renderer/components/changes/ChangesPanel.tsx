// The "Changes" tab of the task detail: what a group's branch changed since it started (a subtask shows
// its group's), or what the request's integration branch changed against its base, with Apply and
// Discard. The file list loads when the tab opens (`task.diff` with `stat`); the diff opens in a
// large dialog. Diffs stay out of the app store (changes/diff-cache.ts).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { RequestGitView, TaskView } from '../../../preload/model';
import { RequestActions } from '../../changes/actions';
import { useDiff, useDiffCache } from '../../changes/diff-cache';
import { useApp, useServices } from '../../services';
import { formatTime } from '../status';
import { DiffViewer, Totals } from './DiffViewer';
import { FileList, fileKey } from './FileList';
import { RequestButtons, RequestOutcome } from './RequestActionsView';
import './changes.css';

type GroupGit = RequestGitView['groups'][string];

const STATE_TEXT: Record<GroupGit['state'], string> = {
  working: 'working on its branch',
  merged: 'merged into the request',
  conflict: 'merge conflict',
  resolving: 'resolving a conflict',
};

function GitState({ state }: { state: GroupGit['state'] }) {
  return <span className={`pill git-${state}`}>{STATE_TEXT[state]}</span>;
}

/** The file list of one diff, with Refresh and a button that opens the diff view. */
function DiffSummary({ diffId, title, viewerExtras }: { diffId: string; title: string; viewerExtras?: { actions: ReactNode; outcome: ReactNode } }) {
  const { api } = useServices();
  const cache = useDiffCache();
  const entry = useDiff(api, diffId, false);
  // A merge, a conflict or an apply changes what the branches hold: the diff is loaded again.
  const gitVersion = useApp((s) => (s.rootGit ? JSON.stringify(s.rootGit) : ''));
  const seenVersion = useRef(gitVersion);
  useEffect(() => {
    if (seenVersion.current === gitVersion) return;
    seenVersion.current = gitVersion;
    void cache.refresh(api, diffId);
  }, [gitVersion, api, cache, diffId]);
  const [viewer, setViewer] = useState<{ file: string | null } | null>(null);
  const data = entry?.data ?? null;
  const loading = entry === undefined || entry.status === 'loading';

  return (
    <div className="changes-summary">
      <div className="changes-toolbar">
        {data ? <Totals files={data.files} /> : <span className="muted">{loading ? 'Loading the changes…' : ''}</span>}
        <span className="spacer" />
        <button type="button" className="btn btn-small" disabled={loading} onClick={() => void cache.refresh(api, diffId)} title="Load the diff again">
          {entry?.status === 'loading' && data ? 'Refreshing…' : 'Refresh'}
        </button>
        <button type="button" className="btn btn-small" disabled={!data || data.files.length === 0} onClick={() => setViewer({ file: null })}>
          View diff
        </button>
      </div>
      {entry?.at ? <p className="changes-asof muted">As of {formatTime(entry.at)}</p> : null}
      {entry?.status === 'error' ? (
        <p className="form-problem">
          Could not load the changes: {entry.error}{' '}
          <button type="button" className="btn btn-small" onClick={() => void cache.load(api, diffId, { force: true })}>
            Try again
          </button>
        </p>
      ) : null}
      {data && data.files.length === 0 ? <p className="muted">No changes yet.</p> : null}
      {data && data.files.length > 0 ? <FileList files={data.files} onPick={(f) => setViewer({ file: fileKey(f) })} label="Changed files" /> : null}
      {viewer ? (
        <DiffViewer
          diffId={diffId}
          title={title}
          file={viewer.file}
          onFile={(file) => setViewer({ file })}
          onClose={() => setViewer(null)}
          actions={viewerExtras?.actions}
          outcome={viewerExtras?.outcome}
        />
      ) : null}
    </div>
  );
}

function RequestChanges({ root, git, warning }: { root: TaskView; git: RequestGitView | null; warning: string | null }) {
  const { api, controller, store } = useServices();
  const cache = useDiffCache();
  const tasks = useApp((s) => s.tasks);
  const [model] = useState(
    () =>
      new RequestActions(
        {
          api,
          changed: async () => {
            cache.forget(store.getState().tasks.keys());
            await controller.loadTree(root.id);
          },
        },
        root.id,
      ),
  );
  if (!git) {
    return (
      <>
        <RequestOutcome model={model} branch="your branch" />
        <p className="muted changes-none">
          {warning ? `This request runs in place: ${warning}` : 'This request has no branches: it runs in place, or its branches were discarded.'}
        </p>
      </>
    );
  }
  const groups = root.subtasks.map((id) => tasks.get(id)).filter((g): g is TaskView => !!g && !!g.planId && !!git.groups[g.planId]);
  return (
    <>
      <dl className="facts changes-facts">
        <dt>Branch</dt>
        <dd>
          <code>{git.integrationBranch}</code>
        </dd>
        <dt>Base</dt>
        <dd>
          <code>{git.baseBranch}</code> at <code>{git.baseCommit.slice(0, 7)}</code>
          {git.applied ? <span className="pill git-merged">applied</span> : null}
        </dd>
      </dl>
      <RequestButtons model={model} branch={git.baseBranch} />
      <RequestOutcome model={model} branch={git.baseBranch} />
      <DiffSummary
        diffId={root.id}
        title={root.title}
        viewerExtras={{ actions: <RequestButtons model={model} branch={git.baseBranch} />, outcome: <RequestOutcome model={model} branch={git.baseBranch} /> }}
      />
      {groups.length ? (
        <>
          <h3 className="changes-h">Groups</h3>
          <ul className="changes-groups">
            {groups.map((g) => (
              <li key={g.id}>
                <span className="plan-id">{g.planId}</span> <span className="changes-group-title">{g.title}</span> <GitState state={git.groups[g.planId!].state} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

function GroupChanges({ group, git }: { group: TaskView; git: RequestGitView | null }) {
  const g = git && group.planId ? git.groups[group.planId] : undefined;
  if (!g) return <p className="muted changes-none">{git ? 'No branch yet: this group has not started.' : 'This request has no branches: it runs in place.'}</p>;
  return (
    <>
      <dl className="facts changes-facts">
        <dt>Branch</dt>
        <dd>
          <code>{g.branch}</code>
        </dd>
        <dt>State</dt>
        <dd>
          <GitState state={g.state} />
        </dd>
      </dl>
      {g.state === 'conflict' || g.state === 'resolving' ? (
        <div className="outcome warn">
          <p>
            <strong>{g.state === 'conflict' ? 'Merging this group into the request conflicts' : 'An agent is resolving a merge conflict'}</strong>
            {g.files?.length ? ' in:' : '.'}
          </p>
          {g.files?.length ? (
            <ul className="outcome-files" aria-label="Conflicted files">
              {g.files.map((f) => (
                <li key={f}>
                  <code>{f}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <DiffSummary diffId={group.id} title={group.title} />
    </>
  );
}

export function ChangesPanel({ task }: { task: TaskView }) {
  const git = useApp((s) => s.rootGit);
  const warning = useApp((s) => s.isolationWarning);
  const parent = useApp((s) => (task.kind === 'subtask' && task.parentId ? s.tasks.get(task.parentId) : undefined));
  const group = task.kind === 'subtask' ? parent : task;

  return (
    <div className="changes" aria-label="Changes">
      {task.kind === 'subtask' && group ? <p className="muted changes-note">The changes of its group, {group.title}:</p> : null}
      {task.kind === 'root' ? (
        <RequestChanges key={task.id} root={task} git={git} warning={warning} />
      ) : group ? (
        <GroupChanges key={group.id} group={group} git={git} />
      ) : null}
    </div>
  );
}
