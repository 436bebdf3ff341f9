// A request's snapshot on disk (`<dataDir>/roots/<rootId>.json`): its shape, its schema version and the
// migrations that bring an older file up to date when it is read (store.ts reads and writes the file).
import { z } from 'zod';
import type { RootOptions, SessionInfo, Task } from '../../preload/model';

export const ROOT_SCHEMA_VERSION = 1;


export interface RootDocument {
  schemaVersion: number;
  rootId: string;
  options: RootOptions;
  tasks: Record<string, Task>;
  sessions: Record<string, SessionInfo>;
  /** The last timeline sequence number written. */
  seq: number;
}

const rootDocumentShape = z
  .object({
    schemaVersion: z.number().int().min(1),
    rootId: z.string().min(1),
    options: z.object({ workspace: z.string(), agentProfile: z.string() }).loose(),
    tasks: z.record(z.string(), z.object({ id: z.string(), status: z.string(), subtasks: z.array(z.string()) }).loose()),
    sessions: z.record(z.string(), z.object({ id: z.string(), status: z.string() }).loose()),
    seq: z.number().int().min(0),
  })
  .loose();

/** Migrations from version N to N+1, applied in order on load. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // 0 → 1: the unversioned prototype format had no session records and no timeline sequence.
  0: (doc) => ({ sessions: {}, seq: 0, ...doc }),
};

export function migrateRootDocument(raw: Record<string, unknown>): RootDocument {
  let doc = raw;
  let version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0;
  if (version > ROOT_SCHEMA_VERSION) {
    throw new Error(`written by a newer Maestro (schema ${version}; this version reads up to ${ROOT_SCHEMA_VERSION})`);
  }
  while (version < ROOT_SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`no migration from schema version ${version}`);
    doc = { ...step(doc), schemaVersion: version + 1 };
    version++;
  }
  const parsed = rootDocumentShape.safeParse(doc);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; '));
  }
  return doc as unknown as RootDocument;
}
