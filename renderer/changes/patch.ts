// Reading a unified diff as `git diff` prints it (`task.diff`'s `patch`): one section per file, with its
// paths, what happened to it and its +/− counts. The diff view draws each section on its own.
import type { DiffFile } from '../../preload/contract';

export type FileChange = 'added' | 'deleted' | 'modified' | 'renamed';

export interface PatchSection {
  /** The path after the change (the old path of a deleted file). */
  file: string;
  /** The old path of a rename or copy. */
  from?: string;
  change: FileChange;
  binary: boolean;
  added: number;
  deleted: number;
  /** This file's part of the patch, from its `diff --git` line. */
  text: string;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/** Git quotes a path with unusual characters: `"a/caf\303\251.txt"` (octal bytes of UTF-8). */
export function unquotePath(raw: string): string {
  if (!(raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"'))) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      bytes.push(...new TextEncoder().encode(ch));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(...new TextEncoder().encode(ESCAPES[next] ?? next));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** `a/src/x.ts` → `src/x.ts`; `/dev/null` → null. */
function headerPath(raw: string, prefix: 'a/' | 'b/'): string | null {
  const p = unquotePath(raw.replace(/\t.*$/, ''));
  if (p === '/dev/null') return null;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/** The two paths of a `diff --git a/X b/Y` line (unambiguous when X = Y, which is all that is needed when no other header names them). */
function gitLinePaths(rest: string): { a: string; b: string } | null {
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*")$/.exec(rest) ?? /^("(?:[^"\\]|\\.)*") (\S+)$/.exec(rest);
  if (quoted) return { a: headerPath(quoted[1], 'a/') ?? '', b: headerPath(quoted[2], 'b/') ?? '' };
  if ((rest.length - 5) % 2 === 0) {
    const half = (rest.length - 5) / 2;
    const a = rest.slice(2, 2 + half);
    if (rest === `a/${a} b/${a}`) return { a, b: a };
  }
  const at = rest.indexOf(' b/');
  return at > 0 ? { a: headerPath(rest.slice(0, at), 'a/') ?? '', b: rest.slice(at + 3) } : null;
}

function readSection(lines: string[]): PatchSection {
  let oldPath: string | null | undefined;
  let newPath: string | null | undefined;
  let renameFrom: string | undefined;
  let renameTo: string | undefined;
  let change: FileChange = 'modified';
  let binary = false;
  let added = 0;
  let deleted = 0;
  let inHunks = false;
  for (const line of lines.slice(1)) {
    if (inHunks) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) deleted++;
      continue;
    }
    if (line.startsWith('@@')) inHunks = true;
    else if (line.startsWith('--- ')) oldPath = headerPath(line.slice(4), 'a/');
    else if (line.startsWith('+++ ')) newPath = headerPath(line.slice(4), 'b/');
    else if (line.startsWith('new file mode')) change = 'added';
    else if (line.startsWith('deleted file mode')) change = 'deleted';
    else if (line.startsWith('rename from ') || line.startsWith('copy from ')) renameFrom = unquotePath(line.slice(line.indexOf(' from ') + 6));
    else if (line.startsWith('rename to ') || line.startsWith('copy to ')) renameTo = unquotePath(line.slice(line.indexOf(' to ') + 4));
    else if (line.startsWith('Binary files ') || line === 'GIT binary patch') binary = true;
  }
  const fromLine = gitLinePaths(lines[0].slice('diff --git '.length));
  if (renameFrom !== undefined || renameTo !== undefined) change = 'renamed';
  const file = renameTo ?? newPath ?? oldPath ?? fromLine?.b ?? fromLine?.a ?? '';
  const from = change === 'renamed' ? (renameFrom ?? oldPath ?? fromLine?.a) : undefined;
  return { file, ...(from !== undefined ? { from } : {}), change, binary, added, deleted, text: lines.join('\n') + '\n' };
}

/** Splits a unified git diff into its files. Text before the first `diff --git` line is ignored. */
export function splitPatch(patch: string): PatchSection[] {
  const lines = patch.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const sections: PatchSection[] = [];
  let current: string[] | null = null;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('diff --git ')) {
      if (current) sections.push(readSection(current));
      current = [line];
    } else if (current) current.push(line);
  }
  if (current) sections.push(readSection(current));
  return sections;
}

/** The files of a patch as `task.diff` lists them (what the engine's numstat says, computed from the text). */
export function filesOf(patch: string): DiffFile[] {
  return splitPatch(patch).map((s) => ({
    file: s.file,
    ...(s.from !== undefined ? { from: s.from } : {}),
    added: s.binary ? 0 : s.added,
    deleted: s.binary ? 0 : s.deleted,
    binary: s.binary,
  }));
}

/** The section of a listed file (by its path, and its old path for a rename). */
export function sectionFor(sections: readonly PatchSection[], f: DiffFile): PatchSection | undefined {
  return sections.find((s) => s.file === f.file && (f.from === undefined || s.from === f.from)) ?? sections.find((s) => s.file === f.file);
}

/** Totals of a file list. */
export function totals(files: readonly DiffFile[]): { files: number; added: number; deleted: number } {
  let added = 0;
  let deleted = 0;
  for (const f of files) {
    added += f.added;
    deleted += f.deleted;
  }
  return { files: files.length, added, deleted };
}

/** What a listed file's change is, for its letter in the list (A, D, M, R). */
export function changeOf(f: DiffFile, section?: PatchSection): FileChange {
  if (section) return section.change;
  return f.from !== undefined && f.from !== f.file ? 'renamed' : 'modified';
}
