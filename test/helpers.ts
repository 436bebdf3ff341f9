// Shared test helpers: temporary folders, waiting for a condition, plans.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tmpDir(prefix = 'maestro-test-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Polls until `fn` returns a truthy value; fails with `what` after `timeoutMs` (a safety net, not a timing check). */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'maestro.js');

export function plan3(): unknown {
  return {
    summary: 'three groups; g3 needs g1 and g2',
    groups: [
      { id: 'g1', title: 'Group one', subtasks: [{ id: 's1', title: 'first', description: 'write one.txt' }, { id: 's2', title: 'second', description: '' }] },
      { id: 'g2', title: 'Group two', agent: 'tester', subtasks: [{ id: 's3', title: 'third', description: '' }, { id: 's4', title: 'fourth', description: '' }] },
      { id: 'g3', title: 'Group three', dependsOn: ['g1', 'g2'], subtasks: [{ id: 's5', title: 'fifth', description: '' }] },
    ],
  };
}

/** The environment a CLI child gets in tests: nothing of a session the tests themselves may run in. */
export function cliEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MAESTRO_API: '',
    MAESTRO_TOKEN: '',
    MAESTRO_TASK_ID: '',
    MAESTRO_ROOT_ID: '',
    MAESTRO_SESSION_ID: '',
    NO_COLOR: '1',
    ...env,
  };
}
