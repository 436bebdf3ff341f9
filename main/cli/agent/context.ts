// What both roles of the built-in agent share: the LLM settings, the terminal, and the Maestro API.
import type Anthropic from '@anthropic-ai/sdk';
import type { CommandName, CommandParams, CommandResults } from '../../../preload/contract';
import type { TaskView, TreeSnapshot } from '../../../preload/model';
import { call, type Endpoint } from '../client';
import type { LoopOptions, LoopTool } from './loop';
import type { Screen } from './screen';

export interface AgentContext {
  client: Anthropic;
  screen: Screen;
  model: string;
  maxTokens: number;
  maxTurns: number;
  /** The session's working directory (the workspace). */
  cwd: string;
  system: string;
  prompt: string;
  api: MaestroLink;
  /** Overrides for tests (retry timing). */
  loop?: Pick<LoopOptions, 'retry' | 'sleep'>;
}

/** The session's link to Maestro: its task (the group, or the root for the orchestrator) and its token. */
export class MaestroLink {
  private usageWarned = false;

  constructor(
    readonly endpoint: Endpoint,
    readonly taskId: string,
    readonly rootId: string,
  ) {}

  call<K extends CommandName>(method: K, params: CommandParams<K>): Promise<CommandResults[K]> {
    return call(this.endpoint, method, params);
  }

  /** Records the tokens of one LLM call on the session's task; a failure is shown once, never fatal. */
  async recordUsage(
    screen: Screen,
    u: { model: string; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number },
  ): Promise<void> {
    try {
      await this.call('usage.record', { id: this.taskId, ...u });
    } catch (err) {
      if (!this.usageWarned) screen.notice(`could not record token usage: ${(err as Error).message}`);
      this.usageWarned = true;
    }
  }

  /** A note in the task's timeline; best effort. */
  async log(message: string): Promise<void> {
    try {
      await this.call('task.log', { id: this.taskId, message });
    } catch {
      // the note is a courtesy
    }
  }

  /** The leaves below the session's task that are not reported yet (PENDING or IN_PROGRESS). */
  async unreported(): Promise<TaskView[]> {
    const tree: TreeSnapshot = await this.call('tree.get', { rootId: this.rootId });
    const byId = new Map(tree.tasks.map((t) => [t.id, t]));
    const out: TaskView[] = [];
    const walk = (id: string) => {
      const t = byId.get(id);
      if (!t) return;
      if (t.subtasks.length) t.subtasks.forEach(walk);
      else if (t.id !== this.taskId && (t.status === 'PENDING' || t.status === 'IN_PROGRESS')) out.push(t);
    };
    walk(this.taskId);
    return out;
  }
}

/** A short, single-line form of a text for a reason or a summary. */
export function oneLine(s: string, max = 300): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The facts about where the agent runs, appended to its system text. */
export function environmentNote(cwd: string, tools: string[]): string {
  return [
    '# Environment',
    `You are running as Maestro's built-in agent. Your working directory is ${cwd}; every path you give a tool is relative to it.`,
    `Your tools: ${tools.join(', ')}.`,
    `Today is ${new Date().toISOString().slice(0, 10)}; the platform is ${process.platform}.`,
  ].join('\n');
}

/** The loop options both roles share: the LLM settings, the system text with the environment, usage and waits. */
export function baseLoopOptions(ctx: AgentContext, tools: LoopTool[]): LoopOptions {
  return {
    client: ctx.client,
    model: ctx.model,
    maxTokens: ctx.maxTokens,
    maxTurns: ctx.maxTurns,
    system: `${ctx.system}\n\n---\n\n${environmentNote(ctx.cwd, tools.map((t) => t.definition.name))}`,
    prompt: ctx.prompt,
    tools,
    screen: ctx.screen,
    ...ctx.loop,
    onUsage: (u) => ctx.api.recordUsage(ctx.screen, u),
    onWait: (line) => ctx.api.log(line),
  };
}
