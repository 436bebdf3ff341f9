// The built-in agent's shell: a command in the working directory, its output streamed to the terminal
// as it runs and kept whole in a file when it is long; the model gets a head and a tail.
import { spawn } from 'node:child_process';
import { ANSI, int, MAX_RESULT_CHARS, str, ToolError, type ToolDef, type ToolInput } from './tools';

/** Collects a stream of output, keeping only its first and last `half` characters. */
class HeadTail {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly half: number) {}
  push(s: string): void {
    if (this.head.length < this.half) {
      const take = this.half - this.head.length;
      this.head += s.slice(0, take);
      s = s.slice(take);
    }
    if (!s) return;
    this.tail += s;
    if (this.tail.length > this.half) {
      this.dropped += this.tail.length - this.half;
      this.tail = this.tail.slice(this.tail.length - this.half);
    }
  }
  get shortened(): boolean {
    return this.dropped > 0;
  }
  toString(): string {
    return this.dropped ? `${this.head}\n[… ${this.dropped} characters omitted …]\n${this.tail}` : this.head + this.tail;
  }
}

export const DEFAULT_BASH_TIMEOUT_S = 120;
export const MAX_BASH_TIMEOUT_S = 600;

/** Process groups of running commands, ended when the agent itself is ended. */
const runningGroups = new Set<number>();

export function killRunningCommands(): void {
  for (const pid of runningGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  runningGroups.clear();
}

export interface BashResult {
  /** What goes back to the model: the output (its head and tail when long) and the status line. */
  text: string;
  /** The status line alone: `[exit code 0]`, `[timed out …]`. */
  status: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The model's text leaves part of the output out. */
  shortened: boolean;
}

/**
 * Runs `/bin/sh -c command` in `cwd` with stdout and stderr interleaved; kills its process group on
 * timeout. `onOutput` gets every piece of output as it arrives (for the terminal); the result keeps
 * only the head and the tail for the model.
 */
export async function runBash(
  root: string,
  input: ToolInput,
  env: NodeJS.ProcessEnv = process.env,
  onOutput?: (chunk: string) => void,
): Promise<BashResult> {
  const command = str(input, 'command', 'bash')!;
  const timeoutS = int(input, 'timeout', 'bash', 1, MAX_BASH_TIMEOUT_S) ?? DEFAULT_BASH_TIMEOUT_S;
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends everything it started. stdin is closed: nobody answers prompts.
    const child = spawn('/bin/sh', ['-c', command], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const output = new HeadTail(Math.floor(MAX_RESULT_CHARS / 2));
    const take = (s: string) => {
      output.push(s);
      if (!onOutput) return;
      try {
        onOutput(s);
      } catch {
        // showing the output is a courtesy; the command and its result go on
      }
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    if (child.pid) runningGroups.add(child.pid);
    let timedOut = false;
    let settled = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 2_000).unref();
    }, timeoutS * 1000);
    const finish = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.pid) runningGroups.delete(child.pid);
      const body = output.toString().replace(ANSI, '').replace(/\s+$/, '');
      const status = timedOut
        ? `[timed out after ${timeoutS} s; the command was killed]`
        : `[exit code ${exitCode ?? 'none (killed by a signal)'}]`;
      resolve({ text: `${body || '(no output)'}\n${status}`, status, exitCode, timedOut, shortened: output.shortened });
    };
    child.on('error', (err) => {
      clearTimeout(timer);
      if (child.pid) runningGroups.delete(child.pid);
      reject(new ToolError(`bash: cannot run /bin/sh: ${err.message}`));
    });
    // 'close' waits for the pipes; a background process that keeps them open must not hold the result.
    child.on('close', (code) => finish(code));
    child.on('exit', (code) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code);
      }, 500).unref();
    });
  });
}

export const BASH_TOOL: ToolDef = {
  name: 'bash',
  description:
    `Run a shell command with /bin/sh -c in the working directory and get its output (stdout and stderr together) and exit code. ` +
    `Use it to build, test, inspect, and to report through the maestro CLI. Standard input is closed, so nothing can prompt. ` +
    `Long output is shortened to its beginning and end; then the result names a file with all of it (read it with sed, grep or tail). ` +
    `Default timeout ${DEFAULT_BASH_TIMEOUT_S} s.`,
  input_schema: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command line' },
      timeout: { type: 'integer', minimum: 1, maximum: MAX_BASH_TIMEOUT_S, description: `Seconds before the command is killed; default ${DEFAULT_BASH_TIMEOUT_S}` },
    },
    required: ['command'],
  },
};
