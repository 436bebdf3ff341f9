// Where a session works. One working directory per session, chosen by a workspace strategy.
// `in-place`: every session works in the request's workspace itself (groups share the tree; the plan
// keeps parallel groups on separate files). Isolated strategies (e.g. a git worktree per session, merged
// back when the group completes) plug in here.
export interface WorkspaceStrategy {
  readonly name: string;
  /** The working directory of a new session of `taskId` in `workspace`. */
  prepare(workspace: string, sessionId: string, taskId: string): string;
}

export const inPlace: WorkspaceStrategy = {
  name: 'in-place',
  prepare: (workspace) => workspace,
};
