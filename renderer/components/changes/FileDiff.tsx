// One file's diff, unified or split, with syntax highlighting: @git-diff-view/react (highlight.js via
// lowlight, no eval, no workers, no network: it runs under the app's CSP). Loaded as its own chunk
// (React.lazy in DiffViewer.tsx), so the app's first load does not carry the highlighter.
import { useMemo, useState } from 'react';
import { DiffFile, DiffModeEnum, DiffView } from '@git-diff-view/react';
import '@git-diff-view/react/styles/diff-view.css';
import type { DiffMode } from '../../store/store';
import type { PatchSection } from '../../changes/patch';
import './diff-theme.css';

/** Above this many lines a diff is drawn without highlighting; above `HUGE`, only on request. */
export const HIGHLIGHT_MAX_LINES = 4_000;
export const HUGE_LINES = 20_000;

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function build(section: PatchSection, highlight: boolean): DiffFile {
  const file = DiffFile.createInstance({
    oldFile: { fileName: section.from ?? section.file },
    newFile: { fileName: section.file },
    hunks: [section.text],
  });
  file.initTheme('dark');
  file.initRaw();
  if (highlight) file.initSyntax();
  file.buildSplitDiffLines();
  file.buildUnifiedDiffLines();
  return file;
}

export function FileDiff({ section, mode }: { section: PatchSection; mode: DiffMode }) {
  const lines = useMemo(() => lineCount(section.text), [section.text]);
  const [forced, setForced] = useState(false);
  const hasHunks = section.text.includes('\n@@');
  const tooBig = lines > HUGE_LINES && !forced;
  const highlight = lines <= HIGHLIGHT_MAX_LINES;
  const file = useMemo(() => (hasHunks && !section.binary && !tooBig ? build(section, highlight) : null), [section, hasHunks, tooBig, highlight]);

  if (section.binary) {
    return <p className="diff-note">Binary file {section.change === 'added' ? 'added' : section.change === 'deleted' ? 'deleted' : 'changed'}: its content is not shown.</p>;
  }
  if (!hasHunks) {
    return (
      <p className="diff-note">
        {section.change === 'renamed' ? `Renamed from ${section.from ?? '?'}; the content is unchanged.` : 'No change to the content (mode or metadata only).'}
      </p>
    );
  }
  if (tooBig || !file) {
    return (
      <p className="diff-note">
        This diff has {lines.toLocaleString('en-US')} lines.{' '}
        <button type="button" className="btn btn-small" onClick={() => setForced(true)}>
          Show it anyway
        </button>
      </p>
    );
  }
  return (
    <div className="file-diff" data-mode={mode}>
      {!highlight ? <p className="diff-note">Long diff: shown without syntax highlighting.</p> : null}
      <DiffView
        diffFile={file}
        diffViewMode={mode === 'split' ? DiffModeEnum.Split : DiffModeEnum.Unified}
        diffViewTheme="dark"
        diffViewHighlight={highlight}
        diffViewWrap={mode === 'split'}
        diffViewFontSize={12}
      />
    </div>
  );
}

export default FileDiff;
