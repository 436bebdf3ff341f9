// The built-in agent's file tools, confined to the working directory (the shell is bash.ts).
//
// Every tool takes the model's raw input, checks it, and returns text for a tool_result. A problem the
// model can fix (a bad path, an ambiguous edit) throws ToolError, which becomes an `is_error` result.
import fs from 'node:fs';
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';

export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export type ToolInput = Record<string, unknown>;

/** Folders no tool walks into. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/** Most characters a tool result carries back to the model. */
export const MAX_RESULT_CHARS = 30_000;

// ---- input checks ------------------------------------------------------------------------------

export function str(input: ToolInput, key: string, tool: string, opts: { optional?: boolean; allowEmpty?: boolean } = {}): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw new ToolError(`${tool} needs "${key}" (a string)`);
  }
  if (typeof v !== 'string') throw new ToolError(`${tool}: "${key}" must be a string, not ${typeof v}`);
  if (!opts.allowEmpty && !v.trim()) throw new ToolError(`${tool}: "${key}" must not be empty`);
  return v;
}

export function int(input: ToolInput, key: string, tool: string, min: number, max: number): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ToolError(`${tool}: "${key}" must be a whole number from ${min} to ${max}, not ${JSON.stringify(v)}`);
  }
  return n;
}

// ---- paths -------------------------------------------------------------------------------------

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Resolves `p` against the working directory and refuses anything outside it, including through a
 * symbolic link (the deepest existing ancestor is resolved).
 */
export function resolveInside(root: string, p: string): string {
  const abs = path.resolve(root, p);
  const outside = () => new ToolError(`"${p}" is outside the working directory ${root}; use a path inside it`);
  if (!inside(root, abs)) throw outside();
  let probe = abs;
  while (!lexists(probe) && probe !== root) probe = path.dirname(probe);
  let real: string;
  try {
    real = fs.realpathSync(probe);
  } catch {
    throw new ToolError(`"${p}" is a broken symbolic link`);
  }
  if (!inside(fs.realpathSync(root), real)) throw outside();
  return abs;
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

const display = (root: string, abs: string) => path.relative(root, abs) || '.';

function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

// ---- text shortening ---------------------------------------------------------------------------

/** Keeps the head and the tail of a long text with a marker saying how much was left out. */
export function shorten(text: string, max = MAX_RESULT_CHARS): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  const omitted = text.length - 2 * half;
  return `${text.slice(0, half)}\n[… ${omitted} characters omitted …]\n${text.slice(text.length - half)}`;
}


export const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

// ---- read-only tools ---------------------------------------------------------------------------

const MAX_LIST_ENTRIES = 500;

export function listFiles(root: string, input: ToolInput): string {
  const rel = str(input, 'path', 'list_files', { optional: true }) ?? '.';
  const depth = int(input, 'depth', 'list_files', 1, 8) ?? 2;
  const start = resolveInside(root, rel);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(start);
  } catch {
    throw new ToolError(`list_files: "${rel}" does not exist`);
  }
  if (!stat.isDirectory()) return `${display(root, start)} is a file (${stat.size} bytes)`;
  const lines: string[] = [];
  let more = 0;
  const walk = (dir: string, level: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      lines.push(`${'  '.repeat(level)}(cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return;
    }
    entries.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name));
    for (const e of entries) {
      if (lines.length >= MAX_LIST_ENTRIES) {
        more++;
        continue;
      }
      const indent = '  '.repeat(level);
      if (e.isDirectory()) {
        if (SKIPPED_DIRS.has(e.name)) {
          lines.push(`${indent}${e.name}/ (not listed)`);
          continue;
        }
        lines.push(`${indent}${e.name}/`);
        if (level + 1 < depth) walk(path.join(dir, e.name), level + 1);
      } else {
        lines.push(`${indent}${e.name}${e.isSymbolicLink() ? ' @' : ''}`);
      }
    }
  };
  walk(start, 0);
  if (lines.length === 0) return `${display(root, start)}/ is empty`;
  if (more) lines.push(`[… ${more} more entries not shown; list a subfolder]`);
  return `${display(root, start)}/\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

const READ_LINES = 2_000;

export function readFile(root: string, input: ToolInput): string {
  const rel = str(input, 'path', 'read_file')!;
  const offset = int(input, 'offset', 'read_file', 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const limit = int(input, 'limit', 'read_file', 1, 100_000) ?? READ_LINES;
  const file = resolveInside(root, rel);
  let buf: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) throw new ToolError(`read_file: "${rel}" is a directory; use list_files for folders`);
    buf = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(`read_file: cannot read "${rel}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (isBinary(buf)) return `${display(root, file)} is a binary file (${buf.length} bytes)`;
  const text = buf.toString('utf8');
  if (!text) return `${display(root, file)} is empty`;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (offset > lines.length) throw new ToolError(`read_file: "${rel}" has only ${lines.length} lines; offset ${offset} is past the end`);
  const end = Math.min(lines.length, offset - 1 + limit);
  let body = lines.slice(offset - 1, end).join('\n');
  let last = end;
  if (body.length > MAX_RESULT_CHARS) {
    // Cut at a line boundary so the next read can continue exactly there.
    const cut = body.lastIndexOf('\n', MAX_RESULT_CHARS);
    body = body.slice(0, cut > 0 ? cut : MAX_RESULT_CHARS);
    last = offset - 1 + body.split('\n').length;
  }
  if (offset === 1 && last === lines.length) return body;
  const more = last < lines.length ? `; read on with offset ${last + 1}` : '';
  return `[lines ${offset}–${last} of ${lines.length}${more}]\n${body}`;
}

const MAX_MATCHES = 200;
const MAX_SEARCH_FILE_BYTES = 2 * 1024 * 1024;

export function search(root: string, input: ToolInput): string {
  const pattern = str(input, 'pattern', 'search')!;
  const rel = str(input, 'path', 'search', { optional: true }) ?? '.';
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (err) {
    throw new ToolError(`search: "${pattern}" is not a valid regular expression: ${(err as Error).message}`);
  }
  const start = resolveInside(root, rel);
  if (!fs.existsSync(start)) throw new ToolError(`search: "${rel}" does not exist`);
  const out: string[] = [];
  let files = 0;
  let truncated = false;
  const searchFile = (file: string) => {
    let buf: Buffer;
    try {
      if (fs.statSync(file).size > MAX_SEARCH_FILE_BYTES) return;
      buf = fs.readFileSync(file);
    } catch {
      return;
    }
    if (isBinary(buf)) return;
    files++;
    const lines = buf.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!re.test(lines[i]!)) continue;
      if (out.length >= MAX_MATCHES) {
        truncated = true;
        return;
      }
      const line = lines[i]!.trim();
      out.push(`${display(root, file)}:${i + 1}: ${line.length > 240 ? `${line.slice(0, 240)}…` : line}`);
    }
  };
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (truncated) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(p);
      } else if (e.isFile()) {
        searchFile(p);
      }
    }
  };
  if (fs.statSync(start).isDirectory()) walk(start);
  else searchFile(start);
  if (out.length === 0) return `no match for /${pattern}/ in ${files} file(s) under ${display(root, start)}`;
  if (truncated) out.push(`[stopped at ${MAX_MATCHES} matches; narrow the pattern or the path]`);
  return shorten(out.join('\n'));
}

// ---- writing tools -----------------------------------------------------------------------------

export function writeFile(root: string, input: ToolInput): string {
  const rel = str(input, 'path', 'write_file')!;
  const content = str(input, 'content', 'write_file', { allowEmpty: true })!;
  const file = resolveInside(root, rel);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new ToolError(`write_file: "${rel}" is a directory`);
  const existed = fs.existsSync(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const lines = lineCount(content);
  return `${existed ? 'overwrote' : 'created'} ${display(root, file)} (${lines} line${lines === 1 ? '' : 's'}, ${Buffer.byteLength(content)} bytes)`;
}

/** Lines of a text, not counting the empty string after a final newline. */
export function lineCount(text: string): number {
  return text ? text.split('\n').length - (text.endsWith('\n') ? 1 : 0) : 0;
}

function countOccurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function editFile(root: string, input: ToolInput): string {
  const rel = str(input, 'path', 'edit_file')!;
  const oldString = str(input, 'old_string', 'edit_file', { allowEmpty: true })!;
  const newString = str(input, 'new_string', 'edit_file', { allowEmpty: true })!;
  if (!oldString) throw new ToolError('edit_file: "old_string" must not be empty; to create a file use write_file');
  if (oldString === newString) throw new ToolError('edit_file: "old_string" and "new_string" are the same; nothing to change');
  const file = resolveInside(root, rel);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ToolError(`edit_file: cannot read "${rel}": ${code === 'ENOENT' ? 'no such file (use write_file to create it)' : (err as Error).message}`);
  }
  const count = countOccurrences(text, oldString);
  if (count === 0) {
    throw new ToolError(`edit_file: "old_string" was not found in ${rel}; read the file again and copy the text exactly, whitespace included`);
  }
  if (count > 1) {
    throw new ToolError(`edit_file: "old_string" occurs ${count} times in ${rel}; include more of the surrounding lines so it matches exactly once`);
  }
  const at = text.indexOf(oldString);
  fs.writeFileSync(file, text.slice(0, at) + newString + text.slice(at + oldString.length));
  const line = text.slice(0, at).split('\n').length;
  return `edited ${display(root, file)} at line ${line} (${oldString.split('\n').length} line(s) replaced by ${newString.split('\n').length})`;
}

// ---- the shell ---------------------------------------------------------------------------------


// ---- definitions -------------------------------------------------------------------------------

export type ToolDef = Anthropic.Tool;

export const LIST_FILES_TOOL: ToolDef = {
  name: 'list_files',
  description: `List the files and folders under a path of the working directory, as an indented tree (folders end with /). ${[...SKIPPED_DIRS].join(' and ')} are not listed.`,
  input_schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'A folder relative to the working directory; default "."' },
      depth: { type: 'integer', minimum: 1, maximum: 8, description: 'How many levels to list; default 2' },
    },
  },
};

export const READ_FILE_TOOL: ToolDef = {
  name: 'read_file',
  description: `Read a text file of the working directory. Long files come in slices of ${READ_LINES} lines: pass offset (first line, from 1) and limit (number of lines) to read a part.`,
  input_schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file, relative to the working directory' },
      offset: { type: 'integer', minimum: 1, description: 'First line to read (1-based)' },
      limit: { type: 'integer', minimum: 1, description: 'Number of lines to read' },
    },
    required: ['path'],
  },
};

export const SEARCH_TOOL: ToolDef = {
  name: 'search',
  description: `Search file contents with a regular expression (JavaScript syntax), line by line. Prints path:line: text for each match (at most ${MAX_MATCHES}). Skips binary files and ${[...SKIPPED_DIRS].join(', ')}.`,
  input_schema: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'The regular expression' },
      path: { type: 'string', description: 'A folder or file to search; default "."' },
    },
    required: ['pattern'],
  },
};


export const WRITE_FILE_TOOL: ToolDef = {
  name: 'write_file',
  description: 'Create or overwrite a file of the working directory with the given content; missing folders are created.',
  input_schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file, relative to the working directory' },
      content: { type: 'string', description: 'The complete new content' },
    },
    required: ['path', 'content'],
  },
};

export const EDIT_FILE_TOOL: ToolDef = {
  name: 'edit_file',
  description:
    'Replace one exact piece of text in a file. old_string must occur exactly once in the file (copy it exactly, with its whitespace; add surrounding lines to make it unique).',
  input_schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file, relative to the working directory' },
      old_string: { type: 'string', description: 'The text to replace; it must occur exactly once' },
      new_string: { type: 'string', description: 'The replacement text' },
    },
    required: ['path', 'old_string', 'new_string'],
  },
};
