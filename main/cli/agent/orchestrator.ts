// The orchestrator role: explore the workspace read-only, then submit the plan through `plan.submit`.
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { planSchema } from '../../../preload/contract';
import type { TreeSnapshot } from '../../../preload/model';
import { CliError } from '../client';
import { formatTree } from '../format';
import { baseLoopOptions, oneLine, type AgentContext } from './context';
import { LlmFatalError, runLoop, type LoopTool } from './loop';
import { LIST_FILES_TOOL, listFiles, READ_FILE_TOOL, readFile, SEARCH_TOOL, search, type ToolInput } from './tools';

/** Rejected plans before the request is marked FAILED. */
export const MAX_INVALID_PLANS = 3;
/** Times a model that answers in prose is sent back to submit a plan. */
const MAX_REMINDERS = 2;

/** The input schema of `submit_plan`: the plan schema itself, as JSON Schema (the input side, defaults optional). */
export function planInputSchema(): Anthropic.Tool.InputSchema {
  const { $schema: _drop, ...schema } = z.toJSONSchema(planSchema, { io: 'input' }) as Record<string, unknown>;
  return schema as Anthropic.Tool.InputSchema;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function readOnlyTools(cwd: string): LoopTool[] {
  return [
    {
      definition: LIST_FILES_TOOL,
      summarize: (i) => `${str(i.path) || '.'}${i.depth ? ` (depth ${String(i.depth)})` : ''}`,
      run: (i) => listFiles(cwd, i),
    },
    {
      definition: READ_FILE_TOOL,
      summarize: (i) => `${str(i.path)}${i.offset ? `:${String(i.offset)}` : ''}`,
      run: (i) => readFile(cwd, i),
    },
    {
      definition: SEARCH_TOOL,
      summarize: (i) => `/${str(i.pattern)}/ in ${str(i.path) || '.'}`,
      run: (i) => search(cwd, i),
    },
  ];
}

export async function runOrchestrator(ctx: AgentContext): Promise<number> {
  const { screen, api } = ctx;
  const rejections: string[] = [];
  let accepted: TreeSnapshot | undefined;
  let summary = '';
  let reminders = 0;

  const submitPlan: LoopTool = {
    definition: {
      name: 'submit_plan',
      description:
        'Submit the plan for the request: groups of subtasks, each group for one worker, with dependencies between groups. ' +
        'Call it once, at the end. If the plan is invalid, the result lists every problem: fix them all and call it again.',
      input_schema: planInputSchema(),
    },
    summarize: (i: ToolInput) => {
      const groups = Array.isArray(i.groups) ? i.groups : [];
      const subtasks = groups.reduce((n: number, g) => n + (Array.isArray((g as { subtasks?: unknown })?.subtasks) ? (g as { subtasks: unknown[] }).subtasks.length : 0), 0);
      return `${groups.length} group(s), ${subtasks} subtask(s)`;
    },
    async run(input) {
      try {
        accepted = await api.call('plan.submit', { rootId: api.rootId, plan: input });
        summary = typeof input.summary === 'string' ? input.summary.trim() : '';
        return { content: 'The plan was accepted. Your work is done.', stop: true };
      } catch (err) {
        if (!(err instanceof CliError)) throw err;
        rejections.push(err.message);
        const left = MAX_INVALID_PLANS - rejections.length;
        if (left <= 0) return { content: err.message, isError: true, stop: true };
        return {
          content: `${err.message}\n\nFix every problem listed and call submit_plan again with the whole plan (${left} attempt${left === 1 ? '' : 's'} left).`,
          isError: true,
        };
      }
    },
  };

  const tools = [...readOnlyTools(ctx.cwd), submitPlan];
  const fail = async (reason: string): Promise<number> => {
    screen.error(reason);
    try {
      await api.call('task.fail', { id: api.rootId, reason });
    } catch (err) {
      screen.error(`could not report the failure to Maestro: ${(err as Error).message}`);
    }
    return 1;
  };

  let end;
  try {
    end = await runLoop({
      ...baseLoopOptions(ctx, tools),
      onFinalAnswer: () => {
        if (reminders >= MAX_REMINDERS) return undefined;
        reminders++;
        return 'You have not submitted a plan yet. Call the submit_plan tool now with the complete plan; do not answer with prose.';
      },
    });
  } catch (err) {
    if (err instanceof LlmFatalError) return fail(err.message);
    throw err;
  }

  if (accepted) {
    const root = accepted.tasks.find((t) => t.id === accepted!.rootId);
    const groups = accepted.tasks.filter((t) => t.kind === 'group').length;
    screen.success(`plan accepted: ${groups} group(s), ${accepted.tasks.filter((t) => t.kind === 'subtask').length} subtask(s)`);
    if (summary) screen.block(summary);
    if (root) screen.block(formatTree(accepted.tasks, root.id));
    return 0;
  }
  if (rejections.length >= MAX_INVALID_PLANS) {
    return fail(
      `the orchestrator submitted ${rejections.length} invalid plans:\n${rejections.map((r, i) => `${i + 1}. ${r}`).join('\n')}`,
    );
  }
  if (end.reason === 'max-turns') return fail(`the orchestrator used all ${ctx.maxTurns} turns without submitting a valid plan`);
  if (end.reason === 'final-answer') {
    return fail(`the orchestrator stopped without submitting a plan${end.text ? `: ${oneLine(end.text)}` : ''}`);
  }
  return fail(`the orchestrator stopped without a plan: ${end.detail}`);
}
