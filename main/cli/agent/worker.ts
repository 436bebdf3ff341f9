// The worker role: do the group's subtasks with a shell and file tools, reporting through the maestro CLI.
import { baseLoopOptions, oneLine, type AgentContext } from './context';
import { LlmFatalError, runLoop, type LoopTool, type ToolOutcome } from './loop';
import type { Screen } from './screen';
import { BASH_TOOL, runBash } from './bash';
import { EDIT_FILE_TOOL, editFile, lineCount, READ_FILE_TOOL, readFile, WRITE_FILE_TOOL, writeFile, type ToolInput } from './tools';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The bash tool. With a screen, the command's output reaches the pane as it runs (and, when long, a file
 * of the session); the model gets the head and the tail, and the path of that file when it was shortened.
 */
export async function bashTool(cwd: string, input: ToolInput, env: NodeJS.ProcessEnv, screen?: Screen): Promise<ToolOutcome> {
  const live = screen?.liveOutput('bash');
  let file: string | undefined;
  const r = await runBash(cwd, input, env, live ? (s) => live.push(s) : undefined).finally(() => (file = live?.finish()));
  const content = r.shortened && file ? `${r.text}\n[all ${live!.total} characters of the output are in ${file}]` : r.text;
  if (!live) return { content, isError: r.timedOut };
  const where = file ? `\nall of the output: ${file}` : '';
  return { content, isError: r.timedOut, display: `${live.total ? '' : '(no output)\n'}${r.status}${where}` };
}

export function workerTools(cwd: string, env: NodeJS.ProcessEnv = process.env, screen?: Screen): LoopTool[] {
  return [
    {
      definition: BASH_TOOL,
      summarize: (i) => str(i.command),
      run: (i) => bashTool(cwd, i, env, screen),
    },
    {
      definition: READ_FILE_TOOL,
      summarize: (i) => `${str(i.path)}${i.offset ? `:${String(i.offset)}` : ''}`,
      run: (i) => readFile(cwd, i),
    },
    {
      definition: WRITE_FILE_TOOL,
      summarize: (i) => `${str(i.path)} (${lineCount(str(i.content))} lines)`,
      run: (i) => writeFile(cwd, i),
    },
    {
      definition: EDIT_FILE_TOOL,
      summarize: (i) => str(i.path),
      run: (i) => editFile(cwd, i),
    },
  ];
}

export async function runWorker(ctx: AgentContext): Promise<number> {
  const { screen, api } = ctx;
  const tools = workerTools(ctx.cwd, process.env, screen);
  let reminded = false;
  const label = (ids: { planId?: string; id: string; title: string }[]) => ids.map((t) => `${t.planId ?? t.id} (${t.title})`).join(', ');
  /** Fails what is left of the group with a reason, so the timeline says why. */
  const failRest = async (reason: string): Promise<number> => {
    screen.error(reason);
    try {
      if ((await api.unreported()).length) await api.call('task.fail', { id: api.taskId, reason });
    } catch (err) {
      screen.error(`could not report to Maestro: ${(err as Error).message}`);
    }
    return 1;
  };

  let end;
  try {
    end = await runLoop({
      ...baseLoopOptions(ctx, tools),
      afterTools: async () => ((await api.unreported()).length === 0 ? 'every subtask of the group is reported' : undefined),
      onFinalAnswer: async () => {
        const left = await api.unreported();
        if (left.length === 0 || reminded) return undefined;
        reminded = true;
        return (
          `These subtasks are not reported yet: ${label(left)}. Report each one before you finish: ` +
          '`maestro task complete <id> --summary "…"`, `maestro task fail <id> --reason "…"` or `maestro task block <id> --reason "…"`.'
        );
      },
    });
  } catch (err) {
    if (err instanceof LlmFatalError) return failRest(err.message);
    throw err;
  }

  if (end.reason === 'stopped') {
    screen.success(end.detail);
    return 0;
  }
  const left = await api.unreported();
  if (left.length === 0) {
    screen.success('every subtask of the group is reported');
    return 0;
  }
  if (end.reason === 'max-turns') {
    return failRest(`the built-in agent used all ${ctx.maxTurns} turns before reporting this subtask`);
  }
  return failRest(`the agent finished without reporting this subtask${end.text ? `; its last words: ${oneLine(end.text, 200)}` : ''}`);
}
