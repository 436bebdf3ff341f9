// The git layer of worktree isolation: plain Node, no engine imports. See integration.ts for the model.
export { ensureGit, GitError, GitMissingError } from './run';
export { inspectWorkspace, type WorkspaceInfo, type RepositoryWorkspace, type WorkspaceProblem } from './workspace';
export {
  startRequest,
  prepareGroup,
  commitGroup,
  mergeGroup,
  removeGroupWorktree,
  IsolationError,
  type GitRequestRecord,
  type GitGroupRecord,
  type GitResolutionRecord,
  type StartedRequest,
  type PreparedGroup,
  type MergeResult,
  type RemoveResult,
} from './integration';
export { prepareResolution, finishResolution, type PreparedResolution, type FinishResult } from './resolution';
export { diff, type DiffTarget, type FileStat } from './diff';
export { apply, type ApplyResult, type ApplyRefusal } from './apply';
export { discard, pruneAndReport, type DiscardResult, type LeftoverReport } from './cleanup';
