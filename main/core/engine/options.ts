// What an Engine is built from: the data dir and the parts a shell or a test may replace.
import type { Settings } from '../../../preload/contract';
import type { SecretStore } from '../secrets';
import type { WorkspaceStrategy } from '../sessions/workspace';
import type { DocumentFileFactory } from '../store';
import type { PtyBackend } from '../terminal/pty';

export interface EngineOptions {
  dataDir: string;
  /** conf under plain Node (default); the Electron shell passes an electron-store factory. */
  files?: DocumentFileFactory;
  pty?: PtyBackend;
  skillsDir?: string;
  /** Settings that override the stored ones for this engine only (e.g. `maestro run --concurrency`). */
  overrides?: Partial<Settings>;
  /** Environment the sessions start from (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
  /** The local API's URL, set by the API server once it listens; sessions receive it as MAESTRO_API. */
  apiUrl?: string;
  /** Where the Anthropic API key is stored (default: a 0600 file in the data dir). */
  secrets?: SecretStore;
  /** Where each session works (default: in place, in the request's workspace). */
  workspaceStrategy?: WorkspaceStrategy;
}
