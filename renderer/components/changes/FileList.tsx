// The files of a diff with their +/− counts; a click opens that file's diff.
import type { DiffFile } from '../../../preload/contract';
import { changeOf, type PatchSection, sectionFor } from '../../changes/patch';

const LETTER = { added: 'A', deleted: 'D', modified: 'M', renamed: 'R' } as const;
const WORD = { added: 'added', deleted: 'deleted', modified: 'modified', renamed: 'renamed' } as const;

/** Five little boxes, like `git diff --stat`'s bar: the share of added and deleted lines. */
function ChangeBar({ added, deleted }: { added: number; deleted: number }) {
  const total = added + deleted;
  const boxes = 5;
  const green = total === 0 ? 0 : Math.round((added / total) * boxes);
  const red = total === 0 ? 0 : Math.min(boxes - green, Math.max(deleted > 0 ? 1 : 0, Math.round((deleted / total) * boxes)));
  return (
    <span className="change-bar" aria-hidden="true">
      {Array.from({ length: boxes }, (_, i) => (
        <span key={i} className={i < green ? 'add' : i < green + red ? 'del' : ''} />
      ))}
    </span>
  );
}

export function fileKey(f: DiffFile): string {
  return f.from !== undefined ? `${f.from}\u0000${f.file}` : f.file;
}

/** The file name first (it is what one looks for), then its folder, which is cut first when space runs out. */
function PathLabel({ path }: { path: string }) {
  const slash = path.lastIndexOf('/');
  return (
    <span className="changes-path" title={path}>
      <span className="changes-name">{path.slice(slash + 1)}</span>
      {slash >= 0 ? <span className="changes-dir">{path.slice(0, slash)}</span> : null}
    </span>
  );
}

export function FileList({
  files,
  sections,
  selected,
  onPick,
  label,
}: {
  files: readonly DiffFile[];
  /** With the full patch: what happened to each file (added, deleted…). */
  sections?: readonly PatchSection[];
  selected?: string | null;
  onPick(file: DiffFile): void;
  label: string;
}) {
  return (
    <ul className="changes-files" aria-label={label}>
      {files.map((f) => {
        const key = fileKey(f);
        const section = sections ? sectionFor(sections, f) : undefined;
        const change = changeOf(f, section);
        return (
          <li key={key}>
            <button
              type="button"
              className={`changes-file${selected === key ? ' selected' : ''}`}
              aria-current={selected === key ? 'true' : undefined}
              aria-label={`${f.file}${f.from !== undefined ? ` (renamed from ${f.from})` : ''}, ${sections ? `${WORD[change]}, ` : ''}${f.binary ? 'binary' : `${f.added} added, ${f.deleted} deleted`}`}
              onClick={() => onPick(f)}
              title={f.from !== undefined ? `${f.from} → ${f.file}` : f.file}
            >
              {sections ? <span className={`change-letter change-${change}`}>{LETTER[change]}</span> : null}
              <span className="changes-file-main">
                <PathLabel path={f.file} />
                {f.from !== undefined ? <span className="changes-from">from {f.from}</span> : null}
              </span>
              <span className="changes-counts">
                {f.binary ? (
                  <span className="badge badge-dim">binary</span>
                ) : (
                  <>
                    <span className="count-add">+{f.added}</span> <span className="count-del">−{f.deleted}</span>
                  </>
                )}
              </span>
              {f.binary ? <span className="change-bar" aria-hidden="true" /> : <ChangeBar added={f.added} deleted={f.deleted} />}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
