// The app layout: request history on the left; the selected request's tree and task detail in the
// middle; terminals below. With the terminals maximized or one pane focused, the tree shrinks to a bar.
import { useEffect } from 'react';
import { useApp } from '../services';
import { needsInputCount } from '../store/navigate';
import { ApprovalBar } from './ApprovalBar';
import { Banners } from './Banners';
import { ShortcutsDialog, useGlobalShortcuts } from './KeyboardHelp';
import { IsolationWarning } from './changes/IsolationWarning';
import { RequestBox } from './RequestBox';
import { SettingsDialog } from './SettingsDialog';
import { Sidebar } from './Sidebar';
import { TaskDetail } from './TaskDetail';
import { RequestBar, TaskTree, TreeHeader } from './TaskTree';
import { TerminalArea } from './TerminalArea';

function Workspace() {
  const selectedRootId = useApp((s) => s.selectedRootId);
  const treeError = useApp((s) => s.treeError);
  if (!selectedRootId) return <div className="workspace-empty muted">Select a request on the left.</div>;
  return (
    <div className="workspace">
      <section className="tree-panel" aria-label="Plan">
        <TreeHeader />
        <ApprovalBar />
        <IsolationWarning />
        {treeError ? <div className="tree-empty form-problem">Could not load the plan: {treeError}</div> : <TaskTree />}
      </section>
      <TaskDetail />
    </div>
  );
}

function EmptyState() {
  return (
    <div className="empty-state">
      <div className="empty-hero">
        <span className="brand-mark big" aria-hidden="true">
          ◆
        </span>
        <h1>What should your agents build?</h1>
        <p className="muted">
          Describe the work. An orchestrator plans it into groups of subtasks, and parallel workers carry them out in real terminals you
          can watch here.
        </p>
      </div>
      <RequestBox standalone />
    </div>
  );
}

export function App() {
  const rootsLoaded = useApp((s) => s.rootsLoaded);
  const noRoots = useApp((s) => s.roots.length === 0 && s.selectedRootId === null);
  const composing = useApp((s) => s.composing);
  const fill = useApp(
    (s) =>
      s.selectedRootId !== null &&
      ((s.focusedSessionId !== null && s.sessions.has(s.focusedSessionId)) || (s.prefs.terminalsMaximized && !s.prefs.terminalsCollapsed)),
  );
  useGlobalShortcuts();
  // The window title says how many agents wait for a person: "(2) Maestro".
  const waiting = useApp(needsInputCount);
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) Maestro` : 'Maestro';
  }, [waiting]);

  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <Banners />
        {rootsLoaded && noRoots ? (
          <EmptyState />
        ) : (
          <>
            {composing ? <RequestBox /> : null}
            {fill ? <RequestBar /> : <Workspace />}
            <TerminalArea />
          </>
        )}
      </main>
      <SettingsDialog />
      <ShortcutsDialog />
    </div>
  );
}
