import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { runBash } from './bash';
import { editFile, listFiles, readFile, resolveInside, search, shorten, ToolError, writeFile } from './tools';

function workspace(): string {
  const root = tmpDir('maestro-tools-');
  fs.mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
  fs.mkdirSync(path.join(root, 'node_modules', 'x'), { recursive: true });
  fs.mkdirSync(path.join(root, '.git'));
  fs.writeFileSync(path.join(root, 'README.md'), '# Demo\nhello world\n');
  fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 1;\nexport const b = 2;\n');
  fs.writeFileSync(path.join(root, 'src', 'deep', 'c.ts'), 'const hello = "there";\n');
  fs.writeFileSync(path.join(root, 'node_modules', 'x', 'index.js'), 'hello from a dependency\n');
  fs.writeFileSync(path.join(root, '.git', 'HEAD'), 'hello\n');
  fs.writeFileSync(path.join(root, 'blob.bin'), Buffer.from([104, 101, 108, 108, 111, 0, 1, 2]));
  return root;
}

describe('paths are confined to the working directory', () => {
  it('accepts paths inside and refuses ../, absolute paths outside, and symlinks that lead out', () => {
    const root = workspace();
    expect(resolveInside(root, 'src/a.ts')).toBe(path.join(root, 'src', 'a.ts'));
    expect(resolveInside(root, path.join(root, 'new', 'file.txt'))).toBe(path.join(root, 'new', 'file.txt'));
    expect(() => resolveInside(root, '../etc/passwd')).toThrow(/outside the working directory/);
    expect(() => resolveInside(root, '/etc/passwd')).toThrow(ToolError);
    const outside = tmpDir('maestro-outside-');
    fs.symlinkSync(outside, path.join(root, 'escape'));
    expect(() => resolveInside(root, 'escape/secret.txt')).toThrow(/outside the working directory/);
    expect(() => writeFile(root, { path: 'escape/new.txt', content: 'x' })).toThrow(/outside/);
    expect(fs.existsSync(path.join(outside, 'new.txt'))).toBe(false);
  });
});

describe('read-only tools', () => {
  it('list_files shows a tree without descending into .git and node_modules', () => {
    const root = workspace();
    const out = listFiles(root, {});
    expect(out).toContain('src/');
    expect(out).toContain('a.ts');
    expect(out).toContain('node_modules/ (not listed)');
    expect(out).not.toContain('index.js');
    expect(out).not.toContain('HEAD');
    // depth 1 lists src/ but not what is in it
    expect(listFiles(root, { path: '.', depth: 1 })).not.toContain('a.ts');
    expect(() => listFiles(root, { path: 'missing' })).toThrow(/does not exist/);
    expect(() => listFiles(root, { depth: 0 })).toThrow(/whole number from 1 to 8/);
  });

  it('read_file reads whole files or slices, and says how to read on', () => {
    const root = workspace();
    expect(readFile(root, { path: 'README.md' })).toBe('# Demo\nhello world');
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
    fs.writeFileSync(path.join(root, 'long.txt'), lines);
    expect(readFile(root, { path: 'long.txt', offset: 10, limit: 3 })).toBe('[lines 10–12 of 50; read on with offset 13]\nline 10\nline 11\nline 12');
    expect(readFile(root, { path: 'blob.bin' })).toMatch(/binary file \(8 bytes\)/);
    expect(() => readFile(root, { path: 'src' })).toThrow(/is a directory/);
    expect(() => readFile(root, { path: 'nope.txt' })).toThrow(/no such file/);
    expect(() => readFile(root, {})).toThrow(/read_file needs "path"/);
    expect(() => readFile(root, { path: 'long.txt', offset: 99 })).toThrow(/only 50 lines/);
  });

  it('search finds regex matches with path:line and skips .git, node_modules and binaries', () => {
    const root = workspace();
    const out = search(root, { pattern: 'hel+o' });
    expect(out.split('\n').sort()).toEqual(['README.md:2: hello world', 'src/deep/c.ts:1: const hello = "there";']);
    expect(search(root, { pattern: 'export', path: 'src/a.ts' })).toBe('src/a.ts:1: export const a = 1;\nsrc/a.ts:2: export const b = 2;');
    expect(search(root, { pattern: 'zzz' })).toMatch(/^no match for \/zzz\//);
    expect(() => search(root, { pattern: '(' })).toThrow(/not a valid regular expression/);
  });
});

describe('writing tools', () => {
  it('write_file creates folders; edit_file replaces exactly one occurrence', () => {
    const root = workspace();
    expect(writeFile(root, { path: 'new/dir/f.txt', content: 'one\ntwo\n' })).toBe('created new/dir/f.txt (2 lines, 8 bytes)');
    expect(fs.readFileSync(path.join(root, 'new/dir/f.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(writeFile(root, { path: 'new/dir/f.txt', content: '' })).toMatch(/^overwrote/);

    expect(editFile(root, { path: 'src/a.ts', old_string: 'const b = 2', new_string: 'const b = 3' })).toMatch(/edited src\/a.ts at line 2/);
    expect(fs.readFileSync(path.join(root, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\nexport const b = 3;\n');
    // `$&` in the replacement is literal text, not a pattern.
    editFile(root, { path: 'src/a.ts', old_string: 'a = 1', new_string: 'a = "$&"' });
    expect(fs.readFileSync(path.join(root, 'src/a.ts'), 'utf8')).toContain('a = "$&"');

    expect(() => editFile(root, { path: 'src/a.ts', old_string: 'export', new_string: 'declare' })).toThrow(/occurs 2 times/);
    expect(() => editFile(root, { path: 'src/a.ts', old_string: 'missing', new_string: 'x' })).toThrow(/was not found/);
    expect(() => editFile(root, { path: 'src/a.ts', old_string: '', new_string: 'x' })).toThrow(/must not be empty/);
    expect(() => editFile(root, { path: 'nope.ts', old_string: 'a', new_string: 'b' })).toThrow(/use write_file to create it/);
  });
});

describe('bash', () => {
  it('runs in the working directory with stdout and stderr and the exit code', async () => {
    const root = workspace();
    const r = await runBash(root, { command: 'pwd; echo out; echo err >&2; exit 3' });
    expect(r.exitCode).toBe(3);
    expect(r.text).toBe(`${root}\nout\nerr\n[exit code 3]`);
    expect((await runBash(root, { command: 'true' })).text).toBe('(no output)\n[exit code 0]');
  });

  it('keeps the head and the tail of long output with a marker', async () => {
    const root = workspace();
    const r = await runBash(root, { command: 'i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done' });
    expect(r.text.startsWith('line 0\nline 1\n')).toBe(true);
    expect(r.text).toMatch(/\[… \d+ characters omitted …\]/);
    expect(r.text.endsWith('line 19999\n[exit code 0]')).toBe(true);
    expect(r.text.length).toBeLessThan(31_000);
  });

  it('kills the whole process group on timeout', async () => {
    const root = workspace();
    const r = await runBash(root, { command: 'echo started; sleep 30 & sleep 30; echo never', timeout: 1 });
    expect(r.timedOut).toBe(true);
    expect(r.text).toBe('started\n[timed out after 1 s; the command was killed]');
  });

  it('returns when the shell exits even if a background process keeps the output open', async () => {
    const root = workspace();
    const r = await runBash(root, { command: '(sleep 2; echo late) & echo now' });
    expect(r.exitCode).toBe(0);
    expect(r.text).toBe('now\n[exit code 0]');
  });

  it('rejects bad input clearly', async () => {
    const root = workspace();
    await expect(runBash(root, {})).rejects.toThrow(/bash needs "command"/);
    await expect(runBash(root, { command: 'true', timeout: 0 })).rejects.toThrow(/whole number from 1 to 600/);
  });
});

describe('shorten', () => {
  it('leaves short text alone and marks what it cut', () => {
    expect(shorten('abc', 10)).toBe('abc');
    expect(shorten('abcdefghijklmnop', 10)).toBe('abcde\n[… 6 characters omitted …]\nlmnop');
  });
});
