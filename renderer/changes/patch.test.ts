import { describe, expect, it } from 'vitest';
import { GENERIC_PATCH, GROUP_PATCHES } from '../dev/mock-diffs';
import { filesOf, sectionFor, splitPatch, totals, unquotePath } from './patch';

/** Checks every hunk header of a patch against the lines that follow it; returns the mismatches. */
function hunkProblems(patch: string): string[] {
  const problems: string[] = [];
  const lines = patch.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(lines[i]);
    if (!m) continue;
    let old = 0;
    let neu = 0;
    let j = i + 1;
    for (; j < lines.length && /^[ +\-\\]/.test(lines[j]) && !lines[j].startsWith('diff --git'); j++) {
      if (lines[j].startsWith('\\')) continue;
      if (lines[j][0] !== '+') old++;
      if (lines[j][0] !== '-') neu++;
    }
    const wantOld = m[1] === undefined ? 1 : Number(m[1]);
    const wantNew = m[2] === undefined ? 1 : Number(m[2]);
    if (old !== wantOld || neu !== wantNew) problems.push(`${lines[i]}: has -${old} +${neu}`);
  }
  return problems;
}

const PATCH = [
  'diff --git a/src/a.ts b/src/a.ts',
  'index 1..2 100644',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,3 +1,3 @@',
  ' keep',
  '--- a line that starts with two dashes',
  '+++ a line that starts with two pluses',
  ' keep',
  'diff --git a/old name.txt b/new name.txt',
  'similarity index 100%',
  'rename from old name.txt',
  'rename to new name.txt',
  'diff --git a/img.png b/img.png',
  'index 3..4 100644',
  'Binary files a/img.png and b/img.png differ',
  'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
  'deleted file mode 100644',
  '--- "a/caf\\303\\251.txt"',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-bye',
  'diff --git a/same b/same b/same b/same',
  'old mode 100644',
  'new mode 100755',
  '',
].join('\n');

describe('splitPatch', () => {
  it('reads each file: paths, change, binary, counts (lines inside hunks that look like headers count as changes)', () => {
    const s = splitPatch(PATCH);
    expect(s.map(({ text: _t, ...rest }) => rest)).toEqual([
      { file: 'src/a.ts', change: 'modified', binary: false, added: 1, deleted: 1 },
      { file: 'new name.txt', from: 'old name.txt', change: 'renamed', binary: false, added: 0, deleted: 0 },
      { file: 'img.png', change: 'modified', binary: true, added: 0, deleted: 0 },
      { file: 'café.txt', change: 'deleted', binary: false, added: 0, deleted: 1 },
      { file: 'same b/same', change: 'modified', binary: false, added: 0, deleted: 0 },
    ]);
    expect(s[0].text.startsWith('diff --git a/src/a.ts')).toBe(true);
    expect(s[0].text.endsWith(' keep\n')).toBe(true);
    expect(s.map((x) => x.text).join('')).toBe(PATCH);
  });

  it('ignores text before the first file and copes with CRLF and an empty patch', () => {
    expect(splitPatch('')).toEqual([]);
    expect(splitPatch('warning: something\n')).toEqual([]);
    const crlf = splitPatch(PATCH.replace(/\n/g, '\r\n'));
    expect(crlf.map((x) => [x.file, x.added, x.deleted])).toEqual(splitPatch(PATCH).map((x) => [x.file, x.added, x.deleted]));
  });

  it('unquotes git paths', () => {
    expect(unquotePath('"a\\tb\\\\c\\"d"')).toBe('a\tb\\c"d');
    expect(unquotePath('plain')).toBe('plain');
  });

  it('finds the section of a listed file, and adds up the counts', () => {
    const s = splitPatch(PATCH);
    expect(sectionFor(s, { file: 'new name.txt', from: 'old name.txt', added: 0, deleted: 0, binary: false })?.change).toBe('renamed');
    expect(sectionFor(s, { file: 'nope', added: 0, deleted: 0, binary: false })).toBeUndefined();
    expect(totals(filesOf(PATCH))).toEqual({ files: 5, added: 1, deleted: 2 });
  });
});

describe('the dev mock diffs', () => {
  it('have hunk headers that match their lines, and a rename, a binary, an added and a deleted file', () => {
    const all = Object.values(GROUP_PATCHES).join('') + GENERIC_PATCH;
    expect(hunkProblems(all)).toEqual([]);
    const sections = splitPatch(all);
    const changes = new Set(sections.map((s) => s.change));
    expect([...changes].sort()).toEqual(['added', 'deleted', 'modified', 'renamed']);
    expect(sections.some((s) => s.binary)).toBe(true);
    expect(hunkProblems('@@ -1,2 +1,2 @@\n a\n-b\n+c\n')).toEqual([]);
    expect(hunkProblems('@@ -1,2 +1,3 @@\n a\n-b\n+c\n')).toHaveLength(1);
  });
});
